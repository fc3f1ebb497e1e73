using EuCyberNet.Contracts;
using JasperFx.Events;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// A service's translation of its own domain events into the integration events of contracts/.
/// Most domain events announce nothing; none may leak personal data.
/// </summary>
public interface IIntegrationEventMapper
{
    IEnumerable<IIntegrationEvent> Map(IEvent domainEvent);

    /// <summary>
    /// The only domain event types that can announce anything, or null when any type may (the
    /// default). When a mapper that needs no stream state names them, its relay reads only those
    /// from the store (Marten filters the daemon's pages by type) instead of loading and
    /// deserializing every event to map most of them to nothing. Every type <see cref="Map"/>
    /// announces must be listed: the fault drills map every stored event afresh and count any
    /// message the relay then never published as lost.
    /// </summary>
    IReadOnlyCollection<Type>? AnnouncingTypes => null;
}
