namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>One page of a list: <c>{ "items": [...], "total": n }</c> (api.md).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total);

/// <summary><c>page</c> (from 1) and <c>pageSize</c> (1–200, default 50) of a list request.</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    public int Skip => (Page - 1) * PageSize;

    /// <summary>Reads the paging parameters, reporting bad ones to <paramref name="validator"/>.</summary>
    public static Paging From(int? page, int? pageSize, Validator validator)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (p < 1) validator.Add("page", "must be 1 or more");
        if (size is < 1 or > MaxPageSize) validator.Add("pageSize", $"must be between 1 and {MaxPageSize}");
        return new Paging(Math.Max(p, 1), Math.Clamp(size, 1, MaxPageSize));
    }
}
