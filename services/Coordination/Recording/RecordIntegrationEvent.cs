using EuCyberNet.Contracts.Training.V1;
using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using Marten;
using MassTransit;

namespace EuCyberNet.Coordination.Recording;

/// <summary>
/// Coordination records what it hears in its own event store, one stream per subject (the GUID of
/// <see cref="IIntegrationEvent.Subject"/>: <c>deployment/{id}</c> is stream <c>{id}</c>), so every read
/// model can be rebuilt from scratch and the timeline can tell a story across services. The inbox
/// makes a redelivery a no-op and stamps the event with the story's correlation id, the message id as
/// causation id and the original user; the publishing service is kept as an event header.
/// <para>
/// Everything the network says arrives here, so the recorder uses the group-commit inbox: the
/// messages being handled at the same moment are recorded in one transaction (each still with its
/// own inbox entry and metadata). One transaction per message would cap the service at a few hundred
/// events a second on the team's machines.
/// </para>
/// </summary>
public sealed class RecordIntegrationEvent<TEvent>(GroupCommitInbox inbox) : GroupCommitConsumer<TEvent>(inbox)
    where TEvent : class, IIntegrationEvent
{
    /// <summary>All recorders share one inbox scope: a MessageId names one message whatever its type.</summary>
    protected override string InboxName => Recorders.InboxName;

    protected override void Stage(ConsumeContext<TEvent> context, IDocumentSession session)
    {
        var message = WithoutPersonalData(context.Message);
        if (!Subjects.TryParse(message.Subject, out _, out var streamId))
            throw new InvalidOperationException($"{typeof(TEvent).Name} has no usable subject ('{message.Subject}'); it cannot be recorded.");

        var recorded = new JasperFx.Events.Event<TEvent>(message);
        recorded.SetHeader(PlatformHeaders.SourceService, context.Headers.Get<string>(PlatformHeaders.SourceService) ?? HeardEvents.PublisherOf(typeof(TEvent)));
        session.Events.Append(streamId, recorded);
    }

    /// <summary>
    /// What Coordination must not keep: a certificate number identifies its holder, Coordination only
    /// needs that the course was completed, and an expert's erasure in the Experts service could not
    /// reach a copy kept here.
    /// </summary>
    internal static TEvent WithoutPersonalData(TEvent message) => message switch
    {
        TrainingCompleted { CertificateNumber: not null } completed => (TEvent)(object)(completed with { CertificateNumber = null }),
        _ => message,
    };
}

public static class Recorders
{
    /// <summary>One durable queue for everything Coordination hears (and its <c>_error</c> queue).</summary>
    public const string QueueName = "coordination-record-integration-events";

    public const string InboxName = "RecordIntegrationEvent";

    private static readonly MethodInfo AddOne = typeof(Recorders).GetMethod(nameof(AddRecorder), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>A recorder for every heard event type, all on <see cref="QueueName"/>.</summary>
    public static void AddRecorders(this IBusRegistrationConfigurator bus)
    {
        foreach (var type in HeardEvents.Types) AddOne.MakeGenericMethod(type).Invoke(null, [bus]);
    }

    private static void AddRecorder<TEvent>(IBusRegistrationConfigurator bus) where TEvent : class, IIntegrationEvent =>
        bus.AddConsumer<RecordIntegrationEvent<TEvent>>().Endpoint(e => e.Name = QueueName);
}
