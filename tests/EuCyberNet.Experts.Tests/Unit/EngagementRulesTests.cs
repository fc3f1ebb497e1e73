using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Engagements;
using EuCyberNet.Experts.Pool;

namespace EuCyberNet.Experts.Tests.Unit;

/// <summary>What Projects and Training teach the record, arriving twice or out of order.</summary>
public sealed class EngagementRulesTests
{
    private static readonly Guid DeploymentId = Guid.NewGuid();

    private static DeploymentRecord Deployment(long version, DeploymentStage stage, int? rating = null) => new(
        DeploymentId, version, Guid.NewGuid(), null, "UA", [EcsfRole.CyberIncidentResponder], [CcbTheme.IncidentManagementAndCip],
        new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 14), stage, rating);

    [Fact]
    public void A_new_deployment_is_recorded_on_the_expert()
    {
        var recorded = EngagementRules.RecordDeployment(Given.Expert(ExpertStatus.Accepted), Deployment(2, DeploymentStage.Confirmed))
            .Emits<ExpertDeploymentRecorded>();

        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), recorded]);
        var deployment = Assert.Single(expert.Deployments);
        Assert.Equal(DeploymentStage.Confirmed, deployment.Stage);
        Assert.True(deployment.BlocksAvailability);
    }

    [Fact]
    public void A_newer_snapshot_replaces_the_older_and_an_older_or_repeated_one_changes_nothing()
    {
        var confirmed = new ExpertDeploymentRecorded(Deployment(2, DeploymentStage.Confirmed));
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), confirmed]);

        EngagementRules.RecordDeployment(expert, Deployment(2, DeploymentStage.Confirmed)).IsNothing();
        EngagementRules.RecordDeployment(expert, Deployment(1, DeploymentStage.Confirmed)).IsNothing();

        var completed = EngagementRules.RecordDeployment(expert, Deployment(5, DeploymentStage.Completed)).Emits<ExpertDeploymentRecorded>();
        var after = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), confirmed, completed]);
        var deployment = Assert.Single(after.Deployments);
        Assert.Equal(DeploymentStage.Completed, deployment.Stage);
        Assert.False(deployment.BlocksAvailability);
        Assert.True(deployment.IsCompleted);
    }

    [Fact]
    public void An_evaluation_that_overtook_the_completion_is_not_undone_by_it()
    {
        var evaluated = new ExpertDeploymentRecorded(Deployment(6, DeploymentStage.Evaluated, rating: 5));
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), evaluated]);

        EngagementRules.RecordDeployment(expert, Deployment(5, DeploymentStage.Completed)).IsNothing();
        Assert.Equal(5, Assert.Single(expert.Deployments).Rating);
    }

    [Fact]
    public void A_known_rating_survives_a_later_snapshot_without_one()
    {
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), new ExpertDeploymentRecorded(Deployment(6, DeploymentStage.Evaluated, rating: 4))]);

        var later = EngagementRules.RecordDeployment(expert, Deployment(7, DeploymentStage.Completed)).Emits<ExpertDeploymentRecorded>();
        Assert.Equal(4, later.Deployment.Rating);
    }

    [Theory]
    [InlineData(DeploymentStage.Confirmed, true)]
    [InlineData(DeploymentStage.Started, true)]
    [InlineData(DeploymentStage.Extended, true)]
    [InlineData(DeploymentStage.Completed, false)]
    [InlineData(DeploymentStage.Evaluated, false)]
    [InlineData(DeploymentStage.Cancelled, false)]
    public void Only_confirmed_started_or_extended_deployments_block_their_period(DeploymentStage stage, bool blocks) =>
        Assert.Equal(blocks, Deployment(1, stage).BlocksAvailability);

    [Fact]
    public void A_completed_training_is_recorded_once()
    {
        var training = new TrainingRecord(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Malware analysis", [EcsfRole.DigitalForensicsInvestigator], "CERT-9", Given.Start);
        var recorded = EngagementRules.RecordTraining(Given.Expert(ExpertStatus.Accepted), training).Emits<ExpertTrainingCompleted>();

        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), recorded]);
        Assert.Equal(training, Assert.Single(expert.Trainings));
        EngagementRules.RecordTraining(expert, training).IsNothing();
    }

    [Fact]
    public void Nothing_more_is_recorded_about_an_erased_expert()
    {
        var erased = Given.Expert(ExpertStatus.Erased);
        EngagementRules.RecordDeployment(erased, Deployment(2, DeploymentStage.Confirmed)).IsNothing();
        EngagementRules.RecordTraining(erased, new TrainingRecord(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "x", [], null, Given.Start)).IsNothing();
    }
}
