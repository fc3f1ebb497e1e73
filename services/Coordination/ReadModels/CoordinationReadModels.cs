using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.Overview;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace EuCyberNet.Coordination.ReadModels;

/// <summary>An overlap alert's track, for the overview's as-of figures (the alert itself is an inline snapshot).</summary>
public sealed record OverlapAlertTrack(Guid Id, IReadOnlyList<TrackPoint> Track);

/// <summary>
/// Every read model of the coordination picture, projected inline from Coordination's own event
/// store: activities, expert records, enrolments and the overview's deltas, committed in the very
/// transaction that records the events (the inbox's group, the detector's alerts, an alert command).
/// One projection rather than several so that a transaction's documents are loaded in one query per
/// type and written once, however many of its events touch them. It is rebuilt from scratch by
/// <c>POST /coordination/admin/rebuild</c> (<see cref="Rebuild.ReadModelRebuild"/>: one pass over the
/// store with the same fold).
/// <para>
/// A transaction folds its events into the stored documents with <see cref="ReadModelFold"/>, whose
/// pure functions (<see cref="Activities.Activities.Apply"/>, <see cref="ExpertRecords.Apply"/>,
/// <see cref="Enrolments.Apply"/>) keep the newest statement of each fact by source version, so the
/// order in which the store recorded the events does not matter, and folding an event twice changes
/// nothing. Its writers pass the <see cref="ReadModelGate"/>, so the documents it loads are what the
/// writer before it committed.
/// </para>
/// <para>
/// What an inline projection sees of an event (Marten's default append mode): the time the client
/// stamped on it, and its version only when its stream is started or appended at an expected version.
/// The fold reads version and time of overlap alert events alone, which the detector and the alert
/// commands always append at an expected version.
/// </para>
/// </summary>
public sealed class CoordinationReadModels(OverviewStore overview) : IProjection
{
    public const string Name = "CoordinationReadModels";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var touched = Classify(events);
        if (touched.IsEmpty) return;

        var fold = new ReadModelFold(
            await LoadAsync<Activity>(operations, touched.Activities.Keys, a => a.Id, cancellation),
            await LoadAsync<ExpertRecord>(operations, touched.Experts, e => e.Id, cancellation),
            await LoadAsync<Enrolment>(operations, touched.Enrolments, e => e.Id, cancellation),
            await LoadAsync<OverlapAlertTrack>(operations, touched.Alerts, a => a.Id, cancellation));
        foreach (var e in events) fold.Apply(e);

        if (fold.Activities.Count > 0) operations.Store(fold.Activities.Values.ToArray());
        if (fold.Experts.Count > 0) operations.Store(fold.Experts.Values.ToArray());
        if (fold.Enrolments.Count > 0) operations.Store(fold.Enrolments.Values.ToArray());
        if (fold.Alerts.Count > 0) operations.Store(fold.Alerts.Values.ToArray());
        overview.Queue(operations, fold.Deltas());
    }

    /// <summary>The documents a transaction's events touch, by type (activities with their kind).</summary>
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

    private sealed class Page
    {
        public Dictionary<Guid, ActivityKind> Activities { get; } = [];
        public HashSet<Guid> Experts { get; } = [];
        public HashSet<Guid> Enrolments { get; } = [];
        public HashSet<Guid> Alerts { get; } = [];
        public bool IsEmpty => Activities.Count + Experts.Count + Enrolments.Count + Alerts.Count == 0;
    }
}
