using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Coordination.Gaps;

public sealed class GapOptions
{
    public const string Section = "Coordination:Gaps";

    /// <summary>How far ahead supply (availability) and training seats count.</summary>
    public int HorizonDays { get; set; } = 90;
}

public sealed record GapsView(DateOnly On, DateOnly HorizonEnd, IReadOnlyList<RoleGap> Roles);

/// <summary>
/// Supply, demand and training per ECSF role. "Available in the next 90 days" moves with the
/// calendar, so the gaps are computed when asked, from the read models (activities and expert
/// records), with the arithmetic of <see cref="GapArithmetic"/>.
/// </summary>
public static class GapsApi
{
    private static readonly string[] UpcomingStatuses = ["scheduled", "open-for-enrolment", "full"];

    public static IEndpointRouteBuilder MapGapsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/coordination").WithTags("Coordination")
            .MapGet("/gaps", Get)
            .WithSummary("Per ECSF role: open demand, available supply, upcoming training seats and the gap; ?on= a date (default today)")
            .AllowRoles(Access.Readers);
        return app;
    }

    private static async Task<Results<Ok<GapsView>, ValidationProblem>> Get(
        string? on, IQuerySession session, IOptions<GapOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validator();
        var day = ActivityFilter.ParseDate(v, "on", on) ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!v.IsValid) return v.ToProblem();
        var horizonEnd = day.AddDays(Math.Max(1, options.Value.HorizonDays));

        var requests = await session.Query<Activity>()
            .Where(a => a.Kind == ActivityKind.ExpertiseRequest && a.SnapshotVersion > 0 && a.Status == "published")
            .Where(a => a.ApplicationDeadline == null || a.ApplicationDeadline >= day)
            .ToListAsync(ct);
        var requestIds = requests.Select(r => r.Id).ToArray();
        var selected = requestIds.Length == 0 ? [] : (await session.Query<Activity>()
                .Where(a => a.Kind == ActivityKind.Deployment && a.Status != "cancelled" && requestIds.Contains(a.RequestId!.Value))
                .Select(a => a.RequestId!.Value)
                .ToListAsync(ct))
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var demand = requests.Select(r => new OpenDemand(r.Id, r.Roles, r.ExpertsNeeded ?? 0, selected.GetValueOrDefault(r.Id))).ToList();

        var sessions = (await session.Query<Activity>()
                .Where(a => a.Kind == ActivityKind.TrainingSession && a.SnapshotVersion > 0)
                .Where(a => a.From >= day && a.From <= horizonEnd && a.Status.IsOneOf(UpcomingStatuses))
                .ToListAsync(ct))
            .Select(s => new UpcomingSeats(s.Id, s.Roles, s.Capacity ?? 0)).ToList();

        var supply = await SupplyAsync(session, day, horizonEnd, ct);
        return TypedResults.Ok(new GapsView(day, horizonEnd, GapArithmetic.Compute(demand, supply, sessions)));
    }

    /// <summary>Accepted experts per role with an availability window (above 0 %) touching [from, to].</summary>
    private static async Task<IReadOnlyDictionary<EcsfRole, long>> SupplyAsync(IQuerySession session, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await session.AdvancedSql.QueryAsync<Overview.OverviewStore.BucketCount>(
            "select json_build_object('bucket', r.role, 'count', count(*)) " +
            $"from {Tables.Experts} d cross join lateral jsonb_array_elements_text(d.data -> 'roles') r(role) " +
            "where d.data ->> 'status' = 'accepted' and exists (select 1 from jsonb_array_elements(d.data -> 'availability') w " +
            "where (w ->> 'percent')::int > 0 and (w ->> 'from')::date <= ? and (w ->> 'to')::date >= ?) group by r.role",
            ct, to, from);
        var supply = new Dictionary<EcsfRole, long>();
        foreach (var row in rows)
            if (Slug.TryParse<EcsfRole>(row.Bucket, out var role)) supply[role] = row.Count;
        return supply;
    }
}
