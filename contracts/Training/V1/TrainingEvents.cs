using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Contracts.Training.V1;

// What the network hears about training. External participants' names and e-mails stay in the
// Training service; their enrolments travel with ExpertId = null.

/// <summary>A session of a course, as it stands.</summary>
public sealed record TrainingSessionSnapshot(
    Guid CourseId,
    string CourseTitle,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    string? Country,
    string? City,
    bool Online,
    DateOnly StartDate,
    DateOnly EndDate,
    int Capacity,
    int SeatsTaken,
    string Status);

public sealed record TrainingSessionScheduled(Guid SessionId, long Version, TrainingSessionSnapshot Session, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.TrainingSession(SessionId);
}

/// <summary>Any later change of a session: opened, full, seats taken, delivered, closed.</summary>
public sealed record TrainingSessionUpdated(Guid SessionId, long Version, TrainingSessionSnapshot Session, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.TrainingSession(SessionId);
}

/// <summary>The session will not take place; every enrolment in it is cancelled.</summary>
public sealed record TrainingSessionCancelled(Guid SessionId, long Version, TrainingSessionSnapshot Session, string Reason, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.TrainingSession(SessionId);
}

/// <summary>A seat is confirmed (directly, or by promotion from the waitlist).</summary>
public sealed record EnrolmentConfirmed(Guid EnrolmentId, Guid SessionId, Guid? ExpertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Enrolment(EnrolmentId);
}

public sealed record EnrolmentCancelled(Guid EnrolmentId, Guid SessionId, Guid? ExpertId, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Enrolment(EnrolmentId);
}

/// <summary>
/// A participant completed a course; for experts this lands on their record. Announced when the
/// enrolment is completed (<see cref="CertificateNumber"/> null) and again when the certificate is
/// issued (with its number): keep one entry per <see cref="EnrolmentId"/>, the one with the highest
/// <see cref="Version"/> (the enrolment stream's version; added in V1, 0 from older publishers).
/// </summary>
public sealed record TrainingCompleted(
    Guid EnrolmentId,
    Guid SessionId,
    Guid CourseId,
    string CourseTitle,
    Guid? ExpertId,
    IReadOnlyList<EcsfRole> RolesCovered,
    string? CertificateNumber,
    DateTimeOffset OccurredAt,
    long Version = 0) : IIntegrationEvent
{
    public string Subject => Subjects.Enrolment(EnrolmentId);
}

/// <summary>A training request from a partner country or an EU delegation, as it stands.</summary>
public sealed record TrainingRequestSnapshot(
    string Requester,
    string BeneficiaryCountry,
    string Topic,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int AudienceSize,
    DateOnly PreferredFrom,
    DateOnly PreferredTo,
    Guid? SessionId,
    string Status);

public sealed record TrainingRequestApproved(Guid TrainingRequestId, long Version, TrainingRequestSnapshot Request, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.TrainingRequest(TrainingRequestId);
}

public sealed record TrainingRequestScheduled(Guid TrainingRequestId, long Version, TrainingRequestSnapshot Request, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.TrainingRequest(TrainingRequestId);
}

public sealed record TrainingRequestDelivered(Guid TrainingRequestId, long Version, TrainingRequestSnapshot Request, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.TrainingRequest(TrainingRequestId);
}
