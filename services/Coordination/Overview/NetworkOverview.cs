using EuCyberNet.Coordination.Activities;

namespace EuCyberNet.Coordination.Overview;

/// <summary>
/// Network figures: experts by status and citizenship, every kind of activity by status and region,
/// overlap alerts; current, or as they were at <see cref="AsOf"/>.
/// </summary>
public sealed record NetworkOverview(
    DateTimeOffset? AsOf,
    long ExpertApplications,
    ExpertFigures Experts,
    ActivityFigures Projects,
    ActivityFigures Requests,
    ActivityFigures Deployments,
    ActivityFigures TrainingSessions,
    ActivityFigures TrainingRequests,
    OverlapFigures Overlaps)
{
    public static NetworkOverview Empty { get; } = From(new Dictionary<string, long>(), null);

    /// <summary>Reads the bucket sums (see <see cref="Buckets"/>) into figures.</summary>
    public static NetworkOverview From(IReadOnlyDictionary<string, long> sums, DateTimeOffset? asOf)
    {
        var overlapsByStatus = Breakdown(sums, Buckets.Overlap, Buckets.Status);
        return new NetworkOverview(
            asOf,
            sums.GetValueOrDefault(Buckets.Key(Buckets.Applications, Buckets.Total)),
            new ExpertFigures(
                Breakdown(sums, Buckets.Expert, Buckets.Status).Values.Sum(),
                Breakdown(sums, Buckets.Expert, Buckets.Status),
                Breakdown(sums, Buckets.Expert, Buckets.Citizenship),
                Breakdown(sums, Buckets.Expert, Buckets.PoolCitizenship)),
            Activity(sums, ActivityKind.Project),
            Activity(sums, ActivityKind.ExpertiseRequest),
            Activity(sums, ActivityKind.Deployment),
            Activity(sums, ActivityKind.TrainingSession),
            Activity(sums, ActivityKind.TrainingRequest),
            new OverlapFigures(
                overlapsByStatus.GetValueOrDefault("raised") + overlapsByStatus.GetValueOrDefault("acknowledged"),
                overlapsByStatus.Values.Sum(),
                overlapsByStatus));
    }

    private static ActivityFigures Activity(IReadOnlyDictionary<string, long> sums, ActivityKind kind)
    {
        var family = Contracts.Vocabularies.Slug.Of(kind);
        var byStatus = Breakdown(sums, family, Buckets.Status);
        return new ActivityFigures(byStatus.Values.Sum(), byStatus, Breakdown(sums, family, Buckets.Region));
    }

    private static SortedDictionary<string, long> Breakdown(IReadOnlyDictionary<string, long> sums, string family, string dimension)
    {
        var prefix = Buckets.Key(family, dimension);
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (bucket, count) in sums)
            if (count != 0 && bucket.StartsWith(prefix, StringComparison.Ordinal)) result[bucket[prefix.Length..]] = count;
        return result;
    }
}

/// <summary>Experts by status (every status), by citizenship (all but erased) and in the pool (accepted) by citizenship.</summary>
public sealed record ExpertFigures(
    long Total,
    IReadOnlyDictionary<string, long> ByStatus,
    IReadOnlyDictionary<string, long> ByCitizenship,
    IReadOnlyDictionary<string, long> InPoolByCitizenship);

/// <summary>Activities of one kind by status and by region (a multi-country project counts once in each of its regions).</summary>
public sealed record ActivityFigures(long Total, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> ByRegion);

/// <summary>Overlap alerts: open (raised or acknowledged), all, and by status.</summary>
public sealed record OverlapFigures(long Open, long Total, IReadOnlyDictionary<string, long> ByStatus);
