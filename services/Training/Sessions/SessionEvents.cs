using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Training.Sessions;

// Domain events of a training session's stream. The stream is also the session's seat ledger:
// every seat given, released or promoted and every place on the waitlist is an event here, in
// the order the service accepted it (see docs/training.md, "Seats are never oversold").

/// <summary>A session of a course was scheduled; the course's facts are copied as they were then.</summary>
public sealed record SessionScheduled(
    Guid CourseId,
    string CourseTitle,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    string? Country,
    string? City,
    bool Online,
    int Capacity,
    DateOnly EnrolmentDeadline);

public sealed record SessionOpenedForEnrolment;

/// <summary>The session took place. Whoever was still on the waitlist was let go before this event.</summary>
public sealed record SessionDelivered;

public sealed record SessionClosed;

/// <summary>The session will not take place; every enrolment in it is cancelled by events of its own.</summary>
public sealed record SessionCancelled(string Reason);

/// <summary>A seat went to an enrolment. <see cref="ParticipantKey"/> identifies the person without naming them.</summary>
public sealed record SeatAllocated(Guid EnrolmentId, string ParticipantKey, Guid? ExpertId);

/// <summary>No seat was free: the enrolment joined the end of the waitlist.</summary>
public sealed record WaitlistJoined(Guid EnrolmentId, string ParticipantKey, Guid? ExpertId);

/// <summary>A confirmed enrolment gave its seat back (cancelled).</summary>
public sealed record SeatReleased(Guid EnrolmentId, string Reason);

/// <summary>A waitlisted enrolment left the waitlist (cancelled, or the session went ahead without it).</summary>
public sealed record WaitlistLeft(Guid EnrolmentId, string Reason);

/// <summary>The first enrolment of the waitlist took a free seat.</summary>
public sealed record WaitlistPromoted(Guid EnrolmentId);
