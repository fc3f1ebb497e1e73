using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Unit;

/// <summary>Enrolling, waitlisting, cancelling and promoting: the seat ledger's rules, without a database.</summary>
public sealed class SeatLedgerTests
{
    [Fact]
    public void An_enrolment_is_nominated_and_confirmed_while_a_seat_is_free()
    {
        var session = Given.Session(capacity: 2);
        var ana = Given.Expert();

        var change = EnrolmentRules.Enrol(session, ana, Given.Facts());

        Assert.Null(change.Error);
        var seat = Assert.IsType<SeatAllocated>(Assert.Single(change.SessionEvents));
        Assert.Equal((ana.EnrolmentId, ana.ExpertId), (seat.EnrolmentId, seat.ExpertId));
        Assert.Equal([typeof(ParticipantNominated), typeof(EnrolmentConfirmed)], change.EnrolmentEvents.Select(e => e.Event.GetType()));
        Assert.Equal(EnrolmentStatus.Confirmed, Given.EnrolmentOf(ana, change).Status);
        Assert.Equal(SessionStatus.OpenForEnrolment, session.With(change).Status);
    }

    [Fact]
    public void When_the_seats_are_taken_enrolments_join_the_waitlist_in_the_order_they_come()
    {
        var first = Given.External("a@ke.example");
        var second = Given.External("b@ke.example");
        var session = Given.Session(capacity: 1).Enrolled(Given.Expert());
        Assert.Equal(SessionStatus.Full, session.Status);

        var one = EnrolmentRules.Enrol(session, first, Given.Facts());
        var two = EnrolmentRules.Enrol(session.With(one), second, Given.Facts());

        Assert.IsType<WaitlistJoined>(Assert.Single(one.SessionEvents));
        Assert.Equal(1, Assert.IsType<EnrolmentWaitlisted>(one.EnrolmentEvents[1].Event).Position);
        Assert.Equal(2, Assert.IsType<EnrolmentWaitlisted>(two.EnrolmentEvents[1].Event).Position);
        Assert.Equal([first.EnrolmentId, second.EnrolmentId], session.With(one).With(two).Waitlist.Select(p => p.EnrolmentId));
        Assert.Equal(EnrolmentStatus.Waitlisted, Given.EnrolmentOf(second, two).Status);
    }

    [Fact]
    public void Fifty_enrolments_into_twenty_seats_give_twenty_seats_and_thirty_waiting_in_order()
    {
        var nominations = Enumerable.Range(0, 50).Select(_ => Given.Expert()).ToArray();

        var session = Given.Session(capacity: 20).Enrolled(nominations);

        Assert.Equal(nominations.Take(20).Select(n => n.EnrolmentId), session.Seats.Select(p => p.EnrolmentId));
        Assert.Equal(nominations.Skip(20).Select(n => n.EnrolmentId), session.Waitlist.Select(p => p.EnrolmentId));
        Assert.Equal(SessionStatus.Full, session.Status);
    }

    [Fact]
    public void A_free_seat_is_not_taken_past_people_already_waiting()
    {
        var waiting = Given.External("w@ke.example");
        var session = Given.Session(capacity: 1).Enrolled(Given.Expert(), waiting);
        var capacityRaised = session with { Capacity = 2, Status = SessionStatus.OpenForEnrolment };

        var change = EnrolmentRules.Enrol(capacityRaised, Given.Expert(), Given.Facts());

        Assert.IsType<WaitlistJoined>(Assert.Single(change.SessionEvents));
    }

    [Fact]
    public void Nobody_enrols_before_the_session_opens()
    {
        var change = EnrolmentRules.Enrol(Given.Session(open: false), Given.Expert(), Given.Facts());
        Assert.Equal(("invalid-transition", "scheduled"), (change.Error?.Code, change.Error?.State));
    }

    [Fact]
    public void Nobody_enrols_into_a_delivered_or_cancelled_session()
    {
        var starting = Given.Session(start: Given.Today);
        var delivered = starting.With(SessionRules.Deliver(starting, Given.Today));
        var open = Given.Session();
        var cancelled = open.With(SessionRules.Cancel(open, "no trainer"));

        Assert.Equal("delivered", EnrolmentRules.Enrol(delivered, Given.Expert(), Given.Facts(today: Given.Today.AddDays(-10))).Error?.State);
        Assert.Equal("cancelled", EnrolmentRules.Enrol(cancelled, Given.Expert(), Given.Facts()).Error?.State);
    }

    [Fact]
    public void Nobody_enrols_after_the_enrolment_deadline()
    {
        var session = Given.Session();

        var onTheDay = EnrolmentRules.Enrol(session, Given.Expert(), Given.Facts(today: session.EnrolmentDeadline));
        var dayAfter = EnrolmentRules.Enrol(session, Given.Expert(), Given.Facts(today: session.EnrolmentDeadline.AddDays(1)));

        Assert.Null(onTheDay.Error);
        Assert.Equal("enrolment-deadline-passed", dayAfter.Error?.Code);
    }

    [Theory]
    [InlineData("suspended")]
    [InlineData("withdrawn")]
    [InlineData("erased")]
    [InlineData("profile-submitted")]
    [InlineData(null)]
    public void Only_accepted_experts_who_are_not_suspended_may_enrol(string? status)
    {
        var change = EnrolmentRules.Enrol(Given.Session(), Given.Expert(), Given.Facts(expertStatus: status));

        Assert.Equal("expert-not-eligible", change.Error?.Code);
        Assert.Equal(status ?? "unknown", change.Error?.State);
        Assert.Empty(change.SessionEvents);
    }

    [Fact]
    public void An_external_participant_needs_no_expert_status_nor_prerequisites()
    {
        var change = EnrolmentRules.Enrol(Given.Session(), Given.External(), Given.Facts(expertStatus: null, required: [Guid.NewGuid()]));
        Assert.Null(change.Error);
    }

    [Fact]
    public void An_expert_must_have_completed_every_prerequisite_course()
    {
        var (basics, forensics) = (Guid.NewGuid(), Guid.NewGuid());

        var missingOne = EnrolmentRules.Enrol(Given.Session(), Given.Expert(), Given.Facts(required: [basics, forensics], completed: [basics]));
        var completedAll = EnrolmentRules.Enrol(Given.Session(), Given.Expert(), Given.Facts(required: [basics, forensics], completed: [forensics, basics]));

        Assert.Equal("prerequisite-missing", missingOne.Error?.Code);
        Assert.Contains(forensics.ToString(), missingOne.Error!.Message, StringComparison.Ordinal);
        Assert.Null(completedAll.Error);
    }

    [Fact]
    public void The_same_person_cannot_hold_two_places_in_one_session()
    {
        var expertId = Guid.NewGuid();
        var session = Given.Session(capacity: 1).Enrolled(Given.Expert(expertId), Given.External("amina@ke-cirt.go.ke"));

        Assert.Equal("already-enrolled", EnrolmentRules.Enrol(session, Given.Expert(expertId), Given.Facts()).Error?.Code);
        Assert.Equal("already-enrolled", EnrolmentRules.Enrol(session, Given.External(" Amina@KE-CIRT.go.ke"), Given.Facts()).Error?.Code);
    }

    [Fact]
    public void Repeating_an_enrolment_with_the_same_id_changes_nothing()
    {
        var ana = Given.Expert();
        var session = Given.Session().Enrolled(ana);

        Assert.True(EnrolmentRules.Enrol(session, ana, Given.Facts()).IsEmpty);
    }

    [Fact]
    public void Cancelling_a_confirmed_enrolment_frees_its_seat_for_the_first_waitlisted()
    {
        var (seated, first, second) = (Given.Expert(), Given.External("first@ke.example"), Given.External("second@ke.example"));
        var session = Given.Session(capacity: 1).Enrolled(seated, first, second);
        var enrolment = Given.Enrolment(EnrolmentStatus.Confirmed, session.Id) with { Id = seated.EnrolmentId };

        var change = EnrolmentRules.Cancel(session, enrolment, "Illness");

        Assert.Equal([typeof(SeatReleased), typeof(WaitlistPromoted)], change.SessionEvents.Select(e => e.GetType()));
        Assert.Equal(first.EnrolmentId, Assert.IsType<WaitlistPromoted>(change.SessionEvents[1]).EnrolmentId);
        Assert.Equal(
            [(seated.EnrolmentId, typeof(EnrolmentCancelled)), (first.EnrolmentId, typeof(EnrolmentConfirmed))],
            change.EnrolmentEvents.Select(e => (e.EnrolmentId, e.Event.GetType())));
        Assert.True(Assert.IsType<EnrolmentConfirmed>(change.EnrolmentEvents[1].Event).FromWaitlist);
        var after = session.With(change);
        Assert.Equal([first.EnrolmentId], after.Seats.Select(p => p.EnrolmentId));
        Assert.Equal([second.EnrolmentId], after.Waitlist.Select(p => p.EnrolmentId));
        Assert.Equal(SessionStatus.Full, after.Status);
    }

    [Fact]
    public void Cancelling_a_confirmed_enrolment_with_nobody_waiting_reopens_the_session()
    {
        var seated = Given.Expert();
        var session = Given.Session(capacity: 1).Enrolled(seated);
        var enrolment = Given.Enrolment(EnrolmentStatus.Confirmed, session.Id) with { Id = seated.EnrolmentId };

        var after = session.With(EnrolmentRules.Cancel(session, enrolment, "Illness"));

        Assert.Empty(after.Seats);
        Assert.Equal(SessionStatus.OpenForEnrolment, after.Status);
    }

    [Fact]
    public void Cancelling_a_waitlisted_enrolment_only_leaves_the_waitlist()
    {
        var (seated, waiting) = (Given.Expert(), Given.External());
        var session = Given.Session(capacity: 1).Enrolled(seated, waiting);
        var enrolment = Given.Enrolment(EnrolmentStatus.Waitlisted, session.Id) with { Id = waiting.EnrolmentId };

        var change = EnrolmentRules.Cancel(session, enrolment, "Found another course");

        Assert.IsType<WaitlistLeft>(Assert.Single(change.SessionEvents));
        Assert.Equal(waiting.EnrolmentId, Assert.Single(change.EnrolmentEvents).EnrolmentId);
        Assert.Equal([seated.EnrolmentId], session.With(change).Seats.Select(p => p.EnrolmentId));
    }

    [Theory]
    [InlineData(EnrolmentStatus.Attended, "attended")]
    [InlineData(EnrolmentStatus.NoShow, "no-show")]
    [InlineData(EnrolmentStatus.Completed, "completed")]
    [InlineData(EnrolmentStatus.CertificateIssued, "certificate-issued")]
    public void Only_confirmed_or_waitlisted_enrolments_can_be_cancelled(EnrolmentStatus status, string state)
    {
        var change = EnrolmentRules.Cancel(Given.Session(), Given.Enrolment(status), "too late");
        Assert.Equal(("invalid-transition", state), (change.Error?.Code, change.Error?.State));
    }

    [Fact]
    public void Cancelling_twice_changes_nothing_the_second_time()
    {
        Assert.True(EnrolmentRules.Cancel(Given.Session(), Given.Enrolment(EnrolmentStatus.Cancelled), "again").IsEmpty);
    }

    [Fact]
    public void An_enrolment_cannot_be_cancelled_once_the_session_was_delivered()
    {
        var seated = Given.Expert();
        var session = Given.Session(start: Given.Today).Enrolled(seated);
        var delivered = session.With(SessionRules.Deliver(session, Given.Today));

        var change = EnrolmentRules.Cancel(delivered, Given.Enrolment(EnrolmentStatus.Confirmed) with { Id = seated.EnrolmentId }, "late");

        Assert.Equal(("invalid-transition", "delivered"), (change.Error?.Code, change.Error?.State));
    }

    [Fact]
    public void A_suspended_expert_gives_up_seats_in_future_sessions_and_the_waitlist_moves_up()
    {
        var expertId = Guid.NewGuid();
        var (suspended, waiting) = (Given.Expert(expertId), Given.External());
        var session = Given.Session(capacity: 1).Enrolled(suspended, waiting);

        var change = EnrolmentRules.ReleaseExpert(session, expertId, "suspended", Given.Today);

        Assert.Equal([typeof(SeatReleased), typeof(WaitlistPromoted)], change.SessionEvents.Select(e => e.GetType()));
        var cancelled = Assert.IsType<EnrolmentCancelled>(change.EnrolmentEvents[0].Event);
        Assert.Equal(CancellationCause.ExpertNoLongerEligible, cancelled.Cause);
        Assert.Contains("suspended", cancelled.Reason, StringComparison.Ordinal);
        Assert.Equal([waiting.EnrolmentId], session.With(change).Seats.Select(p => p.EnrolmentId));
    }

    [Fact]
    public void A_departed_expert_leaves_the_waitlist_too_without_promoting_anyone_into_their_own_seat()
    {
        var expertId = Guid.NewGuid();
        var waitingExpert = Given.Expert(expertId);
        var session = Given.Session(capacity: 1).Enrolled(Given.External(), waitingExpert);

        var change = EnrolmentRules.ReleaseExpert(session, expertId, "withdrawn", Given.Today);

        Assert.IsType<WaitlistLeft>(Assert.Single(change.SessionEvents));
        Assert.Empty(session.With(change).Waitlist);
    }

    [Fact]
    public void Sessions_that_have_started_keep_the_expert_and_others_are_untouched()
    {
        var expertId = Guid.NewGuid();
        var started = Given.Session(start: Given.Today).Enrolled(Given.Expert(expertId));
        var without = Given.Session().Enrolled(Given.Expert());

        Assert.True(EnrolmentRules.ReleaseExpert(started, expertId, "suspended", Given.Today).IsEmpty);
        Assert.True(EnrolmentRules.ReleaseExpert(without, expertId, "suspended", Given.Today).IsEmpty);
    }

    [Fact]
    public void An_enrolment_request_names_exactly_one_participant()
    {
        var (neither, neitherValidation) = EnrolmentRules.Validate(new EnrolmentRequest(null, null), Guid.NewGuid());
        var (both, bothValidation) = EnrolmentRules.Validate(
            new EnrolmentRequest(Guid.NewGuid().ToString(), new ParticipantRequest("A", "a@b.example", "KE")), Guid.NewGuid());

        Assert.Null(neither);
        Assert.Null(both);
        Assert.Equal(["expertId"], neitherValidation.Errors.Keys);
        Assert.Equal(["expertId"], bothValidation.Errors.Keys);
    }

    [Fact]
    public void Every_bad_field_of_an_external_participant_is_reported()
    {
        var (nomination, v) = EnrolmentRules.Validate(new EnrolmentRequest(null, new ParticipantRequest("", "not-an-email", "FR")), Guid.NewGuid());

        Assert.Null(nomination);
        Assert.Equal(["participant.country", "participant.email", "participant.name"], v.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("EU Member State", v.Errors["participant.country"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_ledger_knows_an_external_participant_by_a_key_that_does_not_contain_the_address()
    {
        var key = EnrolmentRules.EmailKey("Amina@KE-CIRT.go.ke ");

        Assert.Equal(EnrolmentRules.EmailKey("amina@ke-cirt.go.ke"), key);
        Assert.DoesNotContain("amina", key, StringComparison.OrdinalIgnoreCase);
    }
}
