using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using JasperFx.Events.Projections;

namespace EuCyberNet.Platform.Tests.Unit;

/// <summary>What the relay's unit tests publish: one message per event, mapped without a database.</summary>
public sealed record Announced(string Subject, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A stateless mapper announcing every event as an <see cref="Announced"/> about its stream.</summary>
public sealed class AnnounceEverything : IIntegrationEventMapper
{
    public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) => [new Announced(SubjectOf(domainEvent), domainEvent.Timestamp)];

    public static string SubjectOf(IEvent e) => $"thing/{e.StreamId}";
}

internal static class RelayPages
{
    /// <summary><paramref name="count"/> events of streams of their own, numbered from <paramref name="firstSequence"/>.</summary>
    public static List<IEvent> Events(int count, long firstSequence = 1) => Enumerable.Range(0, count)
        .Select(i => (IEvent)new JasperFx.Events.Event<string>("happened")
        {
            Id = Guid.NewGuid(), StreamId = Guid.NewGuid(), Sequence = firstSequence + i, Version = 1, Timestamp = DateTimeOffset.UtcNow,
        })
        .ToList();

    /// <summary>The relay's page holding <paramref name="events"/>.</summary>
    public static EventRange Of(List<IEvent> events) =>
        new(new ShardName(IntegrationEventRelay.SubscriptionName), events[0].Sequence - 1, events[^1].Sequence, null!) { Events = [.. events] };
}
