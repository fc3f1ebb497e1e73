using System.Text.Json;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Testing;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.ExpertFacts;
using Integration = EuCyberNet.Contracts.Training.V1;

namespace EuCyberNet.Training.Tests.Service;

/// <summary>Completing a course reaches the rest of the network: TrainingCompleted arrives on the broker.</summary>
[Collection(TrainingServiceGroup.Name)]
public sealed class TrainingCompletedTests(TrainingFixture fixture)
{
    private readonly TrainingApi _api = new(fixture.Client(), fixture.Clock);

    [Fact]
    public async Task An_expert_completing_a_course_is_announced_with_course_roles_and_then_the_certificate_number()
    {
        var expertId = Guid.NewGuid();
        await fixture.PublishAsExpertsAsync(new ExpertJoinedPool(expertId, "PT", [EcsfRole.CyberIncidentResponder], [], DateTimeOffset.UtcNow));
        await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(expertId), f => f?.MayEnrol == true, what: "expert learned");
        var course = await _api.AddCourseAsync("Digital forensics for first responders", roles: ["digital-forensics-investigator", "cyber-incident-responder"]);
        var session = await _api.ScheduleAsync(course.Id, startsInDays: 9);
        var enrolment = await _api.EnrolledAsync(_api.EnrolExpertAsync(session.Id, expertId));
        fixture.Clock.Advance(TimeSpan.FromDays(9));
        await _api.PostAsync($"/training-sessions/{session.Id}/deliver");
        await _api.PostAsync($"/enrolments/{enrolment.Id}/attend");
        var completed = await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{enrolment.Id}/complete"));

        var announced = await fixture.ArrivedAsync<Integration.TrainingCompleted>(m => m.EnrolmentId == enrolment.Id, "TrainingCompleted");
        Assert.Equal((session.Id, course.Id, "Digital forensics for first responders", (Guid?)expertId, (string?)null, completed.Version),
            (announced.SessionId, announced.CourseId, announced.CourseTitle, announced.ExpertId, announced.CertificateNumber, announced.Version));
        Assert.Equal([EcsfRole.DigitalForensicsInvestigator, EcsfRole.CyberIncidentResponder], announced.RolesCovered);

        var certified = await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{enrolment.Id}/certify"));
        var withCertificate = await fixture.ArrivedAsync<Integration.TrainingCompleted>(
            m => m.EnrolmentId == enrolment.Id && m.CertificateNumber is not null, "TrainingCompleted with the certificate");
        Assert.Equal((certified.CertificateNumber, certified.Version, (Guid?)expertId),
            (withCertificate.CertificateNumber, withCertificate.Version, withCertificate.ExpertId));
        Assert.True(withCertificate.Version > announced.Version);
    }

    [Fact]
    public async Task An_external_participant_travels_without_an_expert_id_and_their_name_and_email_never_leave_the_service()
    {
        var course = await _api.AddCourseAsync("Cyber diplomacy essentials", roles: ["cyber-legal-policy-compliance-officer"]);
        var session = await _api.ScheduleAsync(course.Id, startsInDays: 9);
        var enrolment = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id, "Wanjiku Kamau", "wanjiku.kamau@mfa.go.ke"));
        fixture.Clock.Advance(TimeSpan.FromDays(9));
        await _api.PostAsync($"/training-sessions/{session.Id}/deliver");
        await _api.PostAsync($"/enrolments/{enrolment.Id}/attend");
        await _api.PostAsync($"/enrolments/{enrolment.Id}/complete");
        await _api.PostAsync($"/enrolments/{enrolment.Id}/certify");

        var announced = await fixture.ArrivedAsync<Integration.TrainingCompleted>(
            m => m.EnrolmentId == enrolment.Id && m.CertificateNumber is not null, "TrainingCompleted");
        Assert.Null(announced.ExpertId);
        await fixture.ArrivedAsync<Integration.EnrolmentConfirmed>(m => m.EnrolmentId == enrolment.Id, "EnrolmentConfirmed");

        var everything = JsonSerializer.Serialize(fixture.Published.Select(p => (object)p.Message).ToList());
        Assert.DoesNotContain("Wanjiku", everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("mfa.go.ke", everything, StringComparison.OrdinalIgnoreCase);
    }
}
