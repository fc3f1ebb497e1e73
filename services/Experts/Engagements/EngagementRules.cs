using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Experts.Engagements;

/// <summary>
/// What other services teach the expert's record: deployments (Projects) and completed trainings
/// (Training). Messages may arrive twice or out of order: a deployment snapshot older than the one
/// already recorded changes nothing, and a repeated training completion is recorded once.
/// Nothing more is recorded about someone whose data was erased.
/// </summary>
public static class EngagementRules
{
    public static Decision RecordDeployment(Expert expert, DeploymentRecord deployment)
    {
        if (expert.Status == ExpertStatus.Erased) return Decision.Nothing;
        var known = expert.Deployments.FirstOrDefault(d => d.DeploymentId == deployment.DeploymentId);
        if (known is not null && known.SourceVersion >= deployment.SourceVersion) return Decision.Nothing;
        // An evaluation is final: a later snapshot without a rating does not forget it.
        var recorded = deployment with { Rating = deployment.Rating ?? known?.Rating };
        return Decision.Emit(new ExpertDeploymentRecorded(recorded));
    }

    public static Decision RecordTraining(Expert expert, TrainingRecord training)
    {
        if (expert.Status == ExpertStatus.Erased) return Decision.Nothing;
        return expert.Trainings.Any(t => t.EnrolmentId == training.EnrolmentId)
            ? Decision.Nothing
            : Decision.Emit(new ExpertTrainingCompleted(training));
    }
}
