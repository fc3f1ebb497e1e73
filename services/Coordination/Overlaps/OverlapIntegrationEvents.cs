using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Coordination.V1;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;

namespace EuCyberNet.Coordination.Overlaps;

/// <summary>
/// What the network hears from Coordination: its overlap alerts (contracts/Coordination/V1). The
/// events it recorded from others are theirs to announce, so they map to nothing.
/// </summary>
public sealed class OverlapIntegrationEvents : IIntegrationEventMapper
{
    /// <summary>
    /// Only overlap events announce anything; the store is mostly the events recorded from other
    /// services, which the relay therefore no longer reads (one page query per page, no rows).
    /// </summary>
    public IReadOnlyCollection<Type> AnnouncingTypes { get; } =
        [typeof(OverlapRaised), typeof(OverlapAcknowledged), typeof(OverlapResolved), typeof(OverlapDismissed)];

    public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) => domainEvent.Data switch
    {
        OverlapRaised e => [new OverlapAlertRaised(domainEvent.StreamId, e.ActivityA, e.ActivityB, e.Countries.Count > 0 ? e.Countries[0] : "",
            e.SharedThemes, e.OverlapFrom, e.OverlapTo, domainEvent.Timestamp, e.Countries)],
        OverlapAcknowledged => [new OverlapAlertAcknowledged(domainEvent.StreamId, domainEvent.Timestamp)],
        OverlapResolved e => [new OverlapAlertResolved(domainEvent.StreamId, e.Reason, domainEvent.Timestamp)],
        OverlapDismissed e => [new OverlapAlertDismissed(domainEvent.StreamId, e.Reason, domainEvent.Timestamp)],
        _ => [],
    };
}
