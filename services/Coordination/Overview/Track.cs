namespace EuCyberNet.Coordination.Overview;

/// <summary>
/// What one recorded event said about a subject, placed by the subject's own order <see cref="Key"/>
/// (the source stream version, or the source timestamp where a contract carries no version) at the
/// instant it happened (<see cref="At"/>, the source's OccurredAt). Facts left null were not stated
/// by that event; they carry over from the points before it.
/// </summary>
public sealed record TrackPoint(
    long Key,
    DateTimeOffset At,
    string? Status = null,
    IReadOnlyList<string>? Regions = null,
    string? Citizenship = null,
    bool Applied = false);

/// <summary>The facts about a subject at one point of its track, carried forward from the points before.</summary>
public sealed record OverviewFacts(string? Status, IReadOnlyList<string>? Regions, string? Citizenship, bool Applied);

/// <summary>A subject entered (+1) or left (-1) an overview bucket at an instant.</summary>
public sealed record BucketDelta(DateTimeOffset At, string Bucket, int Delta);

/// <summary>
/// The "as of" arithmetic of the overview, pure. A subject's track lists what each event said, in
/// the subject's order; folding it gives the buckets the subject was in after each event, and the
/// differences between consecutive bucket sets are +1/-1 deltas at the event's instant. The overview
/// at instant T is the sum of every delta at or before T.
/// <para>
/// Out-of-order delivery is why the whole track is kept: an event that arrives late is inserted at
/// its place, the subject's deltas are computed again, and only the difference between the new and
/// the old deltas is recorded (usually the late event's own +1/-1, plus the correction of the point
/// after it). A duplicate point changes nothing.
/// </para>
/// </summary>
public static class Track
{
    /// <summary>The track with <paramref name="point"/> in its place; a point at an existing key is merged into it.</summary>
    public static IReadOnlyList<TrackPoint> With(IReadOnlyList<TrackPoint> track, TrackPoint point)
    {
        var list = new List<TrackPoint>(track.Count + 1);
        var placed = false;
        foreach (var existing in track)
        {
            if (!placed && existing.Key == point.Key)
            {
                list.Add(Merge(existing, point));
                placed = true;
                continue;
            }
            if (!placed && existing.Key > point.Key)
            {
                list.Add(point);
                placed = true;
            }
            list.Add(existing);
        }
        if (!placed) list.Add(point);
        return list;
    }

    /// <summary>The facts after each point, in order.</summary>
    public static IEnumerable<(DateTimeOffset At, OverviewFacts Facts)> States(IReadOnlyList<TrackPoint> track)
    {
        string? status = null, citizenship = null;
        IReadOnlyList<string>? regions = null;
        var applied = false;
        foreach (var point in track)
        {
            status = point.Status ?? status;
            regions = point.Regions ?? regions;
            citizenship = point.Citizenship ?? citizenship;
            applied |= point.Applied;
            yield return (point.At, new OverviewFacts(status, regions, citizenship, applied));
        }
    }

    /// <summary>Every +1/-1 of a subject with this track, in order.</summary>
    public static IReadOnlyList<BucketDelta> Deltas(IReadOnlyList<TrackPoint> track, Func<OverviewFacts, IReadOnlyCollection<string>> buckets)
    {
        var deltas = new List<BucketDelta>();
        IReadOnlyCollection<string> previous = [];
        foreach (var (at, facts) in States(track))
        {
            var current = buckets(facts);
            foreach (var bucket in current)
                if (!previous.Contains(bucket)) deltas.Add(new BucketDelta(at, bucket, +1));
            foreach (var bucket in previous)
                if (!current.Contains(bucket)) deltas.Add(new BucketDelta(at, bucket, -1));
            previous = current;
        }
        return deltas;
    }

    /// <summary>What must be added to the overview when a subject's track changes from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static IReadOnlyList<BucketDelta> Change(
        IReadOnlyList<TrackPoint> before, IReadOnlyList<TrackPoint> after, Func<OverviewFacts, IReadOnlyCollection<string>> buckets)
    {
        if (IsExtension(before, after)) return Continue(before, after, buckets);
        var sums = new Dictionary<(DateTimeOffset, string), int>();
        foreach (var d in Deltas(after, buckets)) Add(sums, d.At, d.Bucket, d.Delta);
        foreach (var d in Deltas(before, buckets)) Add(sums, d.At, d.Bucket, -d.Delta);
        return [.. sums.Where(p => p.Value != 0).Select(p => new BucketDelta(p.Key.Item1, p.Key.Item2, p.Value))];
    }

    /// <summary>
    /// The common case, events heard in order: <paramref name="after"/> is <paramref name="before"/>
    /// with points added at the end, so only the transitions after the last old point are new.
    /// </summary>
    private static bool IsExtension(IReadOnlyList<TrackPoint> before, IReadOnlyList<TrackPoint> after)
    {
        if (after.Count <= before.Count) return false;
        for (var i = 0; i < before.Count; i++)
            if (!ReferenceEquals(before[i], after[i])) return false;
        return true;
    }

    private static List<BucketDelta> Continue(
        IReadOnlyList<TrackPoint> before, IReadOnlyList<TrackPoint> after, Func<OverviewFacts, IReadOnlyCollection<string>> buckets)
    {
        string? status = null, citizenship = null;
        IReadOnlyList<string>? regions = null;
        var applied = false;
        foreach (var point in before)
        {
            status = point.Status ?? status;
            regions = point.Regions ?? regions;
            citizenship = point.Citizenship ?? citizenship;
            applied |= point.Applied;
        }
        IReadOnlyCollection<string> previous = before.Count == 0 ? [] : buckets(new OverviewFacts(status, regions, citizenship, applied));
        var deltas = new List<BucketDelta>();
        for (var i = before.Count; i < after.Count; i++)
        {
            var point = after[i];
            status = point.Status ?? status;
            regions = point.Regions ?? regions;
            citizenship = point.Citizenship ?? citizenship;
            applied |= point.Applied;
            var current = buckets(new OverviewFacts(status, regions, citizenship, applied));
            foreach (var bucket in current)
                if (!previous.Contains(bucket)) deltas.Add(new BucketDelta(point.At, bucket, +1));
            foreach (var bucket in previous)
                if (!current.Contains(bucket)) deltas.Add(new BucketDelta(point.At, bucket, -1));
            previous = current;
        }
        return deltas;
    }

    /// <summary>The buckets the subject was in at <paramref name="instant"/> (empty before its first point).</summary>
    public static IReadOnlyCollection<string> At(IReadOnlyList<TrackPoint> track, DateTimeOffset instant, Func<OverviewFacts, IReadOnlyCollection<string>> buckets)
    {
        var sums = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var d in Deltas(track, buckets).Where(d => d.At <= instant))
            sums[d.Bucket] = sums.GetValueOrDefault(d.Bucket) + d.Delta;
        return [.. sums.Where(p => p.Value > 0).Select(p => p.Key)];
    }

    private static void Add(Dictionary<(DateTimeOffset, string), int> sums, DateTimeOffset at, string bucket, int delta)
    {
        var key = (at, bucket);
        sums[key] = sums.GetValueOrDefault(key) + delta;
    }

    private static TrackPoint Merge(TrackPoint existing, TrackPoint point) => existing with
    {
        At = point.At < existing.At ? point.At : existing.At,
        Status = point.Status ?? existing.Status,
        Regions = point.Regions ?? existing.Regions,
        Citizenship = point.Citizenship ?? existing.Citizenship,
        Applied = existing.Applied || point.Applied,
    };
}
