using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Marten.Linq;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Activities;

/// <summary>One activity as the API shows it (the bookkeeping of versions and tracks left out).</summary>
public sealed record ActivityView(
    Guid Id,
    string Subject,
    ActivityKind Kind,
    string Status,
    string? Title,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> Regions,
    IReadOnlyList<CcbTheme> Themes,
    IReadOnlyList<Pillar> Pillars,
    string? Funder,
    IReadOnlyList<string> Implementers,
    DateOnly? From,
    DateOnly? To,
    IReadOnlyList<EcsfRole> Roles,
    Guid? ProjectId,
    Guid? RequestId,
    Guid? ExpertId,
    Guid? SessionId,
    ActivityType? ActivityType,
    int? ExpertsNeeded,
    DateOnly? ApplicationDeadline,
    decimal? BudgetEur,
    string? Source,
    int? Capacity,
    int? SeatsTaken,
    int? Rating,
    long SourceVersion,
    DateTimeOffset? ChangedAt)
{
    public static ActivityView Of(Activity a) => new(
        a.Id, a.Subject, a.Kind, a.Status, a.Title, a.Countries, a.Regions, a.Themes, a.Pillars, a.Funder, a.Implementers,
        a.From, a.To, a.Roles, a.ProjectId, a.RequestId, a.ExpertId, a.SessionId, a.ActivityType, a.ExpertsNeeded,
        a.ApplicationDeadline, a.BudgetEur, a.Source, a.Capacity, a.SeatsTaken, a.Rating,
        Math.Max(a.SnapshotVersion, a.StatusVersion), a.ChangedAt);
}

/// <summary>The filters of <c>GET /coordination/activities</c>, as sent (strings, so every bad one is reported).</summary>
public sealed record ActivityFilter(
    string? Country, string? Theme, string? Pillar, string? Funder, string? Implementer,
    string? From, string? To, string? Kind, string? Status)
{
    public Func<IQueryable<Activity>, IQueryable<Activity>>? Parse(Validator v)
    {
        var country = v.Country("country", Country, required: false);
        CcbTheme? theme = Theme is null ? null : v.Slug<CcbTheme>("theme", Theme);
        Pillar? pillar = Pillar is null ? null : v.Slug<Pillar>("pillar", Pillar);
        ActivityKind? kind = Kind is null ? null : v.Slug<ActivityKind>("kind", Kind);
        var funder = v.OptionalText("funder", Funder, 200);
        var implementer = v.OptionalText("implementer", Implementer, 200);
        var status = v.OptionalText("status", Status, 50);
        var from = ParseDate(v, "from", From);
        var to = ParseDate(v, "to", To);
        if (from is { } f && to is { } t) v.Period("to", f, t);
        if (!v.IsValid) return null;

        return query =>
        {
            query = query.Where(a => a.SnapshotVersion > 0);
            if (kind is { } k) query = query.Where(a => a.Kind == k);
            if (country.Length > 0) query = query.Where(a => a.Countries.Contains(country));
            if (theme is { } th) query = query.Where(a => a.Themes.Contains(th));
            if (pillar is { } p) query = query.Where(a => a.Pillars.Contains(p));
            if (funder is not null) query = query.Where(a => a.Funder!.Equals(funder, StringComparison.OrdinalIgnoreCase));
            if (implementer is not null) query = query.Where(a => a.Implementers.Contains(implementer));
            if (status is not null) query = query.Where(a => a.Status == status);
            if (from is { } periodFrom) query = query.Where(a => a.To >= periodFrom);
            if (to is { } periodTo) query = query.Where(a => a.From <= periodTo);
            return query;
        };
    }

    internal static DateOnly? ParseDate(Validator v, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
            return date;
        v.Add(field, "must be a date such as 2027-03-01");
        return null;
    }
}

public static class ActivitiesApi
{
    public static IEndpointRouteBuilder MapActivitiesApi(this IEndpointRouteBuilder app)
    {
        var activities = app.MapGroup("/coordination/activities").WithTags("Coordination");
        activities.MapGet("", List)
            .WithSummary("Every CCB activity (projects, requests, deployments, training sessions and requests), filtered")
            .AllowRoles(Access.Readers);
        activities.MapGet("/{id:guid}", Get).WithSummary("One activity")
            .AllowRoles(Access.Readers);
        return app;
    }

    private static async Task<Results<Ok<Page<ActivityView>>, ValidationProblem>> List(
        string? country, string? theme, string? pillar, string? funder, string? implementer,
        string? from, string? to, string? kind, string? status, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        var filter = new ActivityFilter(country, theme, pillar, funder, implementer, from, to, kind, status).Parse(v);
        if (filter is null || !v.IsValid) return v.ToProblem();

        var items = await filter(session.Query<Activity>())
            .OrderBy(a => a.From).ThenBy(a => a.Id)
            .Stats(out var stats)
            .Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new Page<ActivityView>([.. items.Select(ActivityView.Of)], stats.TotalResults));
    }

    private static async Task<Results<Ok<ActivityView>, ProblemHttpResult>> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<Activity>(id, ct) is { Known: true } activity
            ? TypedResults.Ok(ActivityView.Of(activity))
            : Problems.NotFound("Activity", id);
}
