using System.Security.Cryptography;
using System.Text;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.ExpertFacts;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Enrolments;

/// <summary>What a training manager sends to enrol someone: <c>expertId</c> or <c>participant</c>.</summary>
public sealed record EnrolmentRequest(string? ExpertId, ParticipantRequest? Participant);

public sealed record ParticipantRequest(string? Name, string? Email, string? Country);

/// <summary>Who is to be enrolled, validated. <see cref="ParticipantKey"/> tells people apart without naming them.</summary>
public sealed record Nomination(Guid EnrolmentId, Guid? ExpertId, ExternalParticipant? Participant, string ParticipantKey);

/// <summary>The facts from elsewhere an enrolment is decided on (read before the decision, so it stays pure).</summary>
public sealed record EnrolmentFacts(
    DateOnly Today,
    string? ExpertStatus,
    IReadOnlyCollection<Guid> RequiredCourses,
    IReadOnlyCollection<Guid> CompletedCourses);

/// <summary>
/// The rules of enrolments and seats: an accepted expert or an external participant is nominated,
/// confirmed while seats remain, else waitlisted in order; a cancellation promotes the first
/// waitlisted; attended | no-show → completed → certificate issued.
/// </summary>
public static class EnrolmentRules
{
    public static (Nomination? Nomination, Validator Validation) Validate(EnrolmentRequest r, Guid enrolmentId)
    {
        var v = new Validator();
        if ((r.ExpertId is null) == (r.Participant is null))
        {
            v.Add("expertId", "give either expertId (an expert of the pool) or participant (an external participant), not both");
            return (null, v);
        }
        if (r.ExpertId is not null)
        {
            var expertId = v.Id("expertId", r.ExpertId);
            return (v.IsValid ? new Nomination(enrolmentId, expertId, null, ExpertKey(expertId)) : null, v);
        }

        var p = r.Participant!;
        var participant = new ExternalParticipant(
            Name: v.Text("participant.name", p.Name, 200),
            Email: v.Email("participant.email", p.Email),
            Country: v.Country("participant.country", p.Country));
        if (participant.Country.Length > 0 && Countries.IsCountry(participant.Country) && Countries.IsEuMemberState(participant.Country))
            v.Add("participant.country", $"'{participant.Country}' is an EU Member State; external participants come from partner countries (experts of Member States enrol through the pool)");
        return (v.IsValid ? new Nomination(enrolmentId, null, participant, EmailKey(participant.Email)) : null, v);
    }

    public static string ExpertKey(Guid expertId) => $"expert:{expertId:N}";

    /// <summary>A one-way key of an external participant's e-mail: the seat ledger never holds the address itself.</summary>
    public static string EmailKey(string email) =>
        "email:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..32];

    /// <summary>
    /// Enrol someone: a seat while one is free and nobody is waiting, else the end of the waitlist.
    /// The nomination and the outcome are recorded together; a repeat with the same enrolment id is a no-op.
    /// </summary>
    public static LedgerChange Enrol(TrainingSession s, Nomination n, EnrolmentFacts facts)
    {
        if (s.Holds(n.EnrolmentId)) return LedgerChange.Nothing;
        if (!s.IsOpen) return DomainError.InvalidTransition("enrol", s.Status.Slug());
        if (facts.Today > s.EnrolmentDeadline)
            return new DomainError("enrolment-deadline-passed", $"Enrolment closed on {s.EnrolmentDeadline:yyyy-MM-dd}.", s.Status.Slug());
        if (n.ExpertId is { } expertId)
        {
            if (facts.ExpertStatus != ExpertFact.Accepted)
                return new DomainError("expert-not-eligible",
                    $"Expert {expertId} is {facts.ExpertStatus ?? "not known to the Training service"}; only accepted experts who are not suspended may enrol.",
                    facts.ExpertStatus ?? "unknown");
            var missing = facts.RequiredCourses.Except(facts.CompletedCourses).ToList();
            if (missing.Count > 0)
                return new DomainError("prerequisite-missing",
                    $"Expert {expertId} has not completed the prerequisite course(s) {string.Join(", ", missing)}.");
        }
        if (s.Seats.Concat(s.Waitlist).Any(p => p.ParticipantKey == n.ParticipantKey))
            return new DomainError("already-enrolled", "This participant already holds a seat or a place on the waitlist of this session.");

        var nominated = new EnrolmentEvent(n.EnrolmentId, new ParticipantNominated(
            s.Id, s.CourseId, s.CourseTitle, s.Roles, s.StartDate, s.EndDate, n.ExpertId, n.Participant));
        if (s.HasFreeSeat && s.Waitlist.Count == 0)
            return new LedgerChange
            {
                SessionEvents = [new SeatAllocated(n.EnrolmentId, n.ParticipantKey, n.ExpertId)],
                EnrolmentEvents = [nominated, new EnrolmentEvent(n.EnrolmentId, new EnrolmentConfirmed(FromWaitlist: false))],
            };
        return new LedgerChange
        {
            SessionEvents = [new WaitlistJoined(n.EnrolmentId, n.ParticipantKey, n.ExpertId)],
            EnrolmentEvents = [nominated, new EnrolmentEvent(n.EnrolmentId, new EnrolmentWaitlisted(s.Waitlist.Count + 1))],
        };
    }

    /// <summary>Cancel a confirmed or waitlisted enrolment before the session takes place; a freed seat goes to the first waitlisted.</summary>
    public static LedgerChange Cancel(TrainingSession s, Enrolment e, string reason)
    {
        if (e.Status == EnrolmentStatus.Cancelled) return LedgerChange.Nothing;
        if (e.Status is not (EnrolmentStatus.Confirmed or EnrolmentStatus.Waitlisted)) return DomainError.InvalidTransition("cancel", e.Status.Slug());
        if (!s.IsOpen)
            return new DomainError("invalid-transition", $"Cannot cancel an enrolment while the session is {s.Status.Slug()}.", s.Status.Slug());
        return Release(s, e.Id, reason, CancellationCause.Request);
    }

    /// <summary>
    /// An expert was suspended or left the pool: their places in sessions that have not started are
    /// given up (waitlist places first, then seats, each freed seat promoting the first waitlisted).
    /// </summary>
    public static LedgerChange ReleaseExpert(TrainingSession s, Guid expertId, string expertStatus, DateOnly today)
    {
        if (!s.IsOpen || s.StartDate <= today) return LedgerChange.Nothing;
        var reason = $"The expert is no longer eligible ({expertStatus}).";
        var change = LedgerChange.Nothing;
        var state = s;
        foreach (var place in s.Waitlist.Concat(s.Seats).Where(p => p.ExpertId == expertId).ToList())
        {
            var step = Release(state, place.EnrolmentId, reason, CancellationCause.ExpertNoLongerEligible);
            state = step.SessionEvents.Aggregate(state, (current, e) => current.After(e));
            change = change.Then(step);
        }
        return change;
    }

    private static LedgerChange Release(TrainingSession s, Guid enrolmentId, string reason, CancellationCause cause)
    {
        var cancelled = new EnrolmentEvent(enrolmentId, new EnrolmentCancelled(reason, cause));
        if (s.Waitlist.Any(p => p.EnrolmentId == enrolmentId))
            return new LedgerChange { SessionEvents = [new WaitlistLeft(enrolmentId, reason)], EnrolmentEvents = [cancelled] };
        if (!s.Seats.Any(p => p.EnrolmentId == enrolmentId)) return LedgerChange.Nothing;

        var released = new SeatReleased(enrolmentId, reason);
        return new LedgerChange { SessionEvents = [released], EnrolmentEvents = [cancelled] }.Then(PromoteFirst(s.After(released)));
    }

    private static LedgerChange PromoteFirst(TrainingSession s)
    {
        if (!s.IsOpen || !s.HasFreeSeat || s.Waitlist.Count == 0) return LedgerChange.Nothing;
        var first = s.Waitlist[0].EnrolmentId;
        return new LedgerChange
        {
            SessionEvents = [new WaitlistPromoted(first)],
            EnrolmentEvents = [new EnrolmentEvent(first, new EnrolmentConfirmed(FromWaitlist: true))],
        };
    }

    /// <summary>Attendance is recorded once the session was delivered; a no-show can be corrected to attended and back until completion.</summary>
    public static Decision Attend(Enrolment e, SessionStatus session)
    {
        if (e.Status == EnrolmentStatus.Attended) return Decision.Nothing;
        if (e.Status is not (EnrolmentStatus.Confirmed or EnrolmentStatus.NoShow)) return DomainError.InvalidTransition("attend", e.Status.Slug());
        if (session != SessionStatus.Delivered) return SessionNotDelivered(session);
        return Decision.Emit(new ParticipantAttended());
    }

    public static Decision NoShow(Enrolment e, SessionStatus session)
    {
        if (e.Status == EnrolmentStatus.NoShow) return Decision.Nothing;
        if (e.Status is not (EnrolmentStatus.Confirmed or EnrolmentStatus.Attended)) return DomainError.InvalidTransition("no-show", e.Status.Slug());
        if (session != SessionStatus.Delivered) return SessionNotDelivered(session);
        return Decision.Emit(new ParticipantNoShow());
    }

    /// <summary>Only a participant who attended completes the course.</summary>
    public static Decision Complete(Enrolment e, DateOnly today)
    {
        if (e.Status is EnrolmentStatus.Completed or EnrolmentStatus.CertificateIssued) return Decision.Nothing;
        if (e.Status != EnrolmentStatus.Attended) return DomainError.InvalidTransition("complete", e.Status.Slug());
        return Decision.Emit(new EnrolmentCompleted(today));
    }

    /// <summary>A completed enrolment gets its certificate; <paramref name="number"/> is freshly drawn by the caller.</summary>
    public static Decision Certify(Enrolment e, string number, DateOnly today)
    {
        if (e.Status == EnrolmentStatus.CertificateIssued) return Decision.Nothing;
        if (e.Status != EnrolmentStatus.Completed) return DomainError.InvalidTransition("certify", e.Status.Slug());
        return Decision.Emit(new CertificateIssued(number, today));
    }

    private static DomainError SessionNotDelivered(SessionStatus session) =>
        new("session-not-delivered", $"Attendance is recorded once the session has been delivered; it is {session.Slug()}.", session.Slug());
}
