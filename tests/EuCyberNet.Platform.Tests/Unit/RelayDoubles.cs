using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using JasperFx.Events.Projections;
using MassTransit;

namespace EuCyberNet.Platform.Tests.Unit;

/// <summary>What the relay's unit tests publish: one message per event, mapped without a database.</summary>
public sealed record Announced(string Subject, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A stateless mapper announcing every event as an <see cref="Announced"/> about its stream.</summary>
public sealed class AnnounceEverything : IIntegrationEventMapper
{
    public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) => [new Announced(SubjectOf(domainEvent), domainEvent.Timestamp)];

    public static string SubjectOf(IEvent e) => $"thing/{e.StreamId}";
}

/// <summary>
/// The base of the relay tests' <see cref="IBus"/> doubles (made with <see cref="DispatchProxy.Create{T, TProxy}"/>):
/// the relay only publishes its mapper's messages, so a publish of a <typeparamref name="TMessage"/> is all a
/// double decides; any other call fails.
/// </summary>
public abstract class RelayBus<TMessage> : DispatchProxy where TMessage : class
{
    protected abstract Task PublishAsync(TMessage message);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || args is null || args[0] is not TMessage message)
            throw new NotSupportedException($"{targetMethod?.Name} is not used by the relay");
        return PublishAsync(message);
    }
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
