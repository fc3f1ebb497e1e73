using System.Net;
using System.Net.Http.Json;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.TrainingRequests;
using Integration = EuCyberNet.Contracts.Training.V1;

namespace EuCyberNet.Training.Tests.Service;

[Collection(TrainingServiceGroup.Name)]
public sealed class TrainingRequestApiTests(TrainingFixture fixture)
{
    private readonly TrainingApi _manager = new(fixture.Client("training-manager", "tm.lena"), fixture.Clock);
    private readonly TrainingApi _partner = new(fixture.Client("partner", "eu-delegation-kenya"), fixture.Clock);

    [Fact]
    public async Task A_request_goes_from_submitted_to_closed_with_a_full_audit_trail_and_reads_as_it_was_at_each_step()
    {
        var course = await _manager.AddCourseAsync("National CSIRT set-up");
        var session = await _manager.ScheduleAsync(course.Id, startsInDays: 20);
        var request = await SubmitAsync();
        Assert.Equal((TrainingRequestStatus.Submitted, 1L, "KE"), (request.Status, request.Version, request.BeneficiaryCountry));

        await Step($"/training-requests/{request.Id}/review");
        var approved = await Step($"/training-requests/{request.Id}/approve", ifMatch: "\"2\"");
        var scheduled = await Step($"/training-requests/{request.Id}/schedule", new { sessionId = session.Id });
        Assert.Equal(("open-for-enrolment", "session-not-delivered"),
            await TrainingApi.ConflictAsync(await _manager.PostAsync($"/training-requests/{request.Id}/deliver")));
        fixture.Clock.Advance(TimeSpan.FromDays(20));
        await _manager.PostAsync($"/training-sessions/{session.Id}/deliver");
        await Step($"/training-requests/{request.Id}/deliver");
        var closed = await Step($"/training-requests/{request.Id}/close");

        Assert.Equal(TrainingRequestStatus.Approved, approved.Status);
        Assert.Equal((TrainingRequestStatus.Scheduled, session.Id), (scheduled.Status, scheduled.SessionId));
        Assert.Equal((TrainingRequestStatus.Closed, 6L), (closed.Status, closed.Version));

        var history = await _manager.HistoryAsync($"/training-requests/{request.Id}");
        Assert.Equal(["TrainingRequestSubmitted", "TrainingRequestReviewStarted", "TrainingRequestApproved", "TrainingRequestScheduled",
            "TrainingRequestDelivered", "TrainingRequestClosed"], history.Select(h => h.Type));
        Assert.Equal(["eu-delegation-kenya", "tm.lena", "tm.lena", "tm.lena", "tm.lena", "tm.lena"], history.Select(h => h.User));
        Assert.All(history, h => Assert.False(string.IsNullOrEmpty(h.CorrelationId) || string.IsNullOrEmpty(h.CausationId)));

        var statuses = new List<TrainingRequestStatus>();
        foreach (var entry in history)
            statuses.Add((await _manager.GetAsync<TrainingRequestView>($"/training-requests/{request.Id}?asOf={Uri.EscapeDataString(entry.OccurredAt.ToString("O"))}")).Status);
        Assert.Equal([TrainingRequestStatus.Submitted, TrainingRequestStatus.UnderReview, TrainingRequestStatus.Approved, TrainingRequestStatus.Scheduled,
            TrainingRequestStatus.Delivered, TrainingRequestStatus.Closed], statuses);
        Assert.Equal(HttpStatusCode.NotFound, (await _manager.Http.GetAsync(
            $"/training-requests/{request.Id}?asOf={Uri.EscapeDataString(history[0].OccurredAt.AddSeconds(-1).ToString("O"))}")).StatusCode);

        var approvedMessage = await fixture.ArrivedAsync<Integration.TrainingRequestApproved>(m => m.TrainingRequestId == request.Id, "approved");
        Assert.Equal((3L, "approved", "KE"), (approvedMessage.Version, approvedMessage.Request.Status, approvedMessage.Request.BeneficiaryCountry));
        var scheduledMessage = await fixture.ArrivedAsync<Integration.TrainingRequestScheduled>(m => m.TrainingRequestId == request.Id, "scheduled");
        Assert.Equal((Guid?)session.Id, scheduledMessage.Request.SessionId);
        await fixture.ArrivedAsync<Integration.TrainingRequestDelivered>(m => m.TrainingRequestId == request.Id && m.Request.Status == "delivered", "delivered");
    }

    [Fact]
    public async Task Illegal_transitions_name_the_state_stale_versions_are_refused_and_rejection_needs_a_reason()
    {
        var request = await SubmitAsync();

        Assert.Equal(("submitted", "invalid-transition"), await TrainingApi.ConflictAsync(await _manager.PostAsync($"/training-requests/{request.Id}/approve")));
        Assert.Equal(("submitted", "invalid-transition"), await TrainingApi.ConflictAsync(await _manager.PostAsync($"/training-requests/{request.Id}/close")));
        var stale = await _manager.PostAsync($"/training-requests/{request.Id}/review", ifMatch: "\"5\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(0, await fixture.EventsAsync("training_request_review_started", request.Id));

        Assert.Equal(["reason"], await TrainingApi.BadFieldsAsync(await _manager.PostAsync($"/training-requests/{request.Id}/reject", new { reason = " " })));
        var rejected = await Step($"/training-requests/{request.Id}/reject", new { reason = "Already covered by the EU CyberSouth action" });
        Assert.Equal((TrainingRequestStatus.Rejected, "Already covered by the EU CyberSouth action"), (rejected.Status, rejected.Reason));
        Assert.Equal("Already covered by the EU CyberSouth action", (await _manager.HistoryAsync($"/training-requests/{request.Id}"))[^1].Reason);
        Assert.Equal(("rejected", "invalid-transition"), await TrainingApi.ConflictAsync(await _partner.PostAsync($"/training-requests/{request.Id}/withdraw")));
        Assert.Equal(HttpStatusCode.NotFound, (await _manager.PostAsync($"/training-requests/{Guid.NewGuid()}/review")).StatusCode);
    }

    [Fact]
    public async Task A_requester_withdraws_and_a_schedule_needs_a_real_session()
    {
        var request = await SubmitAsync();
        await Step($"/training-requests/{request.Id}/review");
        await Step($"/training-requests/{request.Id}/approve");

        Assert.Equal(["sessionId"], await TrainingApi.BadFieldsAsync(await _manager.PostAsync($"/training-requests/{request.Id}/schedule", new { sessionId = Guid.NewGuid() })));
        Assert.Equal(["sessionId"], await TrainingApi.BadFieldsAsync(await _manager.PostAsync($"/training-requests/{request.Id}/schedule")));
        var withdrawn = await TrainingApi.OkAsync<TrainingRequestView>(
            await _partner.PostAsync($"/training-requests/{request.Id}/withdraw", new { reason = "Budget moved to 2028" }));

        Assert.Equal((TrainingRequestStatus.Withdrawn, "Budget moved to 2028"), (withdrawn.Status, withdrawn.Reason));
        Assert.Equal("eu-delegation-kenya", (await _manager.HistoryAsync($"/training-requests/{request.Id}"))[^1].User);
    }

    [Fact]
    public async Task A_bad_request_lists_every_bad_field_and_writes_nothing_and_requests_are_listed_by_filters()
    {
        var before = await fixture.EventsAsync("training_request_submitted");
        var response = await _partner.Http.PostAsJsonAsync("/training-requests", new
        {
            requester = "", beneficiaryCountry = "FR", roles = new[] { "spy" }, audienceSize = 5000, preferredFrom = "soon", preferredTo = "2020-01-01",
        });
        Assert.Equal(["audienceSize", "beneficiaryCountry", "preferredFrom", "preferredTo", "requester", "roles[0]", "topic"],
            await TrainingApi.BadFieldsAsync(response));
        Assert.Equal(before, await fixture.EventsAsync("training_request_submitted"));

        var marker = $"Ministry {Guid.NewGuid():N}"[..20];
        var mine = await SubmitAsync(marker, "GE");
        var list = await _manager.GetAsync<Page<TrainingRequestView>>($"/training-requests?requester={Uri.EscapeDataString(marker)}&country=ge&status=submitted&role=cyber-incident-responder");
        Assert.Equal([mine.Id], list.Items.Select(r => r.Id));
        Assert.Equal(["status"], await TrainingApi.BadFieldsAsync(await _manager.Http.GetAsync("/training-requests?status=pending")));
    }

    private async Task<TrainingRequestView> SubmitAsync(string requester = "EU Delegation to Kenya", string country = "KE") =>
        await TrainingApi.CreatedAsync<TrainingRequestView>(await _partner.Http.PostAsJsonAsync("/training-requests", new
        {
            requester, beneficiaryCountry = country, topic = "Incident response for the national CSIRT",
            roles = new[] { "cyber-incident-responder" }, themes = new[] { "incident-management-and-cip" }, audienceSize = 25,
            preferredFrom = TrainingApi.Date(fixture.Clock.Today.AddDays(30)), preferredTo = TrainingApi.Date(fixture.Clock.Today.AddDays(90)),
        }));

    private async Task<TrainingRequestView> Step(string path, object? body = null, string? ifMatch = null) =>
        await TrainingApi.OkAsync<TrainingRequestView>(await _manager.PostAsync(path, body, ifMatch));
}
