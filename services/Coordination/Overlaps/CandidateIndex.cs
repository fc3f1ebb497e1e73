using EuCyberNet.Coordination.Activities;

namespace EuCyberNet.Coordination.Overlaps;

/// <summary>
/// Activities in memory by beneficiary country, then by funder, then by implementers, so that
/// <see cref="Neighbours"/> skips whole groups the rule would reject anyway. Pure: no I/O;
/// <see cref="ActivityIndex"/> keeps it up to date with the read models.
/// <para>
/// Why the two inner levels: <see cref="OverlapRule"/> never raises an overlap between activities of
/// the same funder with an implementer in common (one actor's own portfolio is not duplication). A
/// country's activities are mostly such portfolios (one funder and implementer running many
/// projects), and comparing every new activity with each of them cost the detector most of its CPU
/// (measured: 29% of Coordination's CPU in the pipeline benchmark, whose projects all share one
/// funder and implementer). Members of a group have the same funder and the same implementers, both
/// compared as the rule compares them (trimmed, ordinal, ignoring case), so the rule's answer on
/// "different actors" is the same for all of them and one check decides the group.
/// </para>
/// <para>Not thread-safe: the detector's pages come one at a time.</para>
/// </summary>
internal sealed class CandidateIndex
{
    private readonly Dictionary<Guid, Activity> _activities = [];
    private readonly Dictionary<string, Dictionary<Funder, Dictionary<Implementers, HashSet<Guid>>>> _byCountry = new(StringComparer.Ordinal);

    public int Count => _activities.Count;

    public Activity? Find(Guid id) => _activities.GetValueOrDefault(id);

    public void Clear()
    {
        _activities.Clear();
        _byCountry.Clear();
    }

    /// <summary>Adds <paramref name="activity"/>, or replaces the copy of it held so far (wherever that was filed).</summary>
    public void Put(Activity activity)
    {
        if (_activities.TryGetValue(activity.Id, out var old)) Unfile(old);
        _activities[activity.Id] = activity;
        var funder = Funder.Of(activity);
        var implementers = Implementers.Of(activity);
        foreach (var country in activity.Countries)
        {
            if (!_byCountry.TryGetValue(country, out var funders)) _byCountry[country] = funders = [];
            if (!funders.TryGetValue(funder, out var groups)) funders[funder] = groups = [];
            if (!groups.TryGetValue(implementers, out var ids)) groups[implementers] = ids = [];
            ids.Add(activity.Id);
        }
    }

    /// <summary>
    /// Every other activity sharing a beneficiary country with <paramref name="activity"/>, except
    /// those of the same funder with an implementer in common (the rule checks the rest).
    /// </summary>
    public IEnumerable<Activity> Neighbours(Activity activity)
    {
        var funder = Funder.Of(activity);
        var implementers = Implementers.Of(activity);
        var seen = new HashSet<Guid>();
        foreach (var country in activity.Countries)
        {
            if (!_byCountry.TryGetValue(country, out var funders)) continue;
            foreach (var (otherFunder, groups) in funders)
            {
                var sameFunder = funder.Equals(otherFunder);
                foreach (var (otherImplementers, ids) in groups)
                {
                    if (sameFunder && implementers.SharesAny(otherImplementers)) continue;
                    foreach (var id in ids)
                        if (id != activity.Id && seen.Add(id)) yield return _activities[id];
                }
            }
        }
    }

    private void Unfile(Activity activity)
    {
        var funder = Funder.Of(activity);
        var implementers = Implementers.Of(activity);
        foreach (var country in activity.Countries)
        {
            if (!_byCountry.TryGetValue(country, out var funders) || !funders.TryGetValue(funder, out var groups)
                || !groups.TryGetValue(implementers, out var ids)) continue;
            ids.Remove(activity.Id);
            if (ids.Count > 0) continue;
            groups.Remove(implementers);
            if (groups.Count > 0) continue;
            funders.Remove(funder);
            if (funders.Count == 0) _byCountry.Remove(country);
        }
    }

    /// <summary>A funder as the rule compares funders: trimmed, ordinal ignoring case; no funder equals only no funder.</summary>
    private readonly record struct Funder(string? Name)
    {
        public static Funder Of(Activity activity) => new(activity.Funder?.Trim());

        public bool Equals(Funder other) => string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

        public override int GetHashCode() => Name is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Name);
    }

    /// <summary>A set of implementers as the rule compares them: trimmed, ordinal ignoring case.</summary>
    private sealed class Implementers : IEquatable<Implementers>
    {
        private readonly HashSet<string> _names;
        private readonly int _hash;

        private Implementers(HashSet<string> names)
        {
            _names = names;
            // Order-free, and equal for sets equal under the comparer (each name hashes as its equals do).
            foreach (var name in names) _hash ^= StringComparer.OrdinalIgnoreCase.GetHashCode(name);
        }

        public static Implementers Of(Activity activity) =>
            new(new HashSet<string>(activity.Implementers.Select(i => i.Trim()), StringComparer.OrdinalIgnoreCase));

        public bool SharesAny(Implementers other) => _names.Overlaps(other._names);

        public bool Equals(Implementers? other) => other is not null && _names.SetEquals(other._names);

        public override bool Equals(object? obj) => Equals(obj as Implementers);

        public override int GetHashCode() => _hash;
    }
}
