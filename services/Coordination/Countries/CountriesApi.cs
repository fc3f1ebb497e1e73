using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Countries;

public sealed record ActorCount(string Name, int Activities);

public sealed record CountryTraining(int Sessions, int TrainingRequests, long Seats, long SeatsTaken);

/// <summary>One beneficiary country: who does what there, with whom, and where the work may be duplicated.</summary>
public sealed record CountryView(
    string Country,
    string Name,
    string Region,
    int TotalActivities,
    IReadOnlyDictionary<string, int> ByKind,
    IReadOnlyDictionary<string, int> ByTheme,
    IReadOnlyList<ActorCount> Funders,
    IReadOnlyList<ActorCount> Implementers,
    int ExpertsDeployed,
    CountryTraining Trainings,
    IReadOnlyList<OverlapView> OpenOverlaps,
    IReadOnlyList<ActivityView> Activities);

/// <summary>The country overview: a query over the activity and overlap read models (indexed by country).</summary>
public static class CountriesApi
{
    private const int MaxActivities = 2000;

    public static IEndpointRouteBuilder MapCountriesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/coordination/countries").WithTags("Coordination")
            .MapGet("/{iso2}", Get)
            .WithSummary("One country: activities, funders, implementers, experts deployed, trainings, open overlaps")
            .AllowRoles(Access.Readers);
        return app;
    }

    private static async Task<Results<Ok<CountryView>, ValidationProblem>> Get(string iso2, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var country = v.Country("iso2", iso2);
        if (!v.IsValid) return v.ToProblem();

        var activities = await session.Query<Activity>()
            .Where(a => a.SnapshotVersion > 0 && a.Countries.Contains(country))
            .OrderBy(a => a.From).ThenBy(a => a.Id)
            .Take(MaxActivities)
            .ToListAsync(ct);
        var overlaps = await session.Query<OverlapAlert>()
            .Where(a => a.Countries.Contains(country) && (a.Status == OverlapStatus.Raised || a.Status == OverlapStatus.Acknowledged))
            .OrderByDescending(a => a.RaisedAt)
            .ToListAsync(ct);

        var live = activities.Where(a => a.Status != "cancelled").ToList();
        var sessions = live.Where(a => a.Kind == ActivityKind.TrainingSession).ToList();
        return TypedResults.Ok(new CountryView(
            country,
            Contracts.Vocabularies.Countries.Names[country],
            Regions.Of(country),
            activities.Count,
            Count(activities.GroupBy(a => Slug.Of(a.Kind))),
            Count(activities.SelectMany(a => a.Themes).GroupBy(Slug.Of)),
            Actors(live.Select(a => a.Funder).OfType<string>()),
            Actors(live.SelectMany(a => a.Implementers)),
            live.Where(a => a.Kind == ActivityKind.Deployment && a.ExpertId is not null).Select(a => a.ExpertId).Distinct().Count(),
            new CountryTraining(sessions.Count, live.Count(a => a.Kind == ActivityKind.TrainingRequest),
                sessions.Sum(s => (long)(s.Capacity ?? 0)), sessions.Sum(s => (long)(s.SeatsTaken ?? 0))),
            [.. overlaps.Select(OverlapView.From)],
            [.. activities.Select(ActivityView.Of)]));
    }

    private static SortedDictionary<string, int> Count<T>(IEnumerable<IGrouping<string, T>> groups) =>
        new(groups.ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);

    private static List<ActorCount> Actors(IEnumerable<string> names) =>
        [.. names.GroupBy(n => n.Trim(), StringComparer.OrdinalIgnoreCase).Select(g => new ActorCount(g.First().Trim(), g.Count()))
            .OrderByDescending(a => a.Activities).ThenBy(a => a.Name, StringComparer.Ordinal)];
}
