using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;

namespace EuCyberNet.Experts;

/// <summary>What the rest of the network hears about experts: ids and vocabularies, never personal data.</summary>
public sealed class ExpertsIntegrationEvents : IIntegrationEventMapper
{
    public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) => domainEvent.Data switch
    {
        ExpertApplied applied => [new ExpertApplicationReceived(domainEvent.StreamId, applied.Citizenship, domainEvent.Timestamp)],
        _ => [],
    };
}
