using EuCyberNet.Contracts;
using JasperFx.Events;
using Marten;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// A mapper whose integration events need the resource's state as it was right after the domain
/// event: the snapshot events of contracts/ ("the whole current state and the source stream's
/// Version", e.g. <c>DeploymentStarted</c>). The relay calls <see cref="MapAsync"/> for every
/// event, in sequence order, with the relay's own read session, to fold the stream up to the event's
/// version (<c>session.Events.AggregateStreamAsync&lt;T&gt;(id, version: e.Version)</c>). It must stay
/// deterministic: a re-published page yields the same messages. Register it with
/// <c>PublishIntegrationEvents&lt;TMapper&gt;()</c> like any other mapper.
/// </summary>
public interface IStatefulIntegrationEventMapper : IIntegrationEventMapper
{
    IEnumerable<IIntegrationEvent> IIntegrationEventMapper.Map(IEvent domainEvent) =>
        throw new NotSupportedException($"{GetType().Name} maps with {nameof(MapAsync)}, which reads the store.");

    /// <summary>The integration events announcing <paramref name="domainEvent"/> (none for most events).</summary>
    Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IQuerySession session, CancellationToken ct);
}
