using System.Collections.Concurrent;
using System.Diagnostics;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx.Events;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// The relay's prompt path: publishes the integration events of a command transaction right after it
/// commits, instead of when the async daemon's relay next reads a page. The daemon only notices a
/// commit through its high-water detection, and each of its pages waits for the page before it to be
/// confirmed and checkpointed; at 500 commands/s that was about 15 ms of a command's way to
/// Coordination (docs/performance.md, item 20).
/// <para>
/// It adds speed, not a guarantee. <see cref="IntegrationEventRelay"/> still reads every event and
/// owns the checkpoint: for each event of a page it asks <see cref="LeftToRelayAsync"/> whether the
/// prompt path had it confirmed, and publishes itself whatever was not (a publish that failed or timed
/// out, a crash between the commit and the publish, events written in another replica or outside the
/// command writer). Both paths map an event with the same mapper, from the event's stream up to its
/// version and with its timestamp as stored (<see cref="StoredTime"/>), and give its messages the same
/// MessageIds, so a message published by both is the same message and consumers' inboxes apply it once.
/// </para>
/// <para>
/// It never holds a commit up: the writer hands it the events and goes on. It publishes at most
/// <see cref="MaxGroupsInFlight"/> transactions at once (beyond that the pages publish), gives up on
/// a transaction after <see cref="RelayOptions.PromptTimeout"/>, and after a failure stays off for
/// <see cref="RelayOptions.PromptPauseAfterFailure"/>, so a broker that is away costs one attempt,
/// not one per commit. It remembers an event until the relay asks for it, or for
/// <see cref="Remembered"/> at most (a replica that is not the relay's leader is never asked).
/// </para>
/// </summary>
public sealed partial class PromptRelay : ICommittedEvents
{
    /// <summary>Transactions being published at once; the relay's pages publish what does not fit.</summary>
    public const int MaxGroupsInFlight = 32;

    /// <summary>How long an event's outcome is kept for the relay to ask.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(60);

    private static readonly KeyValuePair<string, object?> PromptPath = new("path", "prompt");

    private readonly IServiceProvider _services;
    private readonly IIntegrationEventMapper _mapper;
    private readonly IBus _bus;
    private readonly RelayOptions _options;
    private readonly ILogger<PromptRelay> _logger;
    private readonly HashSet<Type>? _types;
    private readonly ConcurrentDictionary<Guid, Task<bool>> _outcomes = new();
    private readonly ConcurrentQueue<(Guid Event, long At)> _remembered = new();
    private int _inFlight;
    private long _pausedUntil;

    /// <param name="services">Where the document store is found when a stateful mapper first needs it (the store's own
    /// construction builds the relay, which holds this: taking the store here would make a cycle).</param>
    public PromptRelay(IServiceProvider services, IIntegrationEventMapper mapper, IBus bus, IOptions<RelayOptions> options, ILogger<PromptRelay> logger)
    {
        _services = services;
        _mapper = mapper;
        _bus = bus;
        _options = options.Value;
        _logger = logger;
        // An event of a type the relay's pages do not hold would never be asked for.
        if (IntegrationEventRelay.PagedTypes(mapper) is { } types) _types = [.. types];
    }

    /// <summary>Events whose outcome is remembered now (for tests and diagnostics).</summary>
    public int Remembering => _outcomes.Count;

    public void Committed(IReadOnlyList<IEvent> events)
    {
        if (!_options.Prompt || Stopwatch.GetTimestamp() < Volatile.Read(ref _pausedUntil)) return;
        IReadOnlyList<IEvent> relayed = _types is null ? events : [.. events.Where(e => _types.Contains(e.EventType))];
        if (relayed.Count == 0) return;
        if (Interlocked.Increment(ref _inFlight) > MaxGroupsInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            return;
        }

        var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var now = Stopwatch.GetTimestamp();
        foreach (var e in relayed)
        {
            _outcomes[e.Id] = outcome.Task;
            _remembered.Enqueue((e.Id, now));
        }
        Forget(now);
        _ = Task.Run(() => PublishAsync(relayed, outcome));
    }

    /// <summary>
    /// The events of <paramref name="page"/> the relay must still publish: all but those whose messages
    /// the prompt path published and had confirmed. Waits for a prompt publish still under way (at most
    /// <see cref="RelayOptions.PromptTimeout"/>). Each event is answered once; asked again, it is left to the relay.
    /// </summary>
    public async ValueTask<IReadOnlyList<IEvent>> LeftToRelayAsync(IReadOnlyList<IEvent> page)
    {
        if (_outcomes.IsEmpty) return page;
        List<IEvent>? left = null;
        for (var i = 0; i < page.Count; i++)
        {
            var published = _outcomes.TryRemove(page[i].Id, out var outcome) && await outcome;
            if (published) left ??= [.. page.Take(i)];
            else left?.Add(page[i]);
        }
        return left ?? page;
    }

    private async Task PublishAsync(IReadOnlyList<IEvent> events, TaskCompletionSource<bool> outcome)
    {
        var confirmed = false;
        try
        {
            // As the relay's pages will read them: a message must be the same whichever path publishes it.
            foreach (var e in events) e.Timestamp = StoredTime.Of(e.Timestamp);
            using var timeout = new CancellationTokenSource(_options.PromptTimeout);
            // Only a stateful mapper reads (an appended-to stream's events before the transaction).
            var session = _mapper is IStatefulIntegrationEventMapper ? _services.GetRequiredService<IDocumentStore>().QuerySession() : null;
            List<IntegrationEventRelay.Outgoing> outgoing;
            await using (session) outgoing = await IntegrationEventRelay.MapPageAsync(_mapper, session!, events, timeout.Token);
            var failures = await Task.WhenAll(outgoing.Select(m => IntegrationEventRelay.TryPublishAsync(_bus, _options.ServiceName, m, timeout.Token)));
            var failed = failures.Count(f => f is not null);
            EuCyberNetTelemetry.EventsRelayed.Add(outgoing.Count - failed, PromptPath);
            confirmed = failed == 0;
            if (!confirmed) Pause(failures.First(f => f is not null), failed, outgoing.Count);
        }
        catch (Exception e)
        {
            Pause(e, events.Count, events.Count);
        }
        finally
        {
            outcome.TrySetResult(confirmed);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Pause(Exception? cause, int failed, int total)
    {
        Volatile.Write(ref _pausedUntil, Stopwatch.GetTimestamp() + (long)(_options.PromptPauseAfterFailure.TotalSeconds * Stopwatch.Frequency));
        LogPaused(_logger, cause, failed, total, _options.PromptPauseAfterFailure.TotalSeconds);
    }

    /// <summary>Drops the outcomes older than <see cref="Remembered"/>: the relay publishes those events itself if it ever asks.</summary>
    private void Forget(long now)
    {
        var limit = (long)(Remembered.TotalSeconds * Stopwatch.Frequency);
        while (_remembered.TryPeek(out var oldest) && now - oldest.At > limit && _remembered.TryDequeue(out oldest))
            _outcomes.TryRemove(oldest.Event, out _);
    }

    [LoggerMessage(LogLevel.Information,
        "Prompt relay: {Failed} of {Total} publishes failed; off for {PauseSeconds} s, the relay's pages publish those events")]
    private static partial void LogPaused(ILogger logger, Exception? exception, int failed, int total, double pauseSeconds);
}
