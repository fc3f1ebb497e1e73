using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using Marten;
using MassTransit;
using MassTransit.Middleware;
using MessageHeaders = EuCyberNet.ServiceDefaults.Messaging.MessageHeaders;

namespace EuCyberNet.Coordination.Recording;

/// <summary>
/// Coordination records what it hears in its own event store, one stream per subject (the GUID of
/// <see cref="IIntegrationEvent.Subject"/>: <c>deployment/{id}</c> is stream <c>{id}</c>), so every read
/// model can be rebuilt from scratch and the timeline can tell a story across services. The inbox
/// (<see cref="IdempotentConsumer{TMessage}"/>) makes a redelivery a no-op and stamps the event with the
/// story's correlation id, the message id as causation id and the original user.
/// </summary>
public sealed class RecordIntegrationEvent<TEvent>(IDocumentStore store) : IdempotentConsumer<TEvent>(store)
    where TEvent : class, IIntegrationEvent
{
    /// <summary>All recorders share one inbox scope: a MessageId names one message whatever its type.</summary>
    protected override string InboxName => Recorders.InboxName;

    protected override Task HandleAsync(ConsumeContext<TEvent> context, IDocumentSession session)
    {
        var message = context.Message;
        if (!Subjects.TryParse(message.Subject, out _, out var streamId))
            throw new InvalidOperationException($"{typeof(TEvent).Name} has no usable subject ('{message.Subject}'); it cannot be recorded.");

        session.SetHeader(MessageHeaders.SourceService, context.Headers.Get<string>(MessageHeaders.SourceService) ?? HeardEvents.PublisherOf(typeof(TEvent)));
        session.Events.Append(streamId, message);
        return Task.CompletedTask;
    }
}

public static class Recorders
{
    /// <summary>One durable queue for everything Coordination hears (and its <c>_error</c> queue).</summary>
    public const string QueueName = "coordination-record-integration-events";

    public const string InboxName = "RecordIntegrationEvent";

    private static readonly MethodInfo AddOne = typeof(Recorders).GetMethod(nameof(AddRecorder), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// A recorder for every heard event type, all on <see cref="QueueName"/>. Messages about the same
    /// subject are handled one at a time (a partitioner keyed by the subject, shared by every message
    /// type), because they append to the same stream; different subjects are recorded in parallel.
    /// </summary>
    public static void AddRecorders(this IBusRegistrationConfigurator bus, int partitions = 32)
    {
        var bySubject = new Partitioner(partitions, new Murmur3UnsafeHashGenerator());
        foreach (var type in HeardEvents.Types) AddOne.MakeGenericMethod(type).Invoke(null, [bus, bySubject]);
    }

    /// <summary>The stream a heard event is recorded in: the GUID of its subject.</summary>
    public static Guid StreamOf(IIntegrationEvent message) => Subjects.TryParse(message.Subject, out _, out var id) ? id : Guid.Empty;

    private static void AddRecorder<TEvent>(IBusRegistrationConfigurator bus, IPartitioner bySubject) where TEvent : class, IIntegrationEvent =>
        bus.AddConsumer<RecordIntegrationEvent<TEvent>>(consumer =>
                consumer.Message<TEvent>(message => message.UsePartitioner(bySubject, context => StreamOf(context.Message))))
            .Endpoint(e => e.Name = QueueName);
}
