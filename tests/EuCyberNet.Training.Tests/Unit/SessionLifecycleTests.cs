using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Training.Courses;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Unit;

/// <summary>scheduled → open-for-enrolment ⇄ full → delivered → closed; cancelled.</summary>
public sealed class SessionLifecycleTests
{
    private static SessionRequest Valid(DateOnly start) => new(
        Guid.NewGuid().ToString(), TrainingApiDates(start), TrainingApiDates(start.AddDays(2)), "KE", "Nairobi", false, 20,
        TrainingApiDates(start.AddDays(-7)));

    private static string TrainingApiDates(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_valid_request_becomes_a_plan()
    {
        var (plan, v) = SessionRules.Validate(Valid(Given.Today.AddDays(30)), Given.Today);

        Assert.True(v.IsValid);
        Assert.Equal((20, "KE", "Nairobi", false), (plan!.Capacity, plan.Country, plan.City, plan.Online));
    }

    [Fact]
    public void Every_bad_field_of_a_session_request_is_reported_at_once()
    {
        var request = new SessionRequest("not-a-guid", "2027-02-30", "yesterday", "ZZ", "", false, 0, null);

        var (plan, v) = SessionRules.Validate(request, Given.Today);

        Assert.Null(plan);
        Assert.Equal(["capacity", "city", "country", "courseId", "endDate", "enrolmentDeadline", "startDate"], v.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dates_must_be_in_order_and_not_in_the_past()
    {
        var start = Given.Today.AddDays(10);
        var request = Valid(start) with
        {
            StartDate = TrainingApiDates(Given.Today.AddDays(-1)),
            EndDate = TrainingApiDates(Given.Today.AddDays(-2)),
            EnrolmentDeadline = TrainingApiDates(start.AddDays(1)),
        };

        var (_, v) = SessionRules.Validate(request, Given.Today);

        Assert.Equal(["endDate", "enrolmentDeadline", "startDate"], v.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_online_session_needs_no_place_and_a_classroom_one_does()
    {
        var (online, onlineValidation) = SessionRules.Validate(Valid(Given.Today.AddDays(30)) with { Online = true, Country = null, City = null }, Given.Today);
        var (_, classroom) = SessionRules.Validate(Valid(Given.Today.AddDays(30)) with { Country = null, City = null }, Given.Today);

        Assert.True(onlineValidation.IsValid);
        Assert.Null(online!.Country);
        Assert.Equal(["city", "country"], classroom.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scheduling_copies_the_course_facts_into_the_session()
    {
        var course = Given.Fold<Course>(Guid.NewGuid(), new CourseCatalogued(new CourseDetails("Digital forensics", "CEPOL", CourseFormat.Blended, "fr",
            [EcsfRole.DigitalForensicsInvestigator], [CcbTheme.Cybercrime], 5, [], null)));
        var (plan, _) = SessionRules.Validate(Valid(Given.Today.AddDays(30)), Given.Today);

        var scheduled = Assert.IsType<SessionScheduled>(Assert.Single(SessionRules.Schedule(course, plan!).Events));
        var session = Given.Fold<TrainingSession>(Guid.NewGuid(), scheduled);

        Assert.Equal((course.Id, "Digital forensics", CourseFormat.Blended, "fr"), (scheduled.CourseId, scheduled.CourseTitle, scheduled.Format, scheduled.Language));
        Assert.Equal(SessionStatus.Scheduled, session.Status);
        Assert.Empty(session.Seats);
    }

    [Fact]
    public void A_scheduled_session_opens_for_enrolment_once()
    {
        var session = Given.Session(open: false);

        var opened = session.With(SessionRules.Open(session, Given.Today));

        Assert.Equal(SessionStatus.OpenForEnrolment, opened.Status);
        Assert.True(SessionRules.Open(opened, Given.Today).IsEmpty);
    }

    [Fact]
    public void A_session_does_not_open_after_its_enrolment_deadline()
    {
        var session = Given.Session(open: false);
        Assert.Equal("enrolment-deadline-passed", SessionRules.Open(session, session.EnrolmentDeadline.AddDays(1)).Error?.Code);
    }

    [Fact]
    public void A_session_is_full_when_every_seat_is_taken_and_open_again_when_one_is_freed()
    {
        var seated = Given.Expert();
        var full = Given.Session(capacity: 1).Enrolled(seated);
        Assert.Equal(SessionStatus.Full, full.Status);

        var reopened = Given.Apply(full, new SeatReleased(seated.EnrolmentId, "cancelled"));
        Assert.Equal(SessionStatus.OpenForEnrolment, reopened.Status);
    }

    [Fact]
    public void Delivery_lets_the_waitlist_go_and_keeps_the_seats()
    {
        var (seated, waiting) = (Given.Expert(), Given.External());
        var session = Given.Session(capacity: 1, start: Given.Today).Enrolled(seated, waiting);

        var change = SessionRules.Deliver(session, Given.Today);

        Assert.Equal([typeof(WaitlistLeft), typeof(SessionDelivered)], change.SessionEvents.Select(e => e.GetType()));
        var lapsed = Assert.Single(change.EnrolmentEvents);
        Assert.Equal(waiting.EnrolmentId, lapsed.EnrolmentId);
        Assert.Equal(CancellationCause.WaitlistLapsed, Assert.IsType<EnrolmentCancelled>(lapsed.Event).Cause);
        var delivered = session.With(change);
        Assert.Equal((SessionStatus.Delivered, 1, 0), (delivered.Status, delivered.Seats.Count, delivered.Waitlist.Count));
        Assert.True(SessionRules.Deliver(delivered, Given.Today).IsEmpty);
    }

    [Fact]
    public void A_session_is_not_delivered_before_it_starts_nor_before_it_opened()
    {
        var open = Given.Session(start: Given.Today.AddDays(1));
        var scheduled = Given.Session(open: false, start: Given.Today);

        Assert.Equal(("session-not-started", "open-for-enrolment"), Code(SessionRules.Deliver(open, Given.Today)));
        Assert.Equal(("invalid-transition", "scheduled"), Code(SessionRules.Deliver(scheduled, Given.Today)));
    }

    [Fact]
    public void Only_a_delivered_session_closes()
    {
        var session = Given.Session(start: Given.Today);
        var delivered = session.With(SessionRules.Deliver(session, Given.Today));
        var closed = delivered.With(SessionRules.Close(delivered));

        Assert.Equal(("invalid-transition", "open-for-enrolment"), Code(SessionRules.Close(session)));
        Assert.Equal(SessionStatus.Closed, closed.Status);
        Assert.True(SessionRules.Close(closed).IsEmpty);
        Assert.Equal(("invalid-transition", "closed"), Code(SessionRules.Deliver(closed, Given.Today)));
    }

    [Fact]
    public void Cancelling_a_session_cancels_every_enrolment_with_an_event_of_its_own()
    {
        var (seated, waiting) = (Given.Expert(), Given.External());
        var session = Given.Session(capacity: 1).Enrolled(seated, waiting);

        var change = SessionRules.Cancel(session, "Trainer unavailable");

        Assert.Equal("Trainer unavailable", Assert.IsType<SessionCancelled>(Assert.Single(change.SessionEvents)).Reason);
        Assert.Equal([seated.EnrolmentId, waiting.EnrolmentId], change.EnrolmentEvents.Select(e => e.EnrolmentId));
        Assert.All(change.EnrolmentEvents, e => Assert.Equal(CancellationCause.SessionCancelled, Assert.IsType<EnrolmentCancelled>(e.Event).Cause));
        var cancelled = session.With(change);
        Assert.Equal((SessionStatus.Cancelled, "Trainer unavailable", 0), (cancelled.Status, cancelled.CancellationReason, cancelled.Seats.Count));
        Assert.True(SessionRules.Cancel(cancelled, "again").IsEmpty);
    }

    [Fact]
    public void A_scheduled_session_can_be_cancelled_but_not_one_that_took_place()
    {
        var session = Given.Session(start: Given.Today);
        var delivered = session.With(SessionRules.Deliver(session, Given.Today));

        Assert.Null(SessionRules.Cancel(Given.Session(open: false), "no budget").Error);
        Assert.Equal(("invalid-transition", "delivered"), Code(SessionRules.Cancel(delivered, "too late")));
    }

    private static (string?, string?) Code(LedgerChange change) => (change.Error?.Code, change.Error?.State);
}
