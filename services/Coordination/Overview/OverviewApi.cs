using EuCyberNet.ServiceDefaults.Security;
using System.Globalization;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Overview;

public static class OverviewApi
{
    public static IEndpointRouteBuilder MapOverviewApi(this IEndpointRouteBuilder app)
    {
        var coordination = app.MapGroup("/coordination").WithTags("Coordination");
        coordination.MapGet("/overview", GetOverview)
            .WithSummary("Network figures; ?asOf=<instant> gives them as they were then")
            .AllowRoles(Access.Readers);
        return app;
    }

    private static async Task<Results<Ok<NetworkOverview>, ValidationProblem>> GetOverview(
        string? asOf, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var instant = ParseInstant(v, "asOf", asOf);
        if (!v.IsValid) return v.ToProblem();
        var sums = await Tables.Overview.SumsAsync(session, instant, ct);
        return TypedResults.Ok(NetworkOverview.From(sums, instant));
    }

    /// <summary>An ISO 8601 instant (<c>2027-03-01T09:00:00Z</c>) or a date (its start, UTC).</summary>
    internal static DateTimeOffset? ParseInstant(Validator v, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return instant;
        v.Add(field, "must be an instant such as 2027-03-01T09:00:00Z (or a date, meaning its start in UTC)");
        return null;
    }
}
