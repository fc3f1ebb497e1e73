using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.Overview;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

namespace EuCyberNet.Coordination.ReadModels;

/// <summary>An overlap alert's track, for the overview's as-of figures (the alert itself is an inline snapshot).</summary>
public sealed record OverlapAlertTrack(Guid Id, IReadOnlyList<TrackPoint> Track);

/// <summary>
/// Every read model of the coordination picture, projected by the async daemon from Coordination's
/// own event store: activities, expert records, enrolments and the overview's deltas. One projection
/// rather than several so that the store is read once per page (and once per rebuild), and so that
/// a page's documents are loaded in one query per type and written once, however many of the page's
/// events touch them. It is rebuilt from scratch by <c>POST /coordination/admin/rebuild</c>.
/// <para>
/// Each document folds its events with pure functions (<see cref="Activities.Activities.Apply"/>,
/// <see cref="ExpertRecords.Apply"/>, <see cref="Enrolments.Apply"/>) that keep the newest statement
/// of each fact by source version, so the order in which the store recorded the events does not matter.
/// </para>
/// </summary>
public sealed class CoordinationReadModels(OverviewStore overview) : IProjection
{
    public const string Name = "CoordinationReadModels";

    public static ShardName Shard { get; } = ShardName.Compose(Name);

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var page = Classify(events);
        if (page.IsEmpty) return;

        var activities = await LoadAsync<Activity>(operations, page.Activities.Keys, a => a.Id, cancellation);
        var experts = await LoadAsync<ExpertRecord>(operations, page.Experts, e => e.Id, cancellation);
        var enrolments = await LoadAsync<Enrolment>(operations, page.Enrolments, e => e.Id, cancellation);
        var alerts = await LoadAsync<OverlapAlertTrack>(operations, page.Alerts, a => a.Id, cancellation);

        var tracksBefore = new Dictionary<Guid, IReadOnlyList<TrackPoint>>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case IIntegrationEvent heard when ActivityFacts.From(heard) is { } change:
                {
                    var current = activities.GetValueOrDefault(change.Id) ?? Activities.Activities.New(change.Kind, change.Id);
                    tracksBefore.TryAdd(change.Id, current.Track);
                    activities[change.Id] = Activities.Activities.Apply(current, change);
                    break;
                }
                case IIntegrationEvent heard when ExpertRecords.IsExpertEvent(heard, out var id):
                {
                    var current = experts.GetValueOrDefault(id) ?? new ExpertRecord { Id = id };
                    tracksBefore.TryAdd(id, current.Track);
                    experts[id] = ExpertRecords.Apply(current, heard);
                    break;
                }
                case IIntegrationEvent heard when Enrolments.IsEnrolmentEvent(heard, out var id):
                    enrolments[id] = Enrolments.Apply(enrolments.GetValueOrDefault(id) ?? new Enrolment { Id = id }, heard);
                    break;
                case OverlapRaised or OverlapAcknowledged or OverlapResolved or OverlapDismissed:
                {
                    var current = alerts.GetValueOrDefault(e.StreamId) ?? new OverlapAlertTrack(e.StreamId, []);
                    tracksBefore.TryAdd(e.StreamId, current.Track);
                    alerts[e.StreamId] = current with { Track = Track.With(current.Track, new TrackPoint(e.Version, e.Timestamp, StatusOf(e.Data))) };
                    break;
                }
            }
        }

        var deltas = new List<BucketDelta>();
        foreach (var (id, before) in tracksBefore)
        {
            if (activities.TryGetValue(id, out var activity)) deltas.AddRange(Track.Change(before, activity.Track, Buckets.ForActivity(activity.Kind)));
            else if (experts.TryGetValue(id, out var expert)) deltas.AddRange(Track.Change(before, expert.Track, Buckets.ForExpert));
            else if (alerts.TryGetValue(id, out var alert)) deltas.AddRange(Track.Change(before, alert.Track, Buckets.ForOverlap));
        }

        if (activities.Count > 0) operations.Store(activities.Values.ToArray());
        if (experts.Count > 0) operations.Store(experts.Values.ToArray());
        if (enrolments.Count > 0) operations.Store(enrolments.Values.ToArray());
        if (alerts.Count > 0) operations.Store(alerts.Values.ToArray());
        overview.Queue(operations, deltas);
    }

    /// <summary>The documents a page touches, by type (activities with their kind).</summary>
    private static Page Classify(IReadOnlyList<IEvent> events)
    {
        var page = new Page();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case IIntegrationEvent heard when ActivityFacts.IsActivitySubject(heard.Subject, out var kind, out var id):
                    page.Activities.TryAdd(id, kind);
                    break;
                case IIntegrationEvent heard when ExpertRecords.IsExpertEvent(heard, out var id):
                    page.Experts.Add(id);
                    break;
                case IIntegrationEvent heard when Enrolments.IsEnrolmentEvent(heard, out var id):
                    page.Enrolments.Add(id);
                    break;
                case OverlapRaised or OverlapAcknowledged or OverlapResolved or OverlapDismissed:
                    page.Alerts.Add(e.StreamId);
                    break;
            }
        }
        return page;
    }

    private static async Task<Dictionary<Guid, T>> LoadAsync<T>(IDocumentOperations operations, ICollection<Guid> ids, Func<T, Guid> id, CancellationToken ct)
        where T : notnull
    {
        if (ids.Count == 0) return [];
        var loaded = await operations.LoadManyAsync<T>(ct, ids);
        return loaded.ToDictionary(id);
    }

    private static string StatusOf(object data) => data switch
    {
        OverlapRaised => "raised",
        OverlapAcknowledged => "acknowledged",
        OverlapResolved => "resolved",
        _ => "dismissed",
    };

    private sealed class Page
    {
        public Dictionary<Guid, ActivityKind> Activities { get; } = [];
        public HashSet<Guid> Experts { get; } = [];
        public HashSet<Guid> Enrolments { get; } = [];
        public HashSet<Guid> Alerts { get; } = [];
        public bool IsEmpty => Activities.Count + Experts.Count + Enrolments.Count + Alerts.Count == 0;
    }
}
