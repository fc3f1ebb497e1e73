using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Overview;

namespace EuCyberNet.Coordination.Tests.Unit;

/// <summary>The as-of arithmetic: deltas from tracks, whatever order the points arrive in.</summary>
public sealed class TrackTests
{
    private static readonly DateTimeOffset T0 = new(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Func<OverviewFacts, IReadOnlyCollection<string>> Requests = Buckets.ForActivity(ActivityKind.ExpertiseRequest);

    private static IReadOnlyList<TrackPoint> Build(params TrackPoint[] arrivals) =>
        arrivals.Aggregate((IReadOnlyList<TrackPoint>)[], Track.With);

    /// <summary>The overview a subject contributes at an instant, summed from the deltas recorded as points arrived one by one.</summary>
    private static Dictionary<string, int> Recorded(DateTimeOffset at, params TrackPoint[] arrivals)
    {
        var sums = new Dictionary<string, int>();
        IReadOnlyList<TrackPoint> track = [];
        foreach (var point in arrivals)
        {
            var next = Track.With(track, point);
            foreach (var d in Track.Change(track, next, Requests).Where(d => d.At <= at)) sums[d.Bucket] = sums.GetValueOrDefault(d.Bucket) + d.Delta;
            track = next;
        }
        return sums.Where(p => p.Value != 0).ToDictionary();
    }

    private static readonly TrackPoint Published = new(2, T0, "published", ["eastern-partnership"]);
    private static readonly TrackPoint Amended = new(3, T0.AddHours(1), "amended", ["western-balkans"]);
    private static readonly TrackPoint Closed = new(5, T0.AddHours(2), "closed");

    [Fact]
    public void In_order_each_point_moves_the_subject_between_buckets_at_its_instant()
    {
        var deltas = Track.Deltas(Build(Published, Amended, Closed), Requests);

        Assert.Equal(
        [
            new BucketDelta(T0, "expertise-request|status|published", 1),
            new BucketDelta(T0, "expertise-request|region|eastern-partnership", 1),
            new BucketDelta(T0.AddHours(1), "expertise-request|status|amended", 1),
            new BucketDelta(T0.AddHours(1), "expertise-request|region|western-balkans", 1),
            new BucketDelta(T0.AddHours(1), "expertise-request|status|published", -1),
            new BucketDelta(T0.AddHours(1), "expertise-request|region|eastern-partnership", -1),
            new BucketDelta(T0.AddHours(2), "expertise-request|status|closed", 1),
            new BucketDelta(T0.AddHours(2), "expertise-request|status|amended", -1),
        ], deltas);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2 })]
    [InlineData(new[] { 2, 1, 0 })]
    [InlineData(new[] { 1, 2, 0 })]
    [InlineData(new[] { 2, 0, 1, 1, 2 })]
    public void Any_arrival_order_with_duplicates_records_the_same_history(int[] order)
    {
        TrackPoint[] points = [Published, Amended, Closed];
        var arrivals = order.Select(i => points[i]).ToArray();

        foreach (var minutes in new[] { -1, 0, 30, 60, 90, 120, 600 })
        {
            var at = T0.AddMinutes(minutes);
            Assert.Equal(Recorded(at, Published, Amended, Closed), Recorded(at, arrivals));
        }
        Assert.Equal(["expertise-request|region|western-balkans", "expertise-request|status|closed"],
            Track.At(Build(arrivals), T0.AddDays(1), Requests).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Deltas_recorded_event_by_event_add_up_to_the_deltas_of_the_whole_track()
    {
        TrackPoint[] inOrder = [Published, Amended, Closed];
        var whole = Track.Deltas(Build(inOrder), Requests);
        foreach (var minutes in new[] { 0, 60, 61, 120, 600 })
        {
            var at = T0.AddMinutes(minutes);
            var expected = whole.Where(d => d.At <= at).GroupBy(d => d.Bucket)
                .Select(g => (g.Key, g.Sum(d => d.Delta))).Where(p => p.Item2 != 0).ToDictionary(p => p.Key, p => p.Item2);
            Assert.Equal(expected, Recorded(at, inOrder));
        }
    }

    [Fact]
    public void A_status_heard_before_the_details_gets_its_region_once_the_details_arrive()
    {
        var closedFirst = Recorded(T0.AddHours(3), Closed);
        Assert.Equal(1, closedFirst["expertise-request|region|unknown"]);

        var thenPublished = Recorded(T0.AddHours(3), Closed, Published);
        Assert.False(thenPublished.ContainsKey("expertise-request|region|unknown"));
        Assert.Equal(1, thenPublished["expertise-request|region|eastern-partnership"]);
        Assert.Equal(1, thenPublished["expertise-request|status|closed"]);
        Assert.Equal(1, Recorded(T0.AddMinutes(30), Closed, Published)["expertise-request|status|published"]);
    }

    [Fact]
    public void An_expert_counts_as_an_application_from_the_moment_they_applied_and_loses_citizenship_when_erased()
    {
        var track = Build(
            new TrackPoint(T0.AddHours(2).UtcTicks, T0.AddHours(2), "accepted", Citizenship: "SI"),
            new TrackPoint(T0.UtcTicks, T0, "applied", Citizenship: "SI", Applied: true),
            new TrackPoint(T0.AddHours(5).UtcTicks, T0.AddHours(5), "erased"));

        Assert.Empty(Track.At(track, T0.AddMinutes(-1), Buckets.ForExpert));
        Assert.Contains("expert-applications|total|", Track.At(track, T0, Buckets.ForExpert));
        Assert.Contains("expert|pool-citizenship|SI", Track.At(track, T0.AddHours(3), Buckets.ForExpert));
        var erased = Track.At(track, T0.AddHours(6), Buckets.ForExpert);
        Assert.Equal(["expert-applications|total|", "expert|status|erased"], erased.Order(StringComparer.Ordinal));
    }
}
