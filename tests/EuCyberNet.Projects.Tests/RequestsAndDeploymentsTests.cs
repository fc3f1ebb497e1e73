using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertiseRequests;
using V1 = EuCyberNet.Contracts.Projects.V1;

namespace EuCyberNet.Projects.Tests;

/// <summary>Requests for expertise and deployments through HTTP, on a real PostgreSQL and RabbitMQ.</summary>
[Collection(SharedHostGroup.Name)]
public sealed class RequestsAndDeploymentsTests(SharedHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    [Fact]
    public async Task A_request_goes_from_draft_to_fulfilled_and_the_network_hears_each_step()
    {
        await using var heard = await PublishedEvents.ListenAsync(_host.Platform.VirtualHost,
            typeof(V1.ExpertiseRequestPublished), typeof(V1.ExpertiseRequestClosed), typeof(V1.ExpertiseRequestFulfilled),
            typeof(V1.DeploymentConfirmed), typeof(V1.DeploymentStarted), typeof(V1.DeploymentExtended),
            typeof(V1.DeploymentCompleted), typeof(V1.DeploymentEvaluated),
            typeof(V1.ExpertiseRequestApplicationReceived), typeof(V1.ExpertiseRequestApplicantShortlisted), typeof(V1.ExpertiseRequestApplicantSelected));
        var (ana, ben) = (await _host.AcceptedExpertAsync(), await _host.AcceptedExpertAsync());
        var request = await _host.PublishedRequestAsync(Api.RequestBody(expertsNeeded: 2));
        Assert.Equal((RequestStatus.Published, 3L, "rita.requester", "carla.coordinator"), (request.Status, request.Version, request.SubmittedBy, request.ApprovedBy));
        await _host.ShortlistAsync(request.Id, ana, ben);

        var selector = _host.Officer("sam.selector");
        var first = await selector.PostAsync($"/expertise-requests/{request.Id}/applications/{ana}/select", new { reason = "best SIM3 experience" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var anaDeployment = Guid.Parse(first.Headers.Location!.ToString().Split('/')[^1]);
        var afterSecond = await selector.PostAsync($"/expertise-requests/{request.Id}/applications/{ben}/select").OkAsync<RequestView>();
        Assert.Equal((RequestStatus.Closed, 0), (afterSecond.Status, afterSecond.PlacesLeft));
        var benDeployment = afterSecond.Applications.Single(a => a.ExpertId == ben).DeploymentId!.Value;

        var requester = _host.Officer("rita.requester");
        await requester.PostAsync($"/deployments/{anaDeployment}/confirm", new { reason = "flights booked" }).OkAsync<DeploymentView>();
        await requester.PostAsync($"/deployments/{benDeployment}/confirm").OkAsync<DeploymentView>();
        Assert.Equal(RequestStatus.Fulfilled, (await requester.GetFromJsonAsync<RequestView>($"/expertise-requests/{request.Id}", Api.Json))!.Status);

        await requester.PostAsync($"/deployments/{anaDeployment}/start").OkAsync<DeploymentView>();
        var newEnd = Api.Today.AddDays(45);
        await _host.Coordinator().PostAsync($"/deployments/{anaDeployment}/extend", new { endDate = Api.Iso(newEnd), reason = "a second site was added" }).OkAsync<DeploymentView>();
        await requester.PostAsync($"/deployments/{anaDeployment}/complete", new { debrief = "Roadmap delivered to the CSIRT." }).OkAsync<DeploymentView>();
        var evaluated = await _host.Officer("eva.evaluator").PostAsync($"/deployments/{anaDeployment}/evaluate", new { rating = 5, feedback = "Excellent work" }).OkAsync<DeploymentView>();
        Assert.Equal((DeploymentStatus.Evaluated, 5, newEnd), (evaluated.Status, evaluated.Rating!.Value, evaluated.EndDate));

        var published = Assert.Single(await heard.WaitForAsync("ExpertiseRequestPublished", 1, m => Id(m, "requestId") == request.Id));
        Assert.Equal(3, published.GetProperty("version").GetInt64());
        Assert.Equal(2, published.GetProperty("request").GetProperty("expertsNeeded").GetInt32());
        Assert.Equal("filled", Cause(Assert.Single(await heard.WaitForAsync("ExpertiseRequestClosed", 1, m => Id(m, "requestId") == request.Id))));
        await heard.WaitForAsync("ExpertiseRequestFulfilled", 1, m => Id(m, "requestId") == request.Id);
        // The selection step by step, ids only: who applied, was shortlisted, was selected into which deployment.
        Assert.Equal(new[] { ana, ben }.Order(), (await heard.WaitForAsync("ExpertiseRequestApplicationReceived", 2, m => Id(m, "requestId") == request.Id))
            .Select(m => Id(m, "expertId")).Order());
        await heard.WaitForAsync("ExpertiseRequestApplicantShortlisted", 2, m => Id(m, "requestId") == request.Id);
        var selections = await heard.WaitForAsync("ExpertiseRequestApplicantSelected", 2, m => Id(m, "requestId") == request.Id);
        Assert.Equal(new[] { (ana, anaDeployment), (ben, benDeployment) }.OrderBy(s => s.Item1),
            selections.Select(m => (Id(m, "expertId"), Id(m, "deploymentId"))).OrderBy(s => s.Item1));
        Assert.All(selections, m => Assert.DoesNotContain("SIM3", m.GetRawText(), StringComparison.Ordinal)); // the selection's reason stays in Projects
        Assert.Equal(2, (await heard.WaitForAsync("DeploymentConfirmed", 2, m => Deployment(m) == request.Id)).Count);
        var extended = Assert.Single(await heard.WaitForAsync("DeploymentExtended", 1, m => Id(m, "deploymentId") == anaDeployment));
        Assert.Equal(Api.Iso(newEnd), extended.GetProperty("deployment").GetProperty("endDate").GetString());
        Assert.Equal(Api.Iso(Api.Today.AddDays(40)), extended.GetProperty("previousEndDate").GetString());
        Assert.Equal("started", extended.GetProperty("deployment").GetProperty("status").GetString());
        var rated = Assert.Single(await heard.WaitForAsync("DeploymentEvaluated", 1, m => Id(m, "deploymentId") == anaDeployment));
        Assert.Equal((5, 6L), (rated.GetProperty("rating").GetInt32(), rated.GetProperty("version").GetInt64()));
        Assert.DoesNotContain("Excellent", rated.GetRawText(), StringComparison.Ordinal); // feedback text stays in Projects
    }

    [Fact]
    public async Task A_deployments_history_answers_who_requested_approved_selected_confirmed_extended_and_evaluated()
    {
        var ana = await _host.AcceptedExpertAsync();
        var request = await _host.PublishedRequestAsync(Api.RequestBody(expertsNeeded: 1));
        await _host.ShortlistAsync(request.Id, ana);
        var selected = await _host.Officer("sam.selector").PostAsync($"/expertise-requests/{request.Id}/applications/{ana}/select", new { reason = "best SIM3 experience" });
        var id = Guid.Parse(selected.Headers.Location!.ToString().Split('/')[^1]);
        var requester = _host.Officer("rita.requester");
        await requester.PostAsync($"/deployments/{id}/confirm", new { reason = "flights booked" }).OkAsync<DeploymentView>();
        await requester.PostAsync($"/deployments/{id}/start").OkAsync<DeploymentView>();
        await _host.Coordinator().PostAsync($"/deployments/{id}/extend", new { endDate = Api.Iso(Api.Today.AddDays(44)), reason = "second site" }).OkAsync<DeploymentView>();
        await requester.PostAsync($"/deployments/{id}/complete", new { debrief = "Done." }).OkAsync<DeploymentView>();
        await _host.Officer("eva.evaluator").PostAsync($"/deployments/{id}/evaluate", new { rating = 4, feedback = "Good" }).OkAsync<DeploymentView>();

        var history = (await requester.GetFromJsonAsync<JsonElement[]>($"/deployments/{id}/history", Api.Json))!;
        Assert.Equal(["DeploymentPlanned", "DeploymentConfirmed", "DeploymentStarted", "DeploymentExtended", "DeploymentCompleted", "DeploymentEvaluated"],
            history!.Select(h => h.GetProperty("type").GetString()));
        var planned = history[0];
        Assert.Equal(("sam.selector", "best SIM3 experience"), (planned.GetProperty("user").GetString(), planned.GetProperty("reason").GetString()));
        Assert.Equal("rita.requester", planned.GetProperty("data").GetProperty("requestedBy").GetString());
        Assert.Equal("carla.coordinator", planned.GetProperty("data").GetProperty("approvedBy").GetString());
        Assert.False(string.IsNullOrEmpty(planned.GetProperty("data").GetProperty("approvedAt").GetString()));
        Assert.Equal(("rita.requester", "flights booked"), (history[1].GetProperty("user").GetString(), history[1].GetProperty("reason").GetString()));
        Assert.Equal(("carla.coordinator", "second site"), (history[3].GetProperty("user").GetString(), history[3].GetProperty("reason").GetString()));
        Assert.Equal("eva.evaluator", history[5].GetProperty("user").GetString());
        Assert.All(history, h => Assert.False(string.IsNullOrEmpty(h.GetProperty("correlationId").GetString())));

        // As of the confirmation it was confirmed and not yet extended; before it was planned, it did not exist.
        var confirmedAt = history[1].GetProperty("occurredAt").GetDateTimeOffset();
        var then = await requester.GetFromJsonAsync<DeploymentView>($"/deployments/{id}?asOf={Uri.EscapeDataString(confirmedAt.ToString("O"))}", Api.Json);
        Assert.Equal((DeploymentStatus.Confirmed, Api.Today.AddDays(40)), (then!.Status, then.EndDate));
        var before = history[0].GetProperty("occurredAt").GetDateTimeOffset().AddMilliseconds(-1);
        Assert.Equal(HttpStatusCode.NotFound, (await requester.GetAsync($"/deployments/{id}?asOf={Uri.EscapeDataString(before.ToString("O"))}")).StatusCode);

        // The request's own history tells the same story from its side.
        var requestHistory = (await requester.GetFromJsonAsync<JsonElement[]>($"/expertise-requests/{request.Id}/history", Api.Json))!;
        Assert.Equal(["ExpertiseRequestDrafted", "ExpertiseRequestSubmitted", "ExpertiseRequestApproved", "ApplicationReceived", "ApplicationShortlisted",
            "ApplicationSelected", "ExpertiseRequestClosed", "SelectionConfirmed", "ExpertiseRequestFulfilled"], requestHistory!.Select(h => h.GetProperty("type").GetString()));
        Assert.Equal(("carla.coordinator", "fits the cooperation plan"), (requestHistory[2].GetProperty("user").GetString(), requestHistory[2].GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Bad_input_lists_every_bad_field_and_writes_nothing()
    {
        var before = await _host.CountAsync("select count(*) from mt_events where type <> 'tombstone'");
        var body = Api.RequestBody();
        body["activityType"] = "hackathon";
        body["roles"] = new[] { "ciso", "wizard" };
        body["country"] = "ZZ";
        body["startDate"] = "2027-02-30";
        body["applicationDeadline"] = Api.Iso(Api.Today.AddDays(-1));
        body["expertsNeeded"] = 0;
        body["languages"] = new[] { "xx" };
        body["title"] = "";
        body["projectId"] = Guid.NewGuid().ToString();

        var response = await _host.Officer().PostAsync("/expertise-requests", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["activityType", "applicationDeadline", "country", "expertsNeeded", "languages[0]", "projectId", "roles[1]", "startDate", "title"],
            await response.ErrorFieldsAsync());
        Assert.Equal(before, await _host.CountAsync("select count(*) from mt_events where type <> 'tombstone'"));
    }

    [Fact]
    public async Task Illegal_transitions_are_409_naming_the_state_unknown_ids_404_and_stale_versions_412()
    {
        var officer = _host.Officer();
        var draft = await officer.PostAsync("/expertise-requests", Api.RequestBody()).OkAsync<RequestView>();

        var approve = await _host.Coordinator().PostAsync($"/expertise-requests/{draft.Id}/approve");
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Equal("draft", (await approve.ReadAsync<JsonElement>()).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsync($"/expertise-requests/{Guid.NewGuid()}/submit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/deployments/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsync($"/deployments/{Guid.NewGuid()}/confirm")).StatusCode);

        await officer.PostAsync($"/expertise-requests/{draft.Id}/submit").OkAsync<RequestView>();
        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/expertise-requests/{draft.Id}/amend") { Content = JsonContent.Create(new { title = "New title" }) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await officer.SendAsync(stale)).StatusCode);

        using var current = new HttpRequestMessage(HttpMethod.Post, $"/expertise-requests/{draft.Id}/amend") { Content = JsonContent.Create(new { title = "New title" }) };
        current.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"2\""));
        var amended = await officer.SendAsync(current);
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        Assert.Equal("\"3\"", amended.Headers.ETag!.Tag);

        var cancel = await officer.PostAsync($"/expertise-requests/{draft.Id}/cancel");
        Assert.Equal(["reason"], await cancel.ErrorFieldsAsync());
    }

    [Fact]
    public async Task An_amendment_after_publication_goes_back_to_reapproval_and_history_shows_what_changed()
    {
        await using var heard = await PublishedEvents.ListenAsync(_host.Platform.VirtualHost, typeof(V1.ExpertiseRequestAmended), typeof(V1.ExpertiseRequestExtended));
        var request = await _host.PublishedRequestAsync();

        var extended = await _host.Officer().PostAsync($"/expertise-requests/{request.Id}/extend",
            new { applicationDeadline = Api.Iso(Api.Today.AddDays(20)), reason = "few applicants" }).OkAsync<RequestView>();
        Assert.Equal((RequestStatus.Published, Api.Today.AddDays(20), 1), (extended.Status, extended.ApplicationDeadline, extended.Extensions));
        var tooLate = await _host.Officer().PostAsync($"/expertise-requests/{request.Id}/extend", new { applicationDeadline = Api.Iso(Api.Today.AddDays(35)) });
        Assert.Equal("deadline-after-start", (await tooLate.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        var amended = await _host.Officer().PostAsync($"/expertise-requests/{request.Id}/amend",
            new { title = "CSIRT and SOC assessment", expertsNeeded = 3, reason = "scope grew" }).OkAsync<RequestView>();
        Assert.Equal((RequestStatus.Submitted, 3, "CSIRT and SOC assessment"), (amended.Status, amended.ExpertsNeeded, amended.Title));

        var history = await _host.Officer().GetFromJsonAsync<JsonElement[]>($"/expertise-requests/{request.Id}/history", Api.Json);
        var last = history![^1];
        Assert.Equal(("ExpertiseRequestAmended", "scope grew"), (last.GetProperty("type").GetString(), last.GetProperty("reason").GetString()));
        Assert.Equal(["title", "expertsNeeded"], last.GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));

        var published = await _host.Coordinator().PostAsync($"/expertise-requests/{request.Id}/approve").OkAsync<RequestView>();
        Assert.Equal(RequestStatus.Published, published.Status);
        var message = Assert.Single(await heard.WaitForAsync("ExpertiseRequestAmended", 1, m => Id(m, "requestId") == request.Id));
        Assert.Equal(3, message.GetProperty("request").GetProperty("expertsNeeded").GetInt32());
        Assert.Single(await heard.WaitForAsync("ExpertiseRequestExtended", 1, m => Id(m, "requestId") == request.Id));
    }

    [Fact]
    public async Task Cancelling_a_deployment_frees_the_place_and_the_experts_time()
    {
        var (ana, ben) = (await _host.AcceptedExpertAsync(), await _host.AcceptedExpertAsync());
        var request = await _host.PublishedRequestAsync(Api.RequestBody(expertsNeeded: 1));
        await _host.ShortlistAsync(request.Id, ana, ben);
        var officer = _host.Officer("rita.requester");
        var full = await officer.PostAsync($"/expertise-requests/{request.Id}/applications/{ana}/select").OkAsync<RequestView>();
        var deployment = full.Applications.Single(a => a.ExpertId == ana).DeploymentId!.Value;
        var refused = await officer.PostAsync($"/expertise-requests/{request.Id}/applications/{ben}/select");
        Assert.Equal("no-places-left", (await refused.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Single((await _host.KnownExpertAsync(ana))!.Bookings);

        var cancelled = await officer.PostAsync($"/deployments/{deployment}/cancel", new { reason = "visa refused" }).OkAsync<DeploymentView>();
        Assert.Equal(("visa refused", "rita.requester"), (cancelled.Cancelled!.Reason, cancelled.Cancelled.By));
        Assert.Empty((await _host.KnownExpertAsync(ana))!.Bookings);
        var reopened = await officer.GetFromJsonAsync<RequestView>($"/expertise-requests/{request.Id}", Api.Json);
        Assert.Equal((RequestStatus.Closed, 1), (reopened!.Status, reopened.PlacesLeft));

        var filled = await officer.PostAsync($"/expertise-requests/{request.Id}/applications/{ben}/select").OkAsync<RequestView>();
        Assert.Equal(0, filled.PlacesLeft);
        var started = await officer.PostAsync($"/deployments/{deployment}/start");
        Assert.Equal("cancelled", (await started.ReadAsync<JsonElement>()).GetProperty("state").GetString());

        var list = await officer.GetFromJsonAsync<JsonElement>($"/deployments?requestId={request.Id}&status=planned", Api.Json);
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        Assert.Equal(ben.ToString(), list.GetProperty("items")[0].GetProperty("expertId").GetString());
    }

    [Fact]
    public async Task Deployment_and_selection_commands_validate_every_field_and_honour_If_Match()
    {
        var ana = await _host.AcceptedExpertAsync();
        var request = await _host.PublishedRequestAsync(Api.RequestBody(expertsNeeded: 1));
        await _host.ShortlistAsync(request.Id, ana);
        var officer = _host.Officer();

        using var staleSelect = new HttpRequestMessage(HttpMethod.Post, $"/expertise-requests/{request.Id}/applications/{ana}/select") { Content = JsonContent.Create(new { }) };
        staleSelect.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"3\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await officer.SendAsync(staleSelect)).StatusCode);
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_events where stream_id = @id and type = 'application_selected'", ("id", request.Id)));

        var selected = await officer.PostAsync($"/expertise-requests/{request.Id}/applications/{ana}/select").OkAsync<RequestView>();
        var id = selected.Applications.Single().DeploymentId!.Value;
        using var staleConfirm = new HttpRequestMessage(HttpMethod.Post, $"/deployments/{id}/confirm") { Content = JsonContent.Create(new { }) };
        staleConfirm.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"2\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await officer.SendAsync(staleConfirm)).StatusCode);

        var before = await _host.EventsOfAsync(id);
        Assert.Equal(["feedback", "rating"], await (await officer.PostAsync($"/deployments/{id}/evaluate", new { rating = 9, feedback = new string('x', 9000) })).ErrorFieldsAsync());
        Assert.Equal(["debrief"], await (await officer.PostAsync($"/deployments/{id}/complete", new { debrief = "  " })).ErrorFieldsAsync());
        Assert.Equal(["endDate"], await (await officer.PostAsync($"/deployments/{id}/extend", new { endDate = "next week" })).ErrorFieldsAsync());
        Assert.Equal(["reason"], await (await officer.PostAsync($"/deployments/{id}/cancel", new { })).ErrorFieldsAsync());
        Assert.Equal(["expertId"], await (await officer.PostAsync($"/expertise-requests/{request.Id}/applications", new { expertId = "ana" })).ErrorFieldsAsync());
        Assert.Equal(before, await _host.EventsOfAsync(id));

        var early = await officer.PostAsync($"/deployments/{id}/evaluate", new { rating = 4 });
        Assert.Equal("planned", (await early.ReadAsync<JsonElement>()).GetProperty("state").GetString());
    }

    private static Guid Id(JsonElement message, string property) => message.GetProperty(property).GetGuid();

    private static Guid Deployment(JsonElement message) => message.GetProperty("deployment").GetProperty("requestId").GetGuid();

    private static string? Cause(JsonElement closed) => closed.GetProperty("reason").GetString()!.Contains("places are filled", StringComparison.Ordinal) ? "filled" : null;
}
