using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Testing;
using EuCyberNet.Training.Certificates;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.ExpertFacts;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Service;

[Collection(TrainingServiceGroup.Name)]
public sealed class EnrolmentApiTests(TrainingFixture fixture)
{
    private readonly TrainingApi _api = new(fixture.Client(), fixture.Clock);

    [Fact]
    public async Task Seats_are_confirmed_until_full_then_waitlisted_and_a_cancellation_promotes_the_first_waitlisted()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id, capacity: 2);

        var enrolments = new List<EnrolmentView>();
        for (var i = 0; i < 4; i++) enrolments.Add(await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id, $"Participant {i}")));

        Assert.Equal([EnrolmentStatus.Confirmed, EnrolmentStatus.Confirmed, EnrolmentStatus.Waitlisted, EnrolmentStatus.Waitlisted],
            enrolments.Select(e => e.Status));
        Assert.Equal([null, null, 1, 2], enrolments.Select(e => e.WaitlistPosition));
        Assert.Equal(SessionStatus.Full, (await _api.SessionAsync(session.Id)).Status);

        var cancelled = await TrainingApi.OkAsync<EnrolmentView>(
            await _api.PostAsync($"/enrolments/{enrolments[0].Id}/cancel", new { reason = "Deployed on a mission" }));

        Assert.Equal((EnrolmentStatus.Cancelled, "Deployed on a mission"), (cancelled.Status, cancelled.CancellationReason));
        var promoted = await _api.EnrolmentAsync(enrolments[2].Id);
        Assert.Equal((EnrolmentStatus.Confirmed, (int?)null), (promoted.Status, promoted.WaitlistPosition));
        Assert.Equal(1, (await _api.EnrolmentAsync(enrolments[3].Id)).WaitlistPosition);
        var now = await _api.SessionAsync(session.Id);
        Assert.Equal([enrolments[1].Id, enrolments[2].Id], now.Confirmed);
        Assert.Equal([enrolments[3].Id], now.Waitlist);
        Assert.Equal(["ParticipantNominated", "EnrolmentWaitlisted", "EnrolmentConfirmed"], (await _api.HistoryAsync($"/enrolments/{enrolments[2].Id}")).Select(h => h.Type));
        await fixture.ArrivedAsync<Contracts.Training.V1.EnrolmentConfirmed>(m => m.EnrolmentId == enrolments[2].Id, "promotion announced");
        Assert.Equal(("cancelled", "invalid-transition"),
            await TrainingApi.ConflictAsync(await _api.PostAsync($"/enrolments/{enrolments[0].Id}/attend")));
    }

    [Fact]
    public async Task A_bad_enrolment_lists_every_bad_field_and_writes_nothing()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id);

        var both = await _api.Http.PostAsJsonAsync($"/training-sessions/{session.Id}/enrolments",
            new { expertId = Guid.NewGuid(), participant = new { name = "A", email = "a@b.example", country = "KE" } });
        var badParticipant = await _api.Http.PostAsJsonAsync($"/training-sessions/{session.Id}/enrolments",
            new { participant = new { name = "", email = "nobody", country = "DE" } });
        var badExpert = await _api.Http.PostAsJsonAsync($"/training-sessions/{session.Id}/enrolments", new { expertId = "42" });

        Assert.Equal(["expertId"], await TrainingApi.BadFieldsAsync(both));
        Assert.Equal(["participant.country", "participant.email", "participant.name"], await TrainingApi.BadFieldsAsync(badParticipant));
        Assert.Equal(["expertId"], await TrainingApi.BadFieldsAsync(badExpert));
        Assert.Equal(0, (await _api.GetAsync<ServiceDefaults.Http.Page<EnrolmentView>>($"/training-sessions/{session.Id}/enrolments")).Total);
        Assert.Equal(2, (await _api.HistoryAsync($"/training-sessions/{session.Id}")).Count);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.EnrolExternalAsync(Guid.NewGuid())).StatusCode);
    }

    [Fact]
    public async Task An_expert_the_service_has_not_heard_of_cannot_enrol_and_one_who_joined_the_pool_can()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id);
        var expertId = Guid.NewGuid();

        Assert.Equal(("unknown", "expert-not-eligible"), await TrainingApi.ConflictAsync(await _api.EnrolExpertAsync(session.Id, expertId)));

        await fixture.PublishAsExpertsAsync(new ExpertJoinedPool(expertId, "SI", [], [], DateTimeOffset.UtcNow));
        await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(expertId), f => f?.MayEnrol == true, what: "the expert's status learned");
        var enrolment = await _api.EnrolledAsync(_api.EnrolExpertAsync(session.Id, expertId));

        Assert.Equal((expertId, EnrolmentStatus.Confirmed), (enrolment.ExpertId, enrolment.Status));
        Assert.Equal((null, "already-enrolled"), await TrainingApi.ConflictAsync(await _api.EnrolExpertAsync(session.Id, expertId)));
        var announced = await fixture.ArrivedAsync<Contracts.Training.V1.EnrolmentConfirmed>(m => m.EnrolmentId == enrolment.Id, "EnrolmentConfirmed");
        Assert.Equal((session.Id, (Guid?)expertId), (announced.SessionId, announced.ExpertId));
    }

    [Fact]
    public async Task Experts_need_the_prerequisite_course_completed_and_external_participants_do_not()
    {
        var basics = await _api.AddCourseAsync("Incident handling basics");
        var advanced = await _api.AddCourseAsync("Advanced incident handling", prerequisites: [new { courseId = basics.Id }]);
        var advancedSession = await _api.ScheduleAsync(advanced.Id, startsInDays: 60);
        var expertId = await JoinedExpertAsync();

        Assert.Equal((null, "prerequisite-missing"), await TrainingApi.ConflictAsync(await _api.EnrolExpertAsync(advancedSession.Id, expertId)));
        await _api.EnrolledAsync(_api.EnrolExternalAsync(advancedSession.Id));

        var basicsSession = await _api.ScheduleAsync(basics.Id, startsInDays: 10);
        var basicsEnrolment = await _api.EnrolledAsync(_api.EnrolExpertAsync(basicsSession.Id, expertId));
        fixture.Clock.Advance(TimeSpan.FromDays(10));
        await CompleteAsync(basicsSession.Id, basicsEnrolment.Id);

        var allowed = await _api.EnrolledAsync(_api.EnrolExpertAsync(advancedSession.Id, expertId));
        Assert.Equal(EnrolmentStatus.Confirmed, allowed.Status);
    }

    [Fact]
    public async Task A_retried_enrolment_with_the_same_idempotency_key_takes_one_seat()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id, capacity: 3);
        var client = fixture.Client();
        client.DefaultRequestHeaders.Add("Idempotency-Key", $"enrol-{Guid.NewGuid():N}");
        var retrying = new TrainingApi(client, fixture.Clock);

        var first = await retrying.EnrolledAsync(retrying.EnrolExternalAsync(session.Id, email: "same@ke.example"));
        var second = await retrying.EnrolledAsync(retrying.EnrolExternalAsync(session.Id, email: "same@ke.example"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, (await _api.SessionAsync(session.Id)).SeatsTaken);
    }

    [Fact]
    public async Task A_stale_if_match_on_a_cancellation_is_refused_and_nothing_is_written()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id);
        var enrolment = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id));

        var stale = await _api.PostAsync($"/enrolments/{enrolment.Id}/cancel", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(0, await fixture.EventsAsync("enrolment_cancelled", enrolment.Id));
        Assert.Equal(0, await fixture.EventsAsync("seat_released", session.Id));
        var cancelled = await _api.PostAsync($"/enrolments/{enrolment.Id}/cancel", ifMatch: $"\"{enrolment.Version}\"");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync($"/enrolments/{Guid.NewGuid()}/cancel")).StatusCode);
    }

    [Fact]
    public async Task Attendance_completion_and_a_certificate_anyone_can_verify_without_personal_data()
    {
        var course = await _api.AddCourseAsync("Secure configuration");
        var session = await _api.ScheduleAsync(course.Id, capacity: 3, startsInDays: 8);
        var attendee = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id, "Grace Wanjiru", "grace@ke-cirt.go.ke"));
        var absent = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id));

        Assert.Equal(("open-for-enrolment", "session-not-delivered"), await TrainingApi.ConflictAsync(await _api.PostAsync($"/enrolments/{attendee.Id}/attend")));
        fixture.Clock.Advance(TimeSpan.FromDays(8));
        await _api.PostAsync($"/training-sessions/{session.Id}/deliver");
        await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{absent.Id}/no-show"));
        Assert.Equal(("no-show", "invalid-transition"), await TrainingApi.ConflictAsync(await _api.PostAsync($"/enrolments/{absent.Id}/complete")));
        Assert.Equal(("confirmed", "invalid-transition"), await TrainingApi.ConflictAsync(await _api.PostAsync($"/enrolments/{attendee.Id}/certify")));
        var certified = await CompleteAsync(session.Id, attendee.Id, deliver: false);

        var verified = await _api.Http.GetAsync($"/certificates/{certified.CertificateNumber!.ToLowerInvariant()}");
        var body = await verified.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var certificate = JsonSerializer.Deserialize<CertificateView>(body, TrainingApi.Json)!;
        Assert.Equal((certified.CertificateNumber, true, course.Id, "Secure configuration", session.StartDate),
            (certificate.Number, certificate.Valid, certificate.CourseId, certificate.CourseTitle, certificate.SessionStartDate));
        Assert.DoesNotContain("Grace", body, StringComparison.Ordinal);
        Assert.DoesNotContain("grace@", body, StringComparison.Ordinal);
        Assert.DoesNotContain(attendee.Id.ToString(), body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Http.GetAsync("/certificates/EUCN-2027-ABCDE")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.GetAsync($"/certificates/{CertificateNumber.Draw(fixture.Clock.Today)}")).StatusCode);
        Assert.Equal(certified.Version, (await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{attendee.Id}/certify"))).Version);
    }

    [Fact]
    public async Task An_enrolment_keeps_its_history_and_reads_as_it_was_at_any_instant()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id, capacity: 1);
        var seated = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id));
        var waiting = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id));
        await _api.PostAsync($"/enrolments/{seated.Id}/cancel", new { reason = "Visa refused" });

        var history = await _api.HistoryAsync($"/enrolments/{waiting.Id}");
        Assert.Equal(["ParticipantNominated", "EnrolmentWaitlisted", "EnrolmentConfirmed"], history.Select(h => h.Type));
        Assert.All(history, h => Assert.Equal("tm.lena", h.User));
        Assert.All(history, h => Assert.False(string.IsNullOrEmpty(h.CorrelationId)));
        Assert.Equal([1L, 2L, 3L], history.Select(h => h.Version));
        Assert.Equal("Visa refused", (await _api.HistoryAsync($"/enrolments/{seated.Id}"))[^1].Reason);

        var whileWaiting = await _api.GetAsync<EnrolmentView>($"/enrolments/{waiting.Id}?asOf={Uri.EscapeDataString(history[1].OccurredAt.ToString("O"))}");
        var afterPromotion = await _api.GetAsync<EnrolmentView>($"/enrolments/{waiting.Id}?asOf={Uri.EscapeDataString(history[2].OccurredAt.ToString("O"))}");
        Assert.Equal((EnrolmentStatus.Waitlisted, (int?)1), (whileWaiting.Status, whileWaiting.WaitlistPosition));
        Assert.Equal((EnrolmentStatus.Confirmed, (int?)null), (afterPromotion.Status, afterPromotion.WaitlistPosition));
        Assert.Equal(HttpStatusCode.NotFound,
            (await _api.Http.GetAsync($"/enrolments/{waiting.Id}?asOf={Uri.EscapeDataString(history[0].OccurredAt.AddSeconds(-1).ToString("O"))}")).StatusCode);
    }

    private async Task<Guid> JoinedExpertAsync()
    {
        var expertId = Guid.NewGuid();
        await fixture.PublishAsExpertsAsync(new ExpertJoinedPool(expertId, "EE", [], [], DateTimeOffset.UtcNow));
        await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(expertId), f => f?.MayEnrol == true, what: "the expert's status learned");
        return expertId;
    }

    private async Task<EnrolmentView> CompleteAsync(Guid sessionId, Guid enrolmentId, bool deliver = true)
    {
        if (deliver) await TrainingApi.OkAsync<SessionView>(await _api.PostAsync($"/training-sessions/{sessionId}/deliver"));
        await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{enrolmentId}/attend"));
        await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{enrolmentId}/complete"));
        return await TrainingApi.OkAsync<EnrolmentView>(await _api.PostAsync($"/enrolments/{enrolmentId}/certify"));
    }
}
