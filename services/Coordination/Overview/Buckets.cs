using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;

namespace EuCyberNet.Coordination.Overview;

/// <summary>
/// The counters the overview is made of, as <c>family|dimension|value</c> keys: a subject is in one
/// bucket per dimension (an expert in <c>expert|status|accepted</c> and <c>expert|citizenship|SI</c>;
/// a project in one <c>project|region|…</c> bucket per region it works in), so each breakdown sums
/// to the number of subjects in it. Totals are the sum of the status breakdown (one row fewer per
/// new subject in the change log).
/// </summary>
public static class Buckets
{
    public const string Expert = "expert";
    public const string Applications = "expert-applications";
    public const string Overlap = "overlap";
    public const string Total = "total";
    public const string Status = "status";
    public const string Region = "region";
    public const string Citizenship = "citizenship";
    public const string PoolCitizenship = "pool-citizenship";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string), string> Keys = new();

    /// <summary><c>family|dimension|value</c>, interned (the projection asks for the same few hundred keys millions of times).</summary>
    public static string Key(string family, string dimension, string value = "") =>
        Keys.GetOrAdd((family, dimension, value), k => $"{k.Item1}|{k.Item2}|{k.Item3}");

    public static Func<OverviewFacts, IReadOnlyCollection<string>> ForActivity(ActivityKind kind)
    {
        var family = Contracts.Vocabularies.Slug.Of(kind);
        return facts =>
        {
            var buckets = new HashSet<string>(StringComparer.Ordinal) { Key(family, Status, facts.Status ?? "unknown") };
            if (facts.Regions is { Count: > 0 } regions)
                foreach (var region in regions) buckets.Add(Key(family, Region, region));
            else buckets.Add(Key(family, Region, Regions.Unknown));
            return buckets;
        };
    }

    public static IReadOnlyCollection<string> ForExpert(OverviewFacts facts)
    {
        var buckets = new HashSet<string>(StringComparer.Ordinal);
        if (facts.Applied) buckets.Add(Key(Applications, Total));
        if (facts.Status is not { } status) return buckets;
        buckets.Add(Key(Expert, Status, status));
        if (status != ExpertStatuses.Erased && facts.Citizenship is { } citizenship)
        {
            buckets.Add(Key(Expert, Citizenship, citizenship));
            if (status == ExpertStatuses.Accepted) buckets.Add(Key(Expert, PoolCitizenship, citizenship));
        }
        return buckets;
    }

    public static IReadOnlyCollection<string> ForOverlap(OverviewFacts facts) =>
        facts.Status is { } status ? [Key(Overlap, Status, status)] : [];
}
