using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Courses;
using EuCyberNet.Training.Enrolments;

namespace EuCyberNet.Training.Sessions;

/// <summary>What a training manager sends to schedule a session. Dates and ids as text, so every bad field is reported.</summary>
public sealed record SessionRequest(
    string? CourseId,
    string? StartDate,
    string? EndDate,
    string? Country,
    string? City,
    bool? Online,
    int? Capacity,
    string? EnrolmentDeadline);

/// <summary>A validated session request.</summary>
public sealed record SessionPlan(
    Guid CourseId,
    DateOnly StartDate,
    DateOnly EndDate,
    string? Country,
    string? City,
    bool Online,
    int Capacity,
    DateOnly EnrolmentDeadline);

/// <summary>The lifecycle of a session: scheduled → open-for-enrolment ⇄ full → delivered → closed; cancelled.</summary>
public static class SessionRules
{
    public const int MaxCapacity = 500;
    public const string WaitlistLapsedReason = "The session took place without a free seat for this enrolment.";

    public static (SessionPlan? Plan, Validator Validation) Validate(SessionRequest r, DateOnly today)
    {
        var v = new Validator();
        var courseId = v.Id("courseId", r.CourseId);
        var start = v.IsoDate("startDate", r.StartDate);
        var end = v.IsoDate("endDate", r.EndDate);
        var deadline = v.IsoDate("enrolmentDeadline", r.EnrolmentDeadline);
        var online = r.Online ?? false;
        var country = v.Country("country", r.Country, required: !online);
        var city = online ? v.OptionalText("city", r.City, 100) : v.Text("city", r.City, 100);
        var capacity = v.Range("capacity", r.Capacity, 1, MaxCapacity);

        if (start != default && start < today) v.Add("startDate", "must not be in the past");
        v.Period("endDate", start, end);
        if (start != default && end >= start && end.DayNumber - start.DayNumber > 365) v.Add("endDate", "a session lasts at most a year");
        if (deadline != default && deadline < today) v.Add("enrolmentDeadline", "must not be in the past");
        if (deadline != default && start != default && deadline > start) v.Add("enrolmentDeadline", "must not be after the start date");

        var plan = new SessionPlan(courseId, start, end, country.Length == 0 ? null : country, city, online, capacity, deadline);
        return (v.IsValid ? plan : null, v);
    }

    public static Decision Schedule(Course course, SessionPlan plan) => Decision.Emit(new SessionScheduled(
        course.Id, course.Title, course.Format, course.Language, course.Roles, course.Themes,
        plan.StartDate, plan.EndDate, plan.Country, plan.City, plan.Online, plan.Capacity, plan.EnrolmentDeadline));

    public static LedgerChange Open(TrainingSession s, DateOnly today)
    {
        if (s.IsOpen) return LedgerChange.Nothing;
        if (s.Status != SessionStatus.Scheduled) return DomainError.InvalidTransition("open", s.Status.Slug());
        if (today > s.EnrolmentDeadline)
            return new DomainError("enrolment-deadline-passed", $"The enrolment deadline ({s.EnrolmentDeadline:yyyy-MM-dd}) has passed.", s.Status.Slug());
        return new LedgerChange { SessionEvents = [new SessionOpenedForEnrolment()] };
    }

    /// <summary>
    /// The session took place (not before its start date). Whoever is still waitlisted is let go:
    /// their enrolments are cancelled, so nobody waits for a seat in a session that is over.
    /// </summary>
    public static LedgerChange Deliver(TrainingSession s, DateOnly today)
    {
        if (s.Status == SessionStatus.Delivered) return LedgerChange.Nothing;
        if (!s.IsOpen) return DomainError.InvalidTransition("deliver", s.Status.Slug());
        if (today < s.StartDate)
            return new DomainError("session-not-started", $"The session starts on {s.StartDate:yyyy-MM-dd}; it cannot be delivered before.", s.Status.Slug());

        return new LedgerChange
        {
            SessionEvents = [.. s.Waitlist.Select(p => new WaitlistLeft(p.EnrolmentId, WaitlistLapsedReason)), new SessionDelivered()],
            EnrolmentEvents = [.. s.Waitlist.Select(p => new EnrolmentEvent(p.EnrolmentId,
                new EnrolmentCancelled(WaitlistLapsedReason, CancellationCause.WaitlistLapsed)))],
        };
    }

    public static LedgerChange Close(TrainingSession s)
    {
        if (s.Status == SessionStatus.Closed) return LedgerChange.Nothing;
        if (s.Status != SessionStatus.Delivered) return DomainError.InvalidTransition("close", s.Status.Slug());
        return new LedgerChange { SessionEvents = [new SessionClosed()] };
    }

    /// <summary>The session will not take place: every confirmed and waitlisted enrolment is cancelled, each with its own event.</summary>
    public static LedgerChange Cancel(TrainingSession s, string reason)
    {
        if (s.Status == SessionStatus.Cancelled) return LedgerChange.Nothing;
        if (s.Status is SessionStatus.Delivered or SessionStatus.Closed) return DomainError.InvalidTransition("cancel", s.Status.Slug());

        var because = $"The session was cancelled: {reason}";
        return new LedgerChange
        {
            SessionEvents = [new SessionCancelled(reason)],
            EnrolmentEvents = [.. s.Seats.Concat(s.Waitlist).Select(p => new EnrolmentEvent(p.EnrolmentId,
                new EnrolmentCancelled(because, CancellationCause.SessionCancelled)))],
        };
    }
}
