using EuCyberNet.Contracts;
using JasperFx.Events;
using Marten;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// A mapper that needs more than the event itself to announce it — typically the aggregate as it
/// stood right after the event, for the snapshot integration events of contracts/ ("the whole
/// current state and the source stream's Version"). The relay calls <see cref="MapAsync"/> for
/// every event, in sequence order, with the relay's own read session; register it with
/// <c>PublishIntegrationEvents&lt;TMapper&gt;()</c> like any other mapper.
/// </summary>
public interface IStatefulIntegrationEventMapper : IIntegrationEventMapper
{
    IEnumerable<IIntegrationEvent> IIntegrationEventMapper.Map(IEvent domainEvent) =>
        throw new NotSupportedException($"{GetType().Name} maps with {nameof(MapAsync)}, which reads the store.");

    /// <summary>The integration events announcing <paramref name="domainEvent"/> (none for most events).</summary>
    Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IQuerySession store, CancellationToken ct);
}
