using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.ServiceDefaults.Messaging;
using Marten;
using MassTransit;

namespace EuCyberNet.Projects.ExpertFacts;

/// <summary>
/// Records what Experts announces about an expert's standing (the standing and when, nothing else)
/// on that expert's stream here, as it arrived. The stream is fetched for writing, so two facts about one expert handled at once (or a
/// fact racing a selection that books the expert) cannot both fold onto the same old state: the
/// loser's commit fails and MassTransit retries it on fresh state. The inbox drops redeliveries;
/// <see cref="KnownExpert"/> makes the order of arrival irrelevant. Facts about one expert are handled
/// one at a time in a process (<see cref="StreamPartitionExtensions.AddConsumerByStream{TConsumer,TMessage}"/>),
/// so the race is rare: before, one drill saw 226 retries on this queue.
/// </summary>
public static class ExpertFactRecorder
{
    /// <summary>All five consumers share one queue: one place to watch, one order of arrival; partitioned by expert (facts about one expert one at a time).</summary>
    public const string QueueName = "projects-expert-facts";

    public static async Task RecordAsync(IDocumentSession session, Guid expertId, ExpertStandingHeard fact, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<KnownExpert>(expertId, ct);
        stream.AppendOne(fact);
    }

    public static void AddExpertFactConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumerByStream<RecordExpertJoinedPool, ExpertJoinedPool>(m => m.ExpertId).Endpoint(e => e.Name = QueueName);
        bus.AddConsumerByStream<RecordExpertStatusChanged, ExpertStatusChanged>(m => m.ExpertId).Endpoint(e => e.Name = QueueName);
        bus.AddConsumerByStream<RecordExpertSuspended, ExpertSuspended>(m => m.ExpertId).Endpoint(e => e.Name = QueueName);
        bus.AddConsumerByStream<RecordExpertReinstated, ExpertReinstated>(m => m.ExpertId).Endpoint(e => e.Name = QueueName);
        bus.AddConsumerByStream<RecordExpertLeftPool, ExpertLeftPool>(m => m.ExpertId).Endpoint(e => e.Name = QueueName);
    }
}

public sealed class RecordExpertJoinedPool(IDocumentStore store) : IdempotentConsumer<ExpertJoinedPool>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertJoinedPool> context, IDocumentSession session) =>
        ExpertFactRecorder.RecordAsync(session, context.Message.ExpertId, ExpertStandingHeard.From(context.Message), context.CancellationToken);
}

public sealed class RecordExpertStatusChanged(IDocumentStore store) : IdempotentConsumer<ExpertStatusChanged>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertStatusChanged> context, IDocumentSession session) =>
        ExpertFactRecorder.RecordAsync(session, context.Message.ExpertId, ExpertStandingHeard.From(context.Message), context.CancellationToken);
}

public sealed class RecordExpertSuspended(IDocumentStore store) : IdempotentConsumer<ExpertSuspended>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertSuspended> context, IDocumentSession session) =>
        ExpertFactRecorder.RecordAsync(session, context.Message.ExpertId, ExpertStandingHeard.From(context.Message), context.CancellationToken);
}

public sealed class RecordExpertReinstated(IDocumentStore store) : IdempotentConsumer<ExpertReinstated>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertReinstated> context, IDocumentSession session) =>
        ExpertFactRecorder.RecordAsync(session, context.Message.ExpertId, ExpertStandingHeard.From(context.Message), context.CancellationToken);
}

public sealed class RecordExpertLeftPool(IDocumentStore store) : IdempotentConsumer<ExpertLeftPool>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertLeftPool> context, IDocumentSession session) =>
        ExpertFactRecorder.RecordAsync(session, context.Message.ExpertId, ExpertStandingHeard.From(context.Message), context.CancellationToken);
}
