using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.ServiceDefaults.Messaging;
using Marten;
using MassTransit;

namespace EuCyberNet.Coordination.Overview;

/// <summary>
/// Coordination records what it hears in its own event store, one stream per subject, so every
/// read model can be rebuilt from scratch; the inbox makes a redelivery a no-op.
/// </summary>
public sealed class RecordExpertApplication(IDocumentStore store) : IdempotentConsumer<ExpertApplicationReceived>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertApplicationReceived> context, IDocumentSession session)
    {
        session.Events.Append(context.Message.ExpertId, context.Message);
        return Task.CompletedTask;
    }
}
