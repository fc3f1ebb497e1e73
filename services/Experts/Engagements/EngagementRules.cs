using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Experts.Engagements;

/// <summary>
/// What other services teach the expert's record: deployments (Projects) and completed trainings
/// (Training). Messages may arrive twice or out of order: a deployment snapshot older than the one
/// already recorded changes nothing, and a training is recorded once per enrolment, updated by its
/// newer announcements (the certificate number comes with the second).
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

    /// <summary>
    /// One training per enrolment, as its newest announcement describes it: the certification (a
    /// higher enrolment version, with the certificate number) updates the completion recorded before;
    /// a repeat or an older announcement changes nothing. The completion instant stays the earliest
    /// heard, and a known certificate number is never forgotten.
    /// </summary>
    public static Decision RecordTraining(Expert expert, TrainingRecord training)
    {
        if (expert.Status == ExpertStatus.Erased) return Decision.Nothing;
        var known = expert.Trainings.FirstOrDefault(t => t.EnrolmentId == training.EnrolmentId);
        if (known is null) return Decision.Emit(new ExpertTrainingCompleted(training));
        var newer = training.SourceVersion > known.SourceVersion
                    // publishers that send no version: a certificate number is news
                    || (training.SourceVersion == known.SourceVersion && training.CertificateNumber is not null && known.CertificateNumber is null);
        if (!newer) return Decision.Nothing;
        return Decision.Emit(new ExpertTrainingCompleted(training with
        {
            CertificateNumber = training.CertificateNumber ?? known.CertificateNumber,
            CompletedAt = training.CompletedAt < known.CompletedAt ? training.CompletedAt : known.CompletedAt,
        }));
    }
}
