using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Contracts.Projects.V1;

// What the network hears about CCB projects, requests for expertise and deployments. Snapshot
// events carry the whole current state and the source stream's Version, so a consumer can apply
// them in any order and keep only the newest.

/// <summary>The state of a CCB project, as registered by staff or reported by a partner system.</summary>
public sealed record ProjectSnapshot(
    string Title,
    string Funder,
    IReadOnlyList<string> Implementers,
    IReadOnlyList<string> BeneficiaryCountries,
    IReadOnlyList<CcbTheme> Themes,
    IReadOnlyList<Pillar> Pillars,
    decimal? BudgetEur,
    DateOnly StartDate,
    DateOnly EndDate,
    string Status,
    string Source);

/// <summary>A project entered the registry. <c>Source</c> is "staff" or the reporting partner's id.</summary>
public sealed record ProjectRegistered(Guid ProjectId, long Version, ProjectSnapshot Project, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Project(ProjectId);
}

/// <summary>Any change to a project, closing included (Status "closed").</summary>
public sealed record ProjectUpdated(Guid ProjectId, long Version, ProjectSnapshot Project, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Project(ProjectId);
}

/// <summary>The state of a request for expertise as published (approved by a coordinator).</summary>
public sealed record ExpertiseRequestSnapshot(
    Guid? ProjectId,
    string Requester,
    ActivityType ActivityType,
    string Title,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<string> Languages,
    string Country,
    bool Remote,
    DateOnly StartDate,
    DateOnly EndDate,
    DateOnly ApplicationDeadline,
    int ExpertsNeeded,
    IReadOnlyList<CcbTheme> Themes);

/// <summary>A coordinator approved the request; experts may apply until the deadline.</summary>
public sealed record ExpertiseRequestPublished(Guid RequestId, long Version, ExpertiseRequestSnapshot Request, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>A published request was amended and is back awaiting re-approval (not open meanwhile).</summary>
public sealed record ExpertiseRequestAmended(Guid RequestId, long Version, ExpertiseRequestSnapshot Request, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>Applications closed: the deadline passed, enough experts were selected, or staff closed it.</summary>
public sealed record ExpertiseRequestClosed(Guid RequestId, long Version, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

public sealed record ExpertiseRequestFulfilled(Guid RequestId, long Version, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

public sealed record ExpertiseRequestCancelled(Guid RequestId, long Version, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

// The selection, step by step (added for issue 7: without them the network's story jumped from a
// published request to a confirmed deployment). Ids only: no names, no reasons. Version = the
// request's stream version after the step.

/// <summary>An expert applied to a published request, or staff nominated one (<c>Nominated</c>).</summary>
public sealed record ExpertiseRequestApplicationReceived(Guid RequestId, long Version, Guid ExpertId, bool Nominated, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>The requester shortlisted an applicant.</summary>
public sealed record ExpertiseRequestApplicantShortlisted(Guid RequestId, long Version, Guid ExpertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>The requester selected an applicant: deployment <c>DeploymentId</c> is planned for them.</summary>
public sealed record ExpertiseRequestApplicantSelected(Guid RequestId, long Version, Guid ExpertId, Guid DeploymentId, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>The requester declined an applicant (not selected).</summary>
public sealed record ExpertiseRequestApplicantDeclined(Guid RequestId, long Version, Guid ExpertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>The expert withdrew their application.</summary>
public sealed record ExpertiseRequestApplicationWithdrawn(Guid RequestId, long Version, Guid ExpertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>The deployment of one expert for one request, as it stands.</summary>
public sealed record DeploymentSnapshot(
    Guid RequestId,
    Guid? ProjectId,
    Guid ExpertId,
    string Country,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    string Status);

public sealed record DeploymentConfirmed(Guid DeploymentId, long Version, DeploymentSnapshot Deployment, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Deployment(DeploymentId);
}

public sealed record DeploymentStarted(Guid DeploymentId, long Version, DeploymentSnapshot Deployment, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Deployment(DeploymentId);
}

/// <summary>The deployment's end date moved (Deployment.EndDate is the new one).</summary>
public sealed record DeploymentExtended(Guid DeploymentId, long Version, DeploymentSnapshot Deployment, DateOnly PreviousEndDate, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.Deployment(DeploymentId);
}

public sealed record DeploymentCompleted(Guid DeploymentId, long Version, DeploymentSnapshot Deployment, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Deployment(DeploymentId);
}

/// <summary>The requester rated the deployment 1–5 (feedback text stays in Projects).</summary>
public sealed record DeploymentEvaluated(Guid DeploymentId, long Version, DeploymentSnapshot Deployment, int Rating, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.Deployment(DeploymentId);
}

public sealed record DeploymentCancelled(Guid DeploymentId, long Version, DeploymentSnapshot Deployment, string Reason, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.Deployment(DeploymentId);
}

/// <summary>A published request's application deadline moved later (only allowed before it passed).</summary>
public sealed record ExpertiseRequestExtended(
    Guid RequestId, long Version, ExpertiseRequestSnapshot Request, DateOnly PreviousApplicationDeadline, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.ExpertiseRequest(RequestId);
}

/// <summary>An activity carried out under a CCB project (a workshop, a mission, a course), as a partner system reported it.</summary>
public sealed record ProjectActivity(
    string ActivityRef,
    string Title,
    ActivityType ActivityType,
    string Country,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate);

/// <summary>
/// A partner system reported an activity under one of its projects. <c>Source</c> is the partner's
/// id; <c>Version</c> is the project stream's version after the report.
/// </summary>
public sealed record ProjectActivityReported(Guid ProjectId, long Version, ProjectActivity Activity, string Source, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.Project(ProjectId);
}
