using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using Marten;
using MassTransit;

namespace EuCyberNet.Experts.Engagements;

// Consumers of Projects' deployment events and Training's completions. Each stages its effect on
// the expert's stream (FetchForWriting: a concurrent change of the same expert makes the commit
// fail and MassTransit retry the message) and IdempotentConsumer commits it with the inbox entry.

/// <summary>A message named an expert this service never had: a data error, sent to the error queue.</summary>
public sealed class UnknownExpertException(Guid expertId, string messageType)
    : Exception($"{messageType} names expert {expertId}, who is not known to the Experts service.");

internal static class ExpertStreams
{
    public static async Task DecideAsync(IDocumentSession session, Guid expertId, string messageType, Func<Expert, Decision> decide, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Expert>(expertId, ct);
        if (stream.Aggregate is null) throw new UnknownExpertException(expertId, messageType);
        var decision = decide(stream.Aggregate);
        if (decision.Error is { } error) throw new InvalidOperationException(error.Message);
        if (decision.Events.Count > 0) stream.AppendMany(decision.Events);
    }
}

/// <summary>Records one deployment snapshot on the expert named in it.</summary>
public abstract class RecordDeployment<TMessage>(IDocumentStore store) : IdempotentConsumer<TMessage>(store)
    where TMessage : class
{
    protected abstract DeploymentStage Stage { get; }

    protected abstract (Guid DeploymentId, long Version, DeploymentSnapshot Deployment, int? Rating) Read(TMessage message);

    protected override Task HandleAsync(ConsumeContext<TMessage> context, IDocumentSession session)
    {
        var (deploymentId, version, d, rating) = Read(context.Message);
        if (rating is < 1 or > 5) throw new InvalidOperationException($"Deployment {deploymentId} has rating {rating}; ratings are 1–5.");
        var record = new DeploymentRecord(deploymentId, version, d.RequestId, d.ProjectId, d.Country, d.Roles, d.Themes, d.StartDate, d.EndDate, Stage, rating);
        return ExpertStreams.DecideAsync(session, d.ExpertId, typeof(TMessage).Name,
            expert => EngagementRules.RecordDeployment(expert, record), context.CancellationToken);
    }
}

public sealed class RecordDeploymentConfirmed(IDocumentStore store) : RecordDeployment<DeploymentConfirmed>(store)
{
    protected override DeploymentStage Stage => DeploymentStage.Confirmed;

    protected override (Guid, long, DeploymentSnapshot, int?) Read(DeploymentConfirmed m) => (m.DeploymentId, m.Version, m.Deployment, null);
}

public sealed class RecordDeploymentStarted(IDocumentStore store) : RecordDeployment<DeploymentStarted>(store)
{
    protected override DeploymentStage Stage => DeploymentStage.Started;

    protected override (Guid, long, DeploymentSnapshot, int?) Read(DeploymentStarted m) => (m.DeploymentId, m.Version, m.Deployment, null);
}

public sealed class RecordDeploymentExtended(IDocumentStore store) : RecordDeployment<DeploymentExtended>(store)
{
    protected override DeploymentStage Stage => DeploymentStage.Extended;

    protected override (Guid, long, DeploymentSnapshot, int?) Read(DeploymentExtended m) => (m.DeploymentId, m.Version, m.Deployment, null);
}

public sealed class RecordDeploymentCompleted(IDocumentStore store) : RecordDeployment<DeploymentCompleted>(store)
{
    protected override DeploymentStage Stage => DeploymentStage.Completed;

    protected override (Guid, long, DeploymentSnapshot, int?) Read(DeploymentCompleted m) => (m.DeploymentId, m.Version, m.Deployment, null);
}

public sealed class RecordDeploymentEvaluated(IDocumentStore store) : RecordDeployment<DeploymentEvaluated>(store)
{
    protected override DeploymentStage Stage => DeploymentStage.Evaluated;

    protected override (Guid, long, DeploymentSnapshot, int?) Read(DeploymentEvaluated m) => (m.DeploymentId, m.Version, m.Deployment, m.Rating);
}

public sealed class RecordDeploymentCancelled(IDocumentStore store) : RecordDeployment<DeploymentCancelled>(store)
{
    protected override DeploymentStage Stage => DeploymentStage.Cancelled;

    protected override (Guid, long, DeploymentSnapshot, int?) Read(DeploymentCancelled m) => (m.DeploymentId, m.Version, m.Deployment, null);
}

/// <summary>A completed course lands on the expert's record; external participants (no expert id) are not ours.</summary>
public sealed class RecordTrainingCompleted(IDocumentStore store) : IdempotentConsumer<TrainingCompleted>(store)
{
    protected override Task HandleAsync(ConsumeContext<TrainingCompleted> context, IDocumentSession session)
    {
        var m = context.Message;
        if (m.ExpertId is not { } expertId) return Task.CompletedTask;
        var record = new TrainingRecord(m.EnrolmentId, m.SessionId, m.CourseId, m.CourseTitle, m.RolesCovered, m.CertificateNumber, m.OccurredAt, m.Version);
        return ExpertStreams.DecideAsync(session, expertId, nameof(TrainingCompleted),
            expert => EngagementRules.RecordTraining(expert, record), context.CancellationToken);
    }
}

public static class EngagementRegistration
{
    public static void AddEngagementConsumers(this IBusRegistrationConfigurator bus)
    {
        // Each its own queue, but all change the expert's stream: partitioned by expert across queues,
        // so one deployment's confirmation, start and completion arriving together do not race.
        bus.AddConsumerByStream<RecordDeploymentConfirmed, DeploymentConfirmed>(m => m.Deployment.ExpertId);
        bus.AddConsumerByStream<RecordDeploymentStarted, DeploymentStarted>(m => m.Deployment.ExpertId);
        bus.AddConsumerByStream<RecordDeploymentExtended, DeploymentExtended>(m => m.Deployment.ExpertId);
        bus.AddConsumerByStream<RecordDeploymentCompleted, DeploymentCompleted>(m => m.Deployment.ExpertId);
        bus.AddConsumerByStream<RecordDeploymentEvaluated, DeploymentEvaluated>(m => m.Deployment.ExpertId);
        bus.AddConsumerByStream<RecordDeploymentCancelled, DeploymentCancelled>(m => m.Deployment.ExpertId);
        // An external participant (no expert id) changes nothing here; any key will do.
        bus.AddConsumerByStream<RecordTrainingCompleted, TrainingCompleted>(m => m.ExpertId ?? m.EnrolmentId);
    }
}
