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
}
