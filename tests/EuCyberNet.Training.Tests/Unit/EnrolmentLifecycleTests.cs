using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Unit;

/// <summary>confirmed → attended | no-show → completed → certificate issued.</summary>
public sealed class EnrolmentLifecycleTests
{
    [Fact]
    public void A_confirmed_participant_attends_a_delivered_session_completes_it_and_gets_a_certificate()
    {
        var enrolment = Given.Enrolment(EnrolmentStatus.Confirmed);

        var attended = Then(enrolment, EnrolmentRules.Attend(enrolment, SessionStatus.Delivered));
        var completed = Then(attended, EnrolmentRules.Complete(attended, Given.Today));
        var certified = Then(completed, EnrolmentRules.Certify(completed, "EUCN-2027-7KQ4M-9XD2B-R", Given.Today));

        Assert.Equal(EnrolmentStatus.Attended, attended.Status);
        Assert.Equal((EnrolmentStatus.Completed, Given.Today), (completed.Status, completed.CompletedOn));
        Assert.Equal((EnrolmentStatus.CertificateIssued, "EUCN-2027-7KQ4M-9XD2B-R", Given.Today),
            (certified.Status, certified.CertificateNumber, certified.CertificateIssuedOn));
        Assert.Equal(5, certified.Version);
    }

    [Theory]
    [InlineData(SessionStatus.OpenForEnrolment, "open-for-enrolment")]
    [InlineData(SessionStatus.Full, "full")]
    [InlineData(SessionStatus.Closed, "closed")]
    public void Attendance_is_recorded_only_once_the_session_was_delivered(SessionStatus session, string state)
    {
        var enrolment = Given.Enrolment(EnrolmentStatus.Confirmed);

        Assert.Equal(("session-not-delivered", state), Code(EnrolmentRules.Attend(enrolment, session)));
        Assert.Equal(("session-not-delivered", state), Code(EnrolmentRules.NoShow(enrolment, session)));
    }

    [Theory]
    [InlineData(EnrolmentStatus.Waitlisted, "waitlisted")]
    [InlineData(EnrolmentStatus.Cancelled, "cancelled")]
    [InlineData(EnrolmentStatus.Completed, "completed")]
    [InlineData(EnrolmentStatus.CertificateIssued, "certificate-issued")]
    public void Only_a_confirmed_participant_attends_or_misses_the_session(EnrolmentStatus status, string state)
    {
        var enrolment = Given.Enrolment(status);

        Assert.Equal(("invalid-transition", state), Code(EnrolmentRules.Attend(enrolment, SessionStatus.Delivered)));
        Assert.Equal(("invalid-transition", state), Code(EnrolmentRules.NoShow(enrolment, SessionStatus.Delivered)));
    }

    [Fact]
    public void A_no_show_can_be_corrected_to_attended_and_back_until_completion()
    {
        var noShow = Then(Given.Enrolment(EnrolmentStatus.Confirmed), EnrolmentRules.NoShow(Given.Enrolment(EnrolmentStatus.Confirmed), SessionStatus.Delivered));
        var attended = Then(noShow, EnrolmentRules.Attend(noShow, SessionStatus.Delivered));
        var backToNoShow = Then(attended, EnrolmentRules.NoShow(attended, SessionStatus.Delivered));

        Assert.Equal((EnrolmentStatus.NoShow, EnrolmentStatus.Attended, EnrolmentStatus.NoShow), (noShow.Status, attended.Status, backToNoShow.Status));
        Assert.Empty(EnrolmentRules.Attend(attended, SessionStatus.Delivered).Events);
        Assert.Empty(EnrolmentRules.NoShow(backToNoShow, SessionStatus.Delivered).Events);
    }

    [Theory]
    [InlineData(EnrolmentStatus.Confirmed, "confirmed")]
    [InlineData(EnrolmentStatus.NoShow, "no-show")]
    [InlineData(EnrolmentStatus.Waitlisted, "waitlisted")]
    [InlineData(EnrolmentStatus.Cancelled, "cancelled")]
    public void Only_a_participant_who_attended_completes(EnrolmentStatus status, string state)
    {
        Assert.Equal(("invalid-transition", state), Code(EnrolmentRules.Complete(Given.Enrolment(status), Given.Today)));
    }

    [Theory]
    [InlineData(EnrolmentStatus.Attended, "attended")]
    [InlineData(EnrolmentStatus.Confirmed, "confirmed")]
    [InlineData(EnrolmentStatus.NoShow, "no-show")]
    public void Only_a_completed_enrolment_is_certified(EnrolmentStatus status, string state)
    {
        Assert.Equal(("invalid-transition", state), Code(EnrolmentRules.Certify(Given.Enrolment(status), "EUCN-2027-7KQ4M-9XD2B-R", Given.Today)));
    }

    [Fact]
    public void Completing_or_certifying_again_changes_nothing()
    {
        Assert.Empty(EnrolmentRules.Complete(Given.Enrolment(EnrolmentStatus.Completed), Given.Today).Events);
        Assert.Empty(EnrolmentRules.Complete(Given.Enrolment(EnrolmentStatus.CertificateIssued), Given.Today).Events);
        Assert.Empty(EnrolmentRules.Certify(Given.Enrolment(EnrolmentStatus.CertificateIssued), "EUCN-2027-7KQ4M-9XD2B-R", Given.Today).Events);
    }

    [Fact]
    public void A_cancellation_records_its_reason()
    {
        var cancelled = Given.Enrolment(EnrolmentStatus.Cancelled);
        Assert.Equal((EnrolmentStatus.Cancelled, "r"), (cancelled.Status, cancelled.CancellationReason));
    }

    private static Enrolment Then(Enrolment state, Decision decision)
    {
        Assert.Null(decision.Error);
        return decision.Events.Aggregate(state, Given.Apply);
    }

    private static (string?, string?) Code(Decision decision) => (decision.Error?.Code, decision.Error?.State);
}
