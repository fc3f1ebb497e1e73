using System.Diagnostics;
using System.Text.Json;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// The event store is the outbox. This Marten subscription, run by the async daemon (HotCold: one
/// leader among replicas), reads the service's events in order, maps them to integration events
/// and publishes them through MassTransit with publisher confirms.
/// <para>
/// Nothing is lost: the daemon commits the subscription's checkpoint only after
/// <see cref="ProcessEventsAsync"/> returns, and it returns only once RabbitMQ has confirmed every
/// message of the page. While the broker is away the relay keeps retrying the unconfirmed messages
/// (with back-off) and the checkpoint stays where it was, so a crash or a lost leadership means the
/// page is read again. Nothing is doubled in effect: each message's MessageId is derived from the
/// Marten event id, so a re-published message is the same message and consumers' inboxes drop it.
/// </para>
/// <para>
/// Most events reach the broker before their page does: <see cref="PromptRelay"/> publishes what a
/// command transaction wrote right after its commit. This relay stays the guarantee. For each event
/// of its page it asks the prompt path first and skips the events whose messages the broker has
/// already confirmed; the rest (a prompt publish that failed or timed out, another replica's events,
/// partner intake, anything written before a restart) it maps and publishes itself, as it always did.
/// </para>
/// </summary>
public sealed partial class IntegrationEventRelay : SubscriptionBase
{
    public const string SubscriptionName = "IntegrationEventRelay";

    private readonly IIntegrationEventMapper _mapper;
    private readonly IBus _bus;
    private readonly ILogger<IntegrationEventRelay> _logger;
    private readonly RelayOptions _options;
    private readonly PromptRelay? _prompt;

    public IntegrationEventRelay(
        IIntegrationEventMapper mapper, IBus bus, ILogger<IntegrationEventRelay> logger, IOptions<RelayOptions> options, PromptRelay? prompt = null)
    {
        _mapper = mapper;
        _bus = bus;
        _logger = logger;
        _options = options.Value;
        _prompt = prompt;
        Name = SubscriptionName;
        Options.BatchSize = _options.BatchSize;
        // Load the next page only once the page in hand is confirmed and checkpointed, so that the next
        // page holds everything committed meanwhile. Marten's default reads ahead one page per
        // high-water tick (one group commit each, 5-60 events under load) and queues them; each queued
        // page then costs a whole publish-confirm-checkpoint cycle (20-110 ms here), so once the relay
        // fell behind it stayed behind: at 500 commands/s it ran 0.3-1.7 s late (docs/performance.md).
        Options.MaximumHopperSize = 1;
        if (PagedTypes(mapper) is { } types)
            foreach (var type in types) IncludeType(type);
    }

    /// <summary>
    /// The only event types the relay's pages hold for <paramref name="mapper"/>, or null for all: a
    /// stateless mapper that names the types it announces gets only those (Marten filters the pages);
    /// a stateful mapper folds each stream from the page's events, so it needs all of them.
    /// </summary>
    internal static IReadOnlyCollection<Type>? PagedTypes(IIntegrationEventMapper mapper) =>
        mapper is IStatefulIntegrationEventMapper ? null : mapper.AnnouncingTypes;

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var events = _prompt is null ? page.Events : await _prompt.LeftToRelayAsync(page.Events);
        var outgoing = await MapPageAsync(_mapper, operations, events, cancellationToken);
        if (outgoing.Count > 0) await PublishUntilConfirmedAsync(outgoing, cancellationToken);
        return NullChangeListener.Instance;
    }

    /// <summary>
    /// The integration events a page of events announces, in order, each with its MessageId: what the
    /// relay publishes for the page (and what the fault drills expect it to have published).
    /// </summary>
    public static async Task<List<Outgoing>> MapPageAsync(
        IIntegrationEventMapper mapper, IQuerySession session, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var outgoing = new List<Outgoing>();
        // Stateful mappers get the page's streams folded once, forward, in memory (not one AggregateStreamAsync per event).
        var states = mapper is IStatefulIntegrationEventMapper ? new PageStreamStates(session, events) : null;
        foreach (var source in events)
        {
            var messages = mapper is IStatefulIntegrationEventMapper stateful
                ? await stateful.MapAsync(source, states!, ct)
                : mapper.Map(source);
            var index = 0;
            foreach (var message in messages)
                outgoing.Add(new Outgoing(source, message, MessageIdFor(source.Id, index++)));
        }
        return outgoing;
    }

    /// <summary>The first message of an event gets the event's own id; further ones a name-based id.</summary>
    public static Guid MessageIdFor(Guid eventId, int index) =>
        index == 0 ? eventId : StreamIds.NameBased(eventId, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task PublishUntilConfirmedAsync(List<Outgoing> outgoing, CancellationToken ct)
    {
        var pending = outgoing;
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.PublishTimeout);
            var failures = await Task.WhenAll(pending.Select(m => TryPublishAsync(_bus, _options.ServiceName, m, timeout.Token)));
            ct.ThrowIfCancellationRequested();

            var failed = pending.Where((_, i) => failures[i] is not null).ToList();
            EuCyberNetTelemetry.EventsRelayed.Add(pending.Count - failed.Count, PagePath);
            if (failed.Count == 0) return;

            EuCyberNetTelemetry.RelayFailures.Add(failed.Count);
            var delay = Backoff(attempt);
            LogPublishFailed(_logger, failures.First(f => f is not null), failed.Count, pending.Count, attempt, delay.TotalMilliseconds);
            pending = failed;
            await Task.Delay(delay, ct);
        }
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(_options.MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt - 1, 16))));

    private static readonly KeyValuePair<string, object?> PagePath = new("path", "page");

    /// <summary>
    /// Publishes one message with its MessageId and the source event's story (correlation, user, trace)
    /// as headers, persistent, and waits for the broker's confirm: null when confirmed, else what failed.
    /// </summary>
    internal static async Task<Exception?> TryPublishAsync(IBus bus, string serviceName, Outgoing outgoing, CancellationToken ct)
    {
        var source = outgoing.Source;
        ActivityContext.TryParse(HeaderText(source, PlatformHeaders.TraceParent), null, out var parent);
        using var activity = EuCyberNetTelemetry.ActivitySource.StartActivity(
            $"relay {outgoing.Message.GetType().Name}", ActivityKind.Internal, parent);
        activity?.SetTag("eucybernet.source_event_id", source.Id);
        activity?.SetTag("eucybernet.subject", outgoing.Message.Subject);
        try
        {
            // WaitAsync: the attempt ends at the timeout even if the publish does not. Seen once in the
            // broker-stop drill: after a graceful broker shutdown some publishes of a page neither
            // completed nor honoured the token, the page's WhenAll never returned and the relay stood
            // still for good. An abandoned publish that completes later only re-sends the same MessageId.
            await bus.Publish(outgoing.Message, outgoing.Message.GetType(), context =>
            {
                context.MessageId = outgoing.MessageId;
                if (source.CorrelationId is { } correlationId)
                {
                    context.Headers.Set(PlatformHeaders.CorrelationId, correlationId);
                    if (Guid.TryParseExact(correlationId, "N", out var asGuid) || Guid.TryParse(correlationId, out asGuid))
                        context.CorrelationId = asGuid;
                }
                if (source.UserName is { } user) context.Headers.Set(PlatformHeaders.User, user);
                context.Headers.Set(PlatformHeaders.SourceEventId, source.Id.ToString());
                context.Headers.Set(PlatformHeaders.SourceService, serviceName);
                context.Durable = true;
            }, ct).WaitAsync(ct);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested || e is OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return e;
        }
    }

    internal static string? HeaderText(IEvent e, string key) => e.GetHeader(key) switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
        _ => null,
    };

    /// <summary>One integration event to publish, with the event that announces it and its MessageId.</summary>
    public sealed record Outgoing(IEvent Source, IIntegrationEvent Message, Guid MessageId);

    [LoggerMessage(LogLevel.Warning, "Relay could not publish {Failed} of {Total} messages (attempt {Attempt}); retrying in {DelayMs} ms, checkpoint held")]
    private static partial void LogPublishFailed(ILogger logger, Exception? exception, int failed, int total, int attempt, double delayMs);
}

public sealed class RelayOptions
{
    public string ServiceName { get; set; } = "unknown";

    /// <summary>Events read per page; one page's messages are published concurrently.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long one publish attempt may wait for the broker's confirm.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Publish what a command transaction wrote right after its commit (<see cref="PromptRelay"/>); the relay's pages still publish whatever that did not.</summary>
    public bool Prompt { get; set; } = true;

    /// <summary>How long a prompt publish may wait for its confirms before the events are left to the relay's pages.</summary>
    public TimeSpan PromptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After a prompt publish failed, how long the prompt path stays off (a broker away is not asked again per commit).</summary>
    public TimeSpan PromptPauseAfterFailure { get; set; } = TimeSpan.FromSeconds(5);
}
