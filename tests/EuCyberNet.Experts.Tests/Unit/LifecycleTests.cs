using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;

namespace EuCyberNet.Experts.Tests.Unit;

/// <summary>Every transition of the expert lifecycle, and every state where a decision is refused.</summary>
public sealed class LifecycleTests
{
    public static TheoryData<ExpertStatus> AllStatuses() => [.. Enum.GetValues<ExpertStatus>()];

    [Fact]
    public void An_application_starts_the_record_applied_with_its_acknowledgement_due_in_5_working_days()
    {
        var expert = Given.Events(Given.Application());

        Assert.Equal(ExpertStatus.Applied, expert.Status);
        Assert.Equal("Ana Novak", expert.Name);
        Assert.Equal(Given.Start, expert.AppliedAt);
        Assert.Equal(Given.Start.AddDays(7), expert.AcknowledgementDue); // Wednesday → next Wednesday
        Assert.False(expert.IsOverdue(Given.Start.AddDays(7)));
        Assert.True(expert.IsOverdue(Given.Start.AddDays(7).AddMinutes(1)));
    }

    [Fact]
    public void Acknowledging_an_application_moves_it_to_acknowledged()
    {
        var acknowledged = Lifecycle.Acknowledge(Given.Expert(ExpertStatus.Applied)).Emits<ExpertAcknowledged>();

        Assert.Equal(new ExpertAcknowledged(ExpertStatus.Applied, "SI"), acknowledged);
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Applied), acknowledged]);
        Assert.Equal(ExpertStatus.Acknowledged, expert.Status);
        Assert.False(expert.IsOverdue(Given.Start.AddYears(1)));
    }

    [Fact]
    public void Acknowledging_twice_is_an_idempotent_repeat() => Lifecycle.Acknowledge(Given.Expert(ExpertStatus.Acknowledged)).IsNothing();

    [Theory]
    [InlineData(ExpertStatus.ProfileSubmitted, "profile-submitted")]
    [InlineData(ExpertStatus.Accepted, "accepted")]
    [InlineData(ExpertStatus.Rejected, "rejected")]
    [InlineData(ExpertStatus.Suspended, "suspended")]
    [InlineData(ExpertStatus.Withdrawn, "withdrawn")]
    [InlineData(ExpertStatus.Erased, "erased")]
    public void Acknowledging_is_refused_once_past_the_application(ExpertStatus status, string state) =>
        Lifecycle.Acknowledge(Given.Expert(status)).IsConflict(state);

    [Fact]
    public void Accepting_a_submitted_profile_with_consent_records_the_competences_it_was_accepted_with()
    {
        var accepted = Lifecycle.Accept(Given.Expert(ExpertStatus.ProfileSubmitted), "Strong record").Emits<ExpertAccepted>();

        Assert.Equal(ExpertStatus.ProfileSubmitted, accepted.From);
        Assert.Equal("SI", accepted.Citizenship);
        Assert.Equal("Strong record", accepted.Reason);
        Assert.Equal([EcsfRole.CyberIncidentResponder], accepted.Roles);
        Assert.Equal(Given.Profile().Languages, accepted.Languages);
        Assert.Equal(Given.Profile().Skills, accepted.Skills);
        Assert.Equal(8, accepted.YearsOfExperience);
        Assert.Equal([Given.March], accepted.Availability);
        Assert.Equal(ExpertStatus.Accepted, Given.Events([.. Given.RoadTo(ExpertStatus.ProfileSubmitted), accepted]).Status);
    }

    [Fact]
    public void Accepting_needs_consent_to_data_processing()
    {
        var withoutConsent = Given.Events([.. Given.RoadTo(ExpertStatus.ProfileSubmitted).Where(e => e is not ExpertConsentGiven)]);
        Lifecycle.Accept(withoutConsent, null).IsConflict("profile-submitted", "consent-required");

        var consentWithdrawn = Given.Events([.. Given.RoadTo(ExpertStatus.ProfileSubmitted), new ExpertConsentWithdrawn(ConsentPurpose.DataProcessing)]);
        Lifecycle.Accept(consentWithdrawn, null).IsConflict("profile-submitted", "consent-required");
    }

    [Fact]
    public void Accepting_twice_is_an_idempotent_repeat() => Lifecycle.Accept(Given.Expert(ExpertStatus.Accepted), null).IsNothing();

    [Theory]
    [InlineData(ExpertStatus.Applied, "applied")]
    [InlineData(ExpertStatus.Acknowledged, "acknowledged")]
    [InlineData(ExpertStatus.Rejected, "rejected")]
    [InlineData(ExpertStatus.Suspended, "suspended")]
    [InlineData(ExpertStatus.Withdrawn, "withdrawn")]
    [InlineData(ExpertStatus.Erased, "erased")]
    public void Accepting_is_refused_outside_profile_submitted(ExpertStatus status, string state) =>
        Lifecycle.Accept(Given.Expert(status), null).IsConflict(state);

    [Theory]
    [InlineData(ExpertStatus.Acknowledged)]
    [InlineData(ExpertStatus.ProfileSubmitted)]
    public void Rejecting_under_review_records_the_reason(ExpertStatus status)
    {
        var rejected = Lifecycle.Reject(Given.Expert(status), "Not enough field experience").Emits<ExpertRejected>();

        Assert.Equal(new ExpertRejected(status, "SI", "Not enough field experience"), rejected);
        Assert.Equal(ExpertStatus.Rejected, Given.Events([.. Given.RoadTo(status), rejected]).Status);
    }

    [Fact]
    public void Rejecting_twice_is_an_idempotent_repeat() => Lifecycle.Reject(Given.Expert(ExpertStatus.Rejected), "again").IsNothing();

    [Theory]
    [InlineData(ExpertStatus.Applied, "applied")]
    [InlineData(ExpertStatus.Accepted, "accepted")]
    [InlineData(ExpertStatus.Suspended, "suspended")]
    [InlineData(ExpertStatus.Withdrawn, "withdrawn")]
    [InlineData(ExpertStatus.Erased, "erased")]
    public void Rejecting_is_refused_before_acknowledgement_and_after_a_decision(ExpertStatus status, string state) =>
        Lifecycle.Reject(Given.Expert(status), "why").IsConflict(state);

    [Fact]
    public void Suspending_an_accepted_expert_and_reinstating_them_goes_back_and_forth()
    {
        var suspended = Lifecycle.Suspend(Given.Expert(ExpertStatus.Accepted), "Clearance lapsed").Emits<ExpertSuspended>();
        Assert.Equal(new ExpertSuspended(ExpertStatus.Accepted, "SI", "Clearance lapsed"), suspended);
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), suspended]);
        Assert.Equal(ExpertStatus.Suspended, expert.Status);
        Assert.True(expert.InPool);

        var reinstated = Lifecycle.Reinstate(expert, "Clearance renewed").Emits<ExpertReinstated>();
        Assert.Equal(new ExpertReinstated(ExpertStatus.Suspended, "SI", "Clearance renewed"), reinstated);
        Assert.Equal(ExpertStatus.Accepted, Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), suspended, reinstated]).Status);
    }

    [Fact]
    public void Suspending_a_suspended_expert_and_reinstating_an_accepted_one_are_repeats()
    {
        Lifecycle.Suspend(Given.Expert(ExpertStatus.Suspended), "again").IsNothing();
        Lifecycle.Reinstate(Given.Expert(ExpertStatus.Accepted), null).IsNothing();
    }

    [Theory]
    [InlineData(ExpertStatus.Applied, "applied")]
    [InlineData(ExpertStatus.Acknowledged, "acknowledged")]
    [InlineData(ExpertStatus.ProfileSubmitted, "profile-submitted")]
    [InlineData(ExpertStatus.Rejected, "rejected")]
    [InlineData(ExpertStatus.Withdrawn, "withdrawn")]
    [InlineData(ExpertStatus.Erased, "erased")]
    public void Suspending_and_reinstating_are_refused_outside_the_pool(ExpertStatus status, string state)
    {
        Lifecycle.Suspend(Given.Expert(status), "why").IsConflict(state);
        Lifecycle.Reinstate(Given.Expert(status), null).IsConflict(state);
    }

    [Theory]
    [InlineData(ExpertStatus.Applied, true)]
    [InlineData(ExpertStatus.Acknowledged, false)]
    [InlineData(ExpertStatus.ProfileSubmitted, true)]
    [InlineData(ExpertStatus.Accepted, false)]
    [InlineData(ExpertStatus.Suspended, true)]
    public void Withdrawing_is_possible_from_every_open_state(ExpertStatus status, bool byExpert)
    {
        var withdrawn = Lifecycle.Withdraw(Given.Expert(status), byExpert ? null : "Left the national CERT", byExpert).Emits<ExpertWithdrawn>();

        Assert.Equal(new ExpertWithdrawn(status, "SI", byExpert ? null : "Left the national CERT", byExpert), withdrawn);
        Assert.Equal(ExpertStatus.Withdrawn, Given.Events([.. Given.RoadTo(status), withdrawn]).Status);
    }

    [Fact]
    public void Withdrawing_twice_is_a_repeat() => Lifecycle.Withdraw(Given.Expert(ExpertStatus.Withdrawn), null, true).IsNothing();

    [Theory]
    [InlineData(ExpertStatus.Rejected, "rejected")]
    [InlineData(ExpertStatus.Erased, "erased")]
    public void Withdrawing_is_refused_once_rejected_or_erased(ExpertStatus status, string state) =>
        Lifecycle.Withdraw(Given.Expert(status), null, true).IsConflict(state);

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Erasure_is_possible_from_every_state_once(ExpertStatus status)
    {
        var decision = Lifecycle.Erase(Given.Expert(status), byExpert: true);
        if (status == ExpertStatus.Erased)
        {
            decision.IsNothing();
            return;
        }
        Assert.Equal(new ExpertErased(status, "SI", true), decision.Emits<ExpertErased>());
    }

    [Fact]
    public void An_erased_record_keeps_decisions_and_competences_but_no_personal_field()
    {
        var training = new TrainingRecord(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "CTI basics", [EcsfRole.CyberThreatIntelligenceSpecialist], "CERT-123", Given.Start);
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), new ExpertTrainingCompleted(training), new ExpertErased(ExpertStatus.Accepted, "SI", true)]);

        Assert.Equal(ExpertStatus.Erased, expert.Status);
        Assert.Equal(("", "", "", ""), (expert.Name, expert.Email, expert.Organisation, expert.Motivation));
        Assert.Equal("", expert.Profile!.Organisation);
        Assert.Null(expert.Profile.Bio);
        Assert.Null(Assert.Single(expert.Trainings).CertificateNumber);
        Assert.Equal("SI", expert.Citizenship);
        Assert.Equal([EcsfRole.CyberIncidentResponder], expert.Profile.Roles);
        Assert.Equal("CTI basics", expert.Trainings[0].CourseTitle);
        Assert.False(expert.InPool);
    }

    [Fact]
    public void Every_decision_event_has_an_Apply_the_aggregate_folds()
    {
        var decisions = typeof(Expert).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Expert).Namespace && t.Name.StartsWith("Expert", StringComparison.Ordinal) && t.IsSealed
                        && t != typeof(Expert) && t != typeof(ExpertView) && t != typeof(ExpertStatus) && t != typeof(ExpertProfile)
                        && t != typeof(ExpertCommands));
        foreach (var type in decisions)
        {
            var ok = typeof(Expert).GetMethods().Any(m => m is { Name: "Apply" or "Create", IsStatic: true, IsPublic: true }
                && (m.GetParameters()[0].ParameterType == type || m.GetParameters()[0].ParameterType == typeof(JasperFx.Events.IEvent<>).MakeGenericType(type)));
            Assert.True(ok, $"{type.Name} has no public static Apply on Expert");
        }
    }
}
