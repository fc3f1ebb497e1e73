using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.ReadModels;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Linq;
using Marten.Subscriptions;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Coordination.Overlaps;

/// <summary>
/// The duplication detector: a Marten subscription on the async daemon (one leader among replicas)
/// that, for every activity a page of recorded events changed, compares the activity with every other
/// activity in its countries and period (<see cref="OverlapRule"/>), raises an alert for each new
/// overlap and resolves the open alerts whose overlap is gone.
/// <para>
/// It compares read models (<see cref="CoordinationReadModels"/>, committed with the events they fold,
/// so a page's activities are projected by the time the daemon hands it over). Candidates come from
/// its in-memory <see cref="ActivityIndex"/>, brought up to the page's last sequence first. It decides
/// from that state, not from the page's events, which makes it convergent: a page read twice (a crash
/// before the checkpoint moved) finds its alerts already raised; a raise repeated concurrently collides
/// on the alert's deterministic stream id. It decides outside the <see cref="ReadModelGate"/> and enters
/// it only to write its alerts, so the inbox does not wait while it compares.
/// </para>
/// </summary>
public sealed partial class OverlapDetection : SubscriptionBase
{
    public const string SubscriptionName = "OverlapDetection";
    public const string User = "coordination/overlap-detection";

    private readonly IServiceProvider _services;
    private readonly ReadModelGate _gate;
    private readonly IOptionsMonitor<OverlapOptions> _options;
    private readonly ILogger<OverlapDetection> _logger;
    private readonly ActivityIndex _index;

    public OverlapDetection(IServiceProvider services, ReadModelGate gate, IOptionsMonitor<OverlapOptions> options, ILogger<OverlapDetection> logger)
    {
        _services = services;
        _gate = gate;
        _options = options;
        _logger = logger;
        _index = new ActivityIndex(gate);
        Name = SubscriptionName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        // The newest event of each changed activity: its story (correlation) is the alert's story.
        var changed = new Dictionary<Guid, IEvent>();
        foreach (var e in page.Events)
            if (e.Data is IIntegrationEvent heard && ActivityFacts.IsActivitySubject(heard.Subject, out _, out var id))
                changed[id] = e;
        if (changed.Count == 0) return NullChangeListener.Instance;

        var store = _services.GetRequiredService<IDocumentStore>();
        var progress = page.SequenceCeiling; // every event up to it is committed, read models included

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DetectAsync(store, changed, progress, cancellationToken);
                return NullChangeListener.Instance;
            }
            catch (Exception e) when (attempt < 5 && IsConcurrencyFailure(e))
            {
                // Staff changed an alert while we decided; decide again from the new state.
                LogRetry(_logger, attempt);
            }
        }
    }

    private async Task DetectAsync(IDocumentStore store, Dictionary<Guid, IEvent> changed, long progress, CancellationToken ct)
    {
        var options = _options.CurrentValue;
        await using var session = store.QuerySession();
        var raises = new List<(Guid Alert, IEvent Raised)>();
        var resolutions = new List<(Guid Alert, long Version, IEvent[] Events)>();

        await _index.RefreshAsync(session, progress, ct);
        var activities = changed.Keys.Select(_index.Find).OfType<Activity>().ToDictionary(a => a.Id);
        var subjects = activities.Values.Select(a => a.Subject).ToArray();
        var alerts = subjects.Length == 0 ? [] : await session.Query<OverlapAlert>()
            .Where(a => a.ActivityA.IsOneOf(subjects) || a.ActivityB.IsOneOf(subjects))
            .ToListAsync(ct);
        var latestByPair = alerts.GroupBy(a => a.Pair).ToDictionary(g => g.Key, g => g.MaxBy(a => a.Generation)!);

        var decided = new HashSet<string>(StringComparer.Ordinal);
        foreach (var activity in activities.Values)
        {
            var cause = changed[activity.Id];
            var overlaps = OverlapRule.TakesPart(activity, options)
                ? _index.Neighbours(activity).Select(c => OverlapRule.Find(activity, c, options)).OfType<Overlap>().ToDictionary(o => o.Pair)
                : [];

            foreach (var (pair, overlap) in overlaps)
            {
                if (!decided.Add(pair)) continue;
                var latest = latestByPair.GetValueOrDefault(pair);
                // Open: still true. Dismissed or resolved by staff: their judgement stands. Resolved
                // because the overlap went away: it is back, so it is a new alert.
                if (latest is not null && !(latest.Status == OverlapStatus.Resolved && latest.ResolvedAutomatically)) continue;
                var generation = (latest?.Generation ?? 0) + 1;
                var raised = new OverlapRaised(overlap.A.Subject, overlap.B.Subject, overlap.Countries, overlap.SharedThemes, overlap.From, overlap.To, generation);
                raises.Add((OverlapAlert.IdFor(pair, generation), Stamped(raised, cause)));
            }

            foreach (var alert in alerts.Where(a => a.IsOpen && (a.ActivityA == activity.Subject || a.ActivityB == activity.Subject)))
            {
                if (overlaps.ContainsKey(alert.Pair) || !decided.Add(alert.Pair)) continue;
                var other = alert.ActivityA == activity.Subject ? alert.ActivityB : alert.ActivityA;
                var otherActivity = Subjects.TryParse(other, out _, out var otherId) ? _index.Find(otherId) : null;
                var why = otherActivity is null ? $"{other} is no longer known" : OverlapRule.WhyNot(activity, otherActivity, options) ?? "the overlap is gone";
                var decision = OverlapDecisions.Resolve(alert, $"No longer an overlap: {why}.", automatically: true);
                if (decision.Events.Count > 0)
                    resolutions.Add((alert.Id, alert.Version + decision.Events.Count, decision.Events.Select(d => Stamped(d, cause)).ToArray()));
            }
        }

        if (raises.Count + resolutions.Count == 0) return;

        // Decided; now written behind the gate, where the read models' projection folds the alerts.
        await using var gated = await _gate.OpenSessionAsync(store, ct);
        var writer = gated.Session;
        writer.LastModifiedBy = User;
        foreach (var (alert, raised) in raises) writer.Events.StartStream<OverlapAlert>(alert, raised);
        foreach (var (alert, version, events) in resolutions) writer.Events.Append(alert, version, events);
        await writer.SaveChangesAsync(ct);
    }

    /// <summary>The event with the story of its cause: the same correlation id, the cause as causation.</summary>
    private static IEvent Stamped(object data, IEvent cause)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.CorrelationId = cause.CorrelationId;
        e.CausationId = cause.Id.ToString();
        e.UserName = User;
        return e;
    }

    private static bool IsConcurrencyFailure(Exception e) =>
        e is JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException or JasperFx.Events.ExistingStreamIdCollisionException
            or Marten.Exceptions.ExistingStreamIdCollisionException
        || e.InnerException is JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException
            or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException;

    [LoggerMessage(LogLevel.Information, "Overlap detection retries after a concurrent change to an alert (attempt {Attempt})")]
    private static partial void LogRetry(ILogger logger, int attempt);
}
