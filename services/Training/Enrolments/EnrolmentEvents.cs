using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Training.Enrolments;

// Domain events of one enrolment's stream. An external participant's name and e-mail live here
// (the Training service's own store) and never leave the service: integration events carry
// ExpertId = null for them.

/// <summary>A person from a partner country who is not a pool expert.</summary>
public sealed record ExternalParticipant(string Name, string Email, string Country);

/// <summary>
/// Someone was put forward for a session: an expert of the pool or an external participant. The
/// session's course facts are copied so the enrolment reads on its own (and so the completion
/// can be announced with the roles it covers).
/// </summary>
public sealed record ParticipantNominated(
    Guid SessionId,
    Guid CourseId,
    string CourseTitle,
    IReadOnlyList<EcsfRole> Roles,
    DateOnly SessionStartDate,
    DateOnly SessionEndDate,
    Guid? ExpertId,
    ExternalParticipant? Participant);

/// <summary>A seat is confirmed: straight away, or by promotion from the waitlist.</summary>
public sealed record EnrolmentConfirmed(bool FromWaitlist);

/// <summary>No seat was free; <see cref="Position"/> is the place on the waitlist when it joined.</summary>
public sealed record EnrolmentWaitlisted(int Position);

public enum CancellationCause
{
    /// <summary>The participant or a training manager cancelled it.</summary>
    Request = 1,

    /// <summary>The whole session was cancelled.</summary>
    SessionCancelled,

    /// <summary>The expert was suspended or left the pool.</summary>
    ExpertNoLongerEligible,

    /// <summary>The session was delivered while the enrolment was still waitlisted.</summary>
    WaitlistLapsed,
}

public sealed record EnrolmentCancelled(string Reason, CancellationCause Cause);

public sealed record ParticipantAttended;

public sealed record ParticipantNoShow;

public sealed record EnrolmentCompleted(DateOnly CompletedOn);

public sealed record CertificateIssued(string CertificateNumber, DateOnly IssuedOn);
