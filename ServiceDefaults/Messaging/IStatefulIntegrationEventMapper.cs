using EuCyberNet.Contracts;
using JasperFx.Events;
using Marten;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// A mapper whose integration events need the resource's state as it was right after the domain
/// event (snapshot events such as <c>DeploymentStarted</c>, which carry the whole deployment and
/// the stream version). The relay calls <see cref="MapAsync"/> instead of
/// <see cref="IIntegrationEventMapper.Map"/>, handing it a session to fold the stream up to the
/// event's version (<c>session.Events.AggregateStreamAsync&lt;T&gt;(id, version: e.Version)</c>).
/// It must stay deterministic: a re-published page yields the same messages.
/// </summary>
public interface IStatefulIntegrationEventMapper : IIntegrationEventMapper
{
    Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IQuerySession session, CancellationToken ct);
}
