using EuCyberNet.Contracts;
using JasperFx.Events;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// A mapper whose integration events need the resource's state as it was right after (or right
/// before) the domain event: the snapshot events of contracts/ ("the whole current state and the
/// source stream's Version", e.g. <c>DeploymentStarted</c>). The relay calls <see cref="MapAsync"/>
/// for every event, in sequence order, with the states of the page's streams
/// (<see cref="IStreamStates"/>: each stream is folded once per page, in memory, not once per event).
/// It must stay deterministic: a re-published page yields the same messages. Register it with
/// <c>PublishIntegrationEvents&lt;TMapper&gt;()</c> like any other mapper.
/// </summary>
public interface IStatefulIntegrationEventMapper : IIntegrationEventMapper
{
    IEnumerable<IIntegrationEvent> IIntegrationEventMapper.Map(IEvent domainEvent) =>
        throw new NotSupportedException($"{GetType().Name} maps with {nameof(MapAsync)}, which needs the stream's state.");

    /// <summary>The integration events announcing <paramref name="domainEvent"/> (none for most events).</summary>
    Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IStreamStates states, CancellationToken ct);
}

/// <summary>The state of an event's stream around that event, as the stream's own events fold it (never a later snapshot).</summary>
public interface IStreamStates
{
    /// <summary>The aggregate right after <paramref name="e"/> (its stream folded up to and including <c>e.Version</c>).</summary>
    ValueTask<T> AfterAsync<T>(IEvent e, CancellationToken ct) where T : class;

    /// <summary>The aggregate right before <paramref name="e"/>; null when <paramref name="e"/> started the stream.</summary>
    ValueTask<T?> BeforeAsync<T>(IEvent e, CancellationToken ct) where T : class;
}
