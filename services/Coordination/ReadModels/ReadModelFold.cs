using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.Overview;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;
using ActivityFolds = EuCyberNet.Coordination.Activities.Activities;
using EnrolmentFolds = EuCyberNet.Coordination.Experts.Enrolments;

namespace EuCyberNet.Coordination.ReadModels;

/// <summary>
/// The read models' fold over a run of recorded events, in memory: the documents the run touches
/// (as they were before it, or new) are folded with the events, and the overview deltas are what
/// their tracks gained. The inline projection (<see cref="CoordinationReadModels"/>, once per
/// recording transaction) and the bulk rebuild (<see cref="Rebuild.ReadModelRebuild"/>) both fold
/// with it, so a rebuild cannot drift from the live projection: each transaction starts from the
/// stored documents, the rebuild starts once from nothing and folds the whole store.
/// <para>
/// Why deltas from one fold over the whole store equal the sum of the transactions' deltas:
/// <see cref="Track.Change"/> is exactly <c>Deltas(after) − Deltas(before)</c>, so the sums
/// telescope to <c>Deltas(final) − Deltas(empty)</c>.
/// </para>
/// </summary>
public sealed class ReadModelFold(
    Dictionary<Guid, Activity> activities,
    Dictionary<Guid, ExpertRecord> experts,
    Dictionary<Guid, Enrolment> enrolments,
    Dictionary<Guid, OverlapAlertTrack> alerts)
{
    /// <summary>Each touched subject's track before this fold began (empty for a subject the fold created).</summary>
    private readonly Dictionary<Guid, IReadOnlyList<TrackPoint>> _tracksBefore = [];

    /// <summary>A fold that starts from no documents at all (a rebuild).</summary>
    public ReadModelFold()
        : this([], [], [], [])
    {
    }

    public Dictionary<Guid, Activity> Activities { get; } = activities;

    public Dictionary<Guid, ExpertRecord> Experts { get; } = experts;

    public Dictionary<Guid, Enrolment> Enrolments { get; } = enrolments;

    public Dictionary<Guid, OverlapAlertTrack> Alerts { get; } = alerts;

    public void Apply(IEvent e) => Apply(e.Data, e.StreamId, e.Version, e.Timestamp);

    /// <summary>Folds one recorded event: its data, and the stream, version and time the store recorded it with.</summary>
    public void Apply(object data, Guid streamId, long version, DateTimeOffset timestamp)
    {
        switch (data)
        {
            case IIntegrationEvent heard when ActivityFacts.From(heard) is { } change:
            {
                var current = Activities.GetValueOrDefault(change.Id) ?? ActivityFolds.New(change.Kind, change.Id);
                _tracksBefore.TryAdd(change.Id, current.Track);
                Activities[change.Id] = ActivityFolds.Apply(current, change);
                break;
            }
            case IIntegrationEvent heard when ExpertRecords.IsExpertEvent(heard, out var id):
            {
                var current = Experts.GetValueOrDefault(id) ?? new ExpertRecord { Id = id };
                _tracksBefore.TryAdd(id, current.Track);
                Experts[id] = ExpertRecords.Apply(current, heard);
                break;
            }
            case IIntegrationEvent heard when EnrolmentFolds.IsEnrolmentEvent(heard, out var id):
                Enrolments[id] = EnrolmentFolds.Apply(Enrolments.GetValueOrDefault(id) ?? new Enrolment { Id = id }, heard);
                break;
            case OverlapRaised or OverlapAcknowledged or OverlapResolved or OverlapDismissed:
            {
                var current = Alerts.GetValueOrDefault(streamId) ?? new OverlapAlertTrack(streamId, []);
                _tracksBefore.TryAdd(streamId, current.Track);
                Alerts[streamId] = current with { Track = Track.With(current.Track, new TrackPoint(version, StoredTime.Of(timestamp), StatusOf(data))) };
                break;
            }
        }
    }

    /// <summary>What the overview must add for the tracks this fold changed.</summary>
    public List<BucketDelta> Deltas()
    {
        var deltas = new List<BucketDelta>();
        foreach (var (id, before) in _tracksBefore)
        {
            if (Activities.TryGetValue(id, out var activity)) deltas.AddRange(Track.Change(before, activity.Track, Buckets.ForActivity(activity.Kind)));
            else if (Experts.TryGetValue(id, out var expert)) deltas.AddRange(Track.Change(before, expert.Track, Buckets.ForExpert));
            else if (Alerts.TryGetValue(id, out var alert)) deltas.AddRange(Track.Change(before, alert.Track, Buckets.ForOverlap));
        }
        return deltas;
    }

    private static string StatusOf(object data) => data switch
    {
        OverlapRaised => "raised",
        OverlapAcknowledged => "acknowledged",
        OverlapResolved => "resolved",
        _ => "dismissed",
    };
}
