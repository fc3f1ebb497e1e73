using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EuCyberNet.Projects.PartnerIntake;
using EuCyberNet.Projects.Partners;
using EuCyberNet.Projects.Projects;
using EuCyberNet.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using V1 = EuCyberNet.Contracts.Projects.V1;

namespace EuCyberNet.Projects.Tests;

/// <summary>Partner systems and their project events: the registry, HTTP intake, validation, duplicates, rejections and replay.</summary>
[Collection(SharedHostGroup.Name)]
public sealed class PartnerIntakeTests(SharedHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    public static string Report(string eventId, string projectRef, string title = "Cyber resilience for Moldova", string? occurredAt = null) => $$"""
        {
          "eventId": "{{eventId}}",
          "type": "project-reported",
          "occurredAt": "{{occurredAt ?? DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ")}}",
          "projectRef": "{{projectRef}}",
          "project": {
            "title": "{{title}}",
            "funder": "Estonia (MFA)",
            "implementers": ["e-Governance Academy"],
            "beneficiaryCountries": ["MD"],
            "themes": ["policy-and-strategy"],
            "pillars": ["national-strategic-framework"],
            "budgetEur": 1200000,
            "startDate": "2027-01-01",
            "endDate": "2028-06-30",
            "status": "ongoing"
          }
        }
        """;

    public static string Update(string eventId, string? projectRef, Guid? projectId = null, string title = "Cyber resilience for Moldova, phase 2") => $$"""
        {
          "eventId": "{{eventId}}", "type": "project-updated", "occurredAt": "{{Now()}}",
          {{(projectRef is null ? "" : $"\"projectRef\": \"{projectRef}\",")}} {{(projectId is null ? "" : $"\"projectId\": \"{projectId}\",")}}
          "project": { "title": "{{title}}", "funder": "Estonia (MFA)", "beneficiaryCountries": ["MD"], "startDate": "2027-01-01", "endDate": "2028-06-30", "status": "ongoing" }
        }
        """;

    public static string Activity(string eventId, string projectRef) => $$"""
        { "eventId": "{{eventId}}", "type": "activity-reported", "occurredAt": "{{Now()}}", "projectRef": "{{projectRef}}",
          "activity": { "activityRef": "W-1", "title": "National CSIRT workshop", "activityType": "training", "country": "MD",
                        "themes": ["culture-and-skills"], "startDate": "2027-05-10", "endDate": "2027-05-12" } }
        """;

    public static string Closed(string eventId, string projectRef) => $$"""
        { "eventId": "{{eventId}}", "type": "project-closed", "occurredAt": "{{Now()}}", "projectRef": "{{projectRef}}", "closedOn": "2028-06-30", "reason": "completed" }
        """;

    private static string Now() => DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<(Guid Id, string Key)> PartnerAsync(string? amqpUser = null)
    {
        var partner = await _host.Coordinator().PostAsync("/partners", new { name = Unique("Implementer"), amqpUser }).OkAsync<PartnerView>();
        var key = await _host.Coordinator().PostAsync($"/partners/{partner.Id}/keys").OkAsync<IssuedKey>();
        return (partner.Id, key.ApiKey);
    }

    private HttpClient PartnerClient(string apiKey)
    {
        var client = _host.Host.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeys.Header, apiKey);
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient partner, string json) =>
        partner.PostAsync("/partner-events", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<Dictionary<string, string[]>> ReasonsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadAsync<JsonElement>();
        return problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }

    [Fact]
    public async Task The_registry_shows_a_key_once_stores_only_its_hash_and_revokes_keys_and_partners()
    {
        var coordinator = _host.Coordinator();
        var user = Unique("partner");
        var partner = await coordinator.PostAsync("/partners", new { name = "e-Governance Academy", amqpUser = user }).OkAsync<PartnerView>();
        var taken = await coordinator.PostAsync("/partners", new { name = "Impostor", amqpUser = user });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(["amqpUser", "name"], await (await coordinator.PostAsync("/partners", new { name = "", amqpUser = "bad user!" })).ErrorFieldsAsync());

        var first = await coordinator.PostAsync($"/partners/{partner.Id}/keys").OkAsync<IssuedKey>();
        Assert.StartsWith("ecn_", first.ApiKey, StringComparison.Ordinal);
        var shown = await coordinator.GetStringAsync($"/partners/{partner.Id}");
        Assert.DoesNotContain(first.ApiKey, shown, StringComparison.Ordinal);
        Assert.Contains(first.Prefix, shown, StringComparison.Ordinal);
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_events where data::text like @key", ("key", $"%{first.ApiKey}%")));

        var reference = Unique("REG");
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(PartnerClient(first.ApiKey), Report(Unique("e"), reference))).StatusCode);
        await coordinator.PostAsync($"/partners/{partner.Id}/keys/{first.KeyId}/revoke", new { reason = "leaked in a log" }).OkAsync<PartnerView>();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(PartnerClient(first.ApiKey), Report(Unique("e"), Unique("REG")))).StatusCode);

        var second = await coordinator.PostAsync($"/partners/{partner.Id}/keys").OkAsync<IssuedKey>();
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(PartnerClient(second.ApiKey), Report(Unique("e"), Unique("REG")))).StatusCode);
        var revoked = await coordinator.PostAsync($"/partners/{partner.Id}/revoke", new { reason = "contract ended" }).OkAsync<PartnerView>();
        Assert.Equal(PartnerStatus.Revoked, revoked.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(PartnerClient(second.ApiKey), Report(Unique("e"), Unique("REG")))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsync($"/partners/{partner.Id}/keys")).StatusCode);

        var history = (await coordinator.GetFromJsonAsync<JsonElement[]>($"/partners/{partner.Id}/history", Api.Json))!;
        Assert.Equal(["PartnerRegistered", "PartnerApiKeyIssued", "PartnerApiKeyRevoked", "PartnerApiKeyIssued", "PartnerRevoked"],
            history!.Select(h => h.GetProperty("type").GetString()));
        Assert.Equal(("carla.coordinator", "leaked in a log"), (history[2].GetProperty("user").GetString(), history[2].GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_partner_reports_updates_and_closes_its_project_and_the_network_hears_it()
    {
        await using var heard = await PublishedEvents.ListenAsync(_host.Platform.VirtualHost, typeof(V1.ProjectRegistered), typeof(V1.ProjectActivityReported), typeof(V1.ProjectUpdated));
        var (partnerId, key) = await PartnerAsync();
        var partner = PartnerClient(key);
        var reference = Unique("MD");

        var accepted = await SendAsync(partner, Report(Unique("e"), reference)).OkAsync<PartnerEventAccepted>();
        Assert.False(accepted.Duplicate);
        Assert.Equal(PartnerProjectDecisions.ProjectIdFor(partnerId, reference), accepted.ProjectId);
        await SendAsync(partner, Update(Unique("e"), reference)).OkAsync<PartnerEventAccepted>();
        await SendAsync(partner, Activity(Unique("e"), reference)).OkAsync<PartnerEventAccepted>();
        await SendAsync(partner, Closed(Unique("e"), reference)).OkAsync<PartnerEventAccepted>();

        var project = await _host.Officer().GetFromJsonAsync<ProjectView>($"/projects/{accepted.ProjectId}", Api.Json);
        Assert.Equal((partnerId.ToString(), reference, ProjectStatus.Closed, "Cyber resilience for Moldova, phase 2"),
            (project!.Source, project.PartnerRef, project.Status, project.Title));
        Assert.Equal("W-1", Assert.Single(project.Activities).ActivityRef);
        var bySource = await _host.Officer().GetFromJsonAsync<JsonElement>($"/projects?source={partnerId}", Api.Json);
        Assert.Equal(1, bySource.GetProperty("total").GetInt64());

        var history = (await _host.Officer().GetFromJsonAsync<JsonElement[]>($"/projects/{accepted.ProjectId}/history", Api.Json))!;
        Assert.Equal(["ProjectReportedByPartner", "ProjectUpdatedByPartner", "ProjectActivityReported", "ProjectClosedByPartner"],
            history!.Select(h => h.GetProperty("type").GetString()));
        Assert.All(history, h => Assert.Equal($"partner:{partnerId}", h.GetProperty("user").GetString()));

        var afterClose = await ReasonsAsync(await SendAsync(partner, Update(Unique("e"), reference)));
        Assert.Contains("closed", Assert.Single(afterClose["type"]), StringComparison.Ordinal);

        var registered = Assert.Single(await heard.WaitForAsync("ProjectRegistered", 1, m => m.GetProperty("projectId").GetGuid() == accepted.ProjectId));
        Assert.Equal(partnerId.ToString(), registered.GetProperty("project").GetProperty("source").GetString());
        Assert.Single(await heard.WaitForAsync("ProjectActivityReported", 1, m => m.GetProperty("projectId").GetGuid() == accepted.ProjectId));
        var updates = await heard.WaitForAsync("ProjectUpdated", 2, m => m.GetProperty("projectId").GetGuid() == accepted.ProjectId);
        Assert.Contains(updates, u => u.GetProperty("project").GetProperty("status").GetString() == "closed");
    }

    [Fact]
    public async Task The_same_partner_event_id_is_accepted_once()
    {
        var (_, key) = await PartnerAsync();
        var partner = PartnerClient(key);
        var eventId = Unique("e");
        var json = Report(eventId, Unique("MD"), occurredAt: "2026-01-05T10:00:00Z");

        var first = await SendAsync(partner, json).OkAsync<PartnerEventAccepted>();
        var again = await SendAsync(partner, json.Replace("\n", "\r\n  ", StringComparison.Ordinal)).OkAsync<PartnerEventAccepted>(); // same event, other whitespace
        Assert.Equal((first.ProjectId, true), (again.ProjectId, again.Duplicate));
        Assert.Equal(1, await _host.EventsOfAsync(first.ProjectId));

        var reused = await ReasonsAsync(await SendAsync(partner, Report(eventId, Unique("MD"), occurredAt: "2026-01-05T10:00:00Z")));
        Assert.Contains("already used for a different message", Assert.Single(reused["eventId"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_oversized_and_unauthenticated_messages_are_refused_and_the_refusals_kept()
    {
        var (partnerId, key) = await PartnerAsync();
        var partner = PartnerClient(key);

        var malformed = await SendAsync(partner, """{"eventId": "m-1", "type": "project-reported", """);
        Assert.StartsWith("is not valid JSON", Assert.Single((await ReasonsAsync(malformed))["body"]), StringComparison.Ordinal);
        var rejectionId = (await malformed.ReadAsync<JsonElement>()).GetProperty("rejectionId").GetGuid();
        var kept = await _host.Coordinator().GetFromJsonAsync<RejectedPartnerEvent>($"/partner-events/rejected/{rejectionId}", Api.Json);
        Assert.Equal((partnerId, IntakeChannel.Http, RejectionStatus.Rejected), (kept!.PartnerId!.Value, kept.Channel, kept.Status));
        Assert.Equal("""{"eventId": "m-1", "type": "project-reported", """, kept.Payload);

        var everyReason = await ReasonsAsync(await SendAsync(partner, """{"eventId":"bad id","type":"project-reported","occurredAt":"yesterday","projectRef":"r","project":{"title":"t","funder":"f","beneficiaryCountries":["XX"],"themes":["hacking"],"startDate":"2027-01-01","endDate":"2026-01-01"},"extra":1}"""));
        Assert.Equal(["eventId", "extra", "occurredAt", "project.beneficiaryCountries[0]", "project.endDate", "project.themes[0]"], everyReason.Keys.Order(StringComparer.Ordinal));

        var huge = Report(Unique("big"), Unique("MD"), title: new string('x', 70_000));
        var oversized = await SendAsync(partner, huge);
        Assert.Contains("at most 65536 bytes", Assert.Single((await ReasonsAsync(oversized))["body"]), StringComparison.Ordinal);
        var big = await _host.Coordinator().GetFromJsonAsync<RejectedPartnerEvent>(
            $"/partner-events/rejected/{(await oversized.ReadAsync<JsonElement>()).GetProperty("rejectionId").GetGuid()}", Api.Json);
        Assert.True(big!.PayloadTruncated);
        Assert.Equal(Encoding.UTF8.GetByteCount(huge), big.PayloadBytes);
        Assert.Equal(RejectedPartnerEvent.KeptBytesOfOversized, Encoding.UTF8.GetByteCount(big.Payload));

        var rejectedBefore = await _host.CountAsync("select count(*) from mt_doc_rejectedpartnerevent");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Host.CreateClient().PostAsync("/partner-events", new StringContent(Report("x", "y")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(PartnerClient("ecn_not-a-key"), Report("x", "y"))).StatusCode);
        Assert.Equal(rejectedBefore, await _host.CountAsync("select count(*) from mt_doc_rejectedpartnerevent"));

        var listed = await _host.Coordinator().GetFromJsonAsync<JsonElement>($"/partner-events/rejected?partnerId={partnerId}", Api.Json);
        Assert.Equal(3, listed.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_partner_may_only_touch_projects_it_reported()
    {
        var (a, keyA) = await PartnerAsync();
        var (b, keyB) = await PartnerAsync();
        var reference = Unique("MD");
        var project = await SendAsync(PartnerClient(keyA), Report(Unique("e"), reference)).OkAsync<PartnerEventAccepted>();
        var staffProject = await _host.Officer().PostAsync("/projects", new
        {
            title = "Staff project", funder = "EU", beneficiaryCountries = new[] { "MD" }, startDate = "2027-01-01", endDate = "2027-12-31",
        }).OkAsync<ProjectView>();

        var byId = await ReasonsAsync(await SendAsync(PartnerClient(keyB), Update(Unique("e"), null, project.ProjectId, title: "Hijacked")));
        Assert.Contains("not reported by you", Assert.Single(byId["projectId"]), StringComparison.Ordinal);
        var staff = await ReasonsAsync(await SendAsync(PartnerClient(keyB), Update(Unique("e"), null, staffProject.Id, title: "Hijacked")));
        Assert.Contains("not reported by you", Assert.Single(staff["projectId"]), StringComparison.Ordinal);
        var byReference = await ReasonsAsync(await SendAsync(PartnerClient(keyB), Update(Unique("e"), reference, title: "Hijacked")));
        Assert.Contains("You have not reported", Assert.Single(byReference["projectRef"]), StringComparison.Ordinal);

        Assert.Equal(1, await _host.EventsOfAsync(project.ProjectId));
        Assert.Equal(1, await _host.EventsOfAsync(staffProject.Id));
        var listed = await _host.Coordinator().GetFromJsonAsync<JsonElement>($"/partner-events/rejected?partnerId={b}", Api.Json);
        Assert.Equal(3, listed.GetProperty("total").GetInt64());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task A_refused_event_is_replayed_once_its_cause_is_fixed()
    {
        var (partnerId, key) = await PartnerAsync();
        var partner = PartnerClient(key);
        var reference = Unique("LATE");

        // The activity overtook the report of its project.
        var early = await SendAsync(partner, Activity(Unique("e"), reference));
        Assert.Contains("You have not reported", Assert.Single((await ReasonsAsync(early))["projectRef"]), StringComparison.Ordinal);
        var rejectionId = (await early.ReadAsync<JsonElement>()).GetProperty("rejectionId").GetGuid();
        var project = await SendAsync(partner, Report(Unique("e"), reference)).OkAsync<PartnerEventAccepted>();

        var replay = await _host.Coordinator("carla.coordinator").PostAsync($"/partner-events/rejected/{rejectionId}/replay").OkAsync<ReplayOutcome>();
        Assert.Equal(("accepted", project.ProjectId, RejectionStatus.Replayed), (replay.Outcome, replay.ProjectId!.Value, replay.Rejection.Status));
        Assert.Equal("carla.coordinator", Assert.Single(replay.Rejection.Replays).By);
        Assert.Single((await _host.Officer().GetFromJsonAsync<ProjectView>($"/projects/{project.ProjectId}", Api.Json))!.Activities);
        var history = await _host.Officer().GetFromJsonAsync<JsonElement[]>($"/projects/{project.ProjectId}/history", Api.Json);
        Assert.Contains("replayed by carla.coordinator", history![^1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Coordinator().PostAsync($"/partner-events/rejected/{rejectionId}/replay")).StatusCode);

        // A malformed message is replayed with the payload staff corrected.
        var malformed = await SendAsync(partner, "{ not json");
        var malformedId = (await malformed.ReadAsync<JsonElement>()).GetProperty("rejectionId").GetGuid();
        var stillBad = await _host.Coordinator().PostAsync($"/partner-events/rejected/{malformedId}/replay");
        Assert.Equal(HttpStatusCode.BadRequest, stillBad.StatusCode);
        using var corrected = JsonDocument.Parse(Closed(Unique("e"), reference));
        var fixedReplay = await _host.Coordinator().PostAsync($"/partner-events/rejected/{malformedId}/replay", new { payload = corrected.RootElement }).OkAsync<ReplayOutcome>();
        Assert.Equal("accepted", fixedReplay.Outcome);
        Assert.True(fixedReplay.Rejection.Replays[^1].CorrectedPayload);
        Assert.Equal(ProjectStatus.Closed, (await _host.Officer().GetFromJsonAsync<ProjectView>($"/projects/{project.ProjectId}", Api.Json))!.Status);
        Assert.NotEqual(Guid.Empty, partnerId);
    }
}

/// <summary>
/// Partner events over AMQP: bare JSON published with plain RabbitMQ.Client by partners' own
/// RabbitMQ users (permissions: write to the partner exchange only), identified by user_id.
/// </summary>
[Collection(SharedHostGroup.Name)]
public sealed class PartnerAmqpIntakeTests(SharedHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    private async Task<(Guid PartnerId, string User, Uri Amqp)> AmqpPartnerAsync(bool register = true)
    {
        var user = PartnerIntakeTests.Unique("partner");
        var amqp = await _host.Platform.RabbitMq.CreateUserAsync(_host.Platform.VirtualHost, user, Guid.NewGuid().ToString("N"),
            configure: "^$", write: "^partner-events$", read: "^$");
        if (!register) return (Guid.Empty, user, amqp);
        var partner = await _host.Coordinator().PostAsync("/partners", new { name = PartnerIntakeTests.Unique("Member State"), amqpUser = user }).OkAsync<PartnerView>();
        return (partner.Id, user, amqp);
    }

    /// <summary>What a partner system does: a persistent message, plain JSON, user_id set, publisher confirms.</summary>
    internal static async Task PublishAsync(Uri amqp, string routingKey, byte[] body, string? userId)
    {
        var factory = new ConnectionFactory { Uri = amqp };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, UserId = userId, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("partner-events", routingKey, mandatory: true, properties, body);
    }

    private Task<JsonElement> RejectedAsync(string query, int count = 1) =>
        Eventually.ReturnsAsync(() => _host.Coordinator().GetFromJsonAsync<JsonElement>($"/partner-events/rejected?{query}", Api.Json),
            page => page.GetProperty("total").GetInt64() >= count, TimeSpan.FromSeconds(60), $"rejected ({query})");

    private Task<ProjectView?> ProjectAsync(Guid id, Func<ProjectView, bool> done) =>
        Eventually.ReturnsAsync(async () =>
        {
            var response = await _host.Officer().GetAsync($"/projects/{id}");
            return response.IsSuccessStatusCode ? await response.ReadAsync<ProjectView>() : null;
        }, p => p is not null && done(p), TimeSpan.FromSeconds(60), $"project {id}");

    private static string Reasons(JsonElement page) => page.GetProperty("items")[0].GetProperty("reasons").GetRawText();

    [Fact]
    public async Task A_partner_publishes_bare_json_as_its_own_rabbitmq_user_and_bad_messages_never_block_the_queue()
    {
        var (partnerId, user, amqp) = await AmqpPartnerAsync();
        var reference = PartnerIntakeTests.Unique("MD");
        var projectId = PartnerProjectDecisions.ProjectIdFor(partnerId, reference);
        var reportId = PartnerIntakeTests.Unique("e");
        var report = Bytes.Utf8(PartnerIntakeTests.Report(reportId, reference));

        await PublishAsync(amqp, "project.reported", report, user);
        await PublishAsync(amqp, "project.reported", report, user); // a duplicate
        await PublishAsync(amqp, "project.updated", Bytes.Utf8("{ this is not json"), user);
        await PublishAsync(amqp, "project.updated", Bytes.Utf8(PartnerIntakeTests.Report(PartnerIntakeTests.Unique("big"), reference, title: new string('x', 70_000))), user);
        var misrouted = PartnerIntakeTests.Unique("e");
        await PublishAsync(amqp, "project.closed", Bytes.Utf8(PartnerIntakeTests.Update(misrouted, reference)), user);
        var lost = PartnerIntakeTests.Unique("e");
        await PublishAsync(amqp, "nowhere.special", Bytes.Utf8(PartnerIntakeTests.Closed(lost, reference)), user);
        await PublishAsync(amqp, "project.updated", Bytes.Utf8(PartnerIntakeTests.Update(PartnerIntakeTests.Unique("e"), reference)), user);

        var project = await ProjectAsync(projectId, p => p.Title == "Cyber resilience for Moldova, phase 2");
        Assert.Equal(partnerId.ToString(), project!.Source);
        Assert.Equal(2, await _host.EventsOfAsync(projectId)); // reported once, updated once
        var history = await _host.Officer().GetFromJsonAsync<JsonElement[]>($"/projects/{projectId}/history", Api.Json);
        Assert.All(history!, h => Assert.Equal($"partner:{partnerId}", h.GetProperty("user").GetString()));

        var rejected = await RejectedAsync($"partnerId={partnerId}", 4);
        Assert.Equal(4, rejected.GetProperty("total").GetInt64());
        var items = rejected.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal(("amqp", user), (i.GetProperty("channel").GetString(), i.GetProperty("amqpUser").GetString())));
        Assert.Contains(items, i => i.GetProperty("payload").GetString() == "{ this is not json");
        Assert.Contains(items, i => i.GetProperty("payloadTruncated").GetBoolean());
        var wrongKey = items.Single(i => i.GetProperty("eventId").GetString() == misrouted);
        Assert.Contains("publish it with routing key 'project.updated'", wrongKey.GetProperty("reasons").GetRawText(), StringComparison.Ordinal);
        var unknownKey = items.Single(i => i.GetProperty("eventId").GetString() == lost);
        Assert.Contains("is not a partner event routing key", unknownKey.GetProperty("reasons").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_of_unknown_or_unnamed_users_are_kept_and_replayed_once_the_partner_is_registered()
    {
        var (_, stranger, amqp) = await AmqpPartnerAsync(register: false);
        var reference = PartnerIntakeTests.Unique("UA");
        await PublishAsync(amqp, "project.reported", Bytes.Utf8(PartnerIntakeTests.Report(PartnerIntakeTests.Unique("e"), reference)), stranger);
        var unknown = await RejectedAsync($"amqpUser={stranger}");
        Assert.Contains("is not the RabbitMQ user of a registered partner", Reasons(unknown), StringComparison.Ordinal);

        var unnamedId = PartnerIntakeTests.Unique("e");
        await PublishAsync(amqp, "project.reported", Bytes.Utf8(PartnerIntakeTests.Report(unnamedId, PartnerIntakeTests.Unique("UA"))), userId: null);
        var unnamed = await RejectedAsync($"eventId={unnamedId}");
        Assert.Contains("user_id", Reasons(unnamed), StringComparison.Ordinal);
        Assert.Contains("is missing", Reasons(unnamed), StringComparison.Ordinal);

        var partner = await _host.Coordinator().PostAsync("/partners", new { name = "Ukraine SSSCIP", amqpUser = stranger }).OkAsync<PartnerView>();
        var rejectionId = unknown.GetProperty("items")[0].GetProperty("id").GetGuid();
        var replay = await _host.Coordinator().PostAsync($"/partner-events/rejected/{rejectionId}/replay").OkAsync<ReplayOutcome>();
        Assert.Equal(("accepted", partner.Id), (replay.Outcome, replay.Rejection.PartnerId!.Value));
        Assert.Equal(partner.Id.ToString(), (await _host.Officer().GetFromJsonAsync<ProjectView>($"/projects/{replay.ProjectId}", Api.Json))!.Source);
    }

    [Fact]
    public async Task RabbitMQ_itself_refuses_a_user_id_that_is_not_the_connections_user()
    {
        var (victim, victimUser, _) = await AmqpPartnerAsync();
        var (_, _, impostor) = await AmqpPartnerAsync();
        var eventId = PartnerIntakeTests.Unique("e");
        var reference = PartnerIntakeTests.Unique("MD");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            PublishAsync(impostor, "project.reported", Bytes.Utf8(PartnerIntakeTests.Report(eventId, reference)), victimUser));
        Assert.True(refused is OperationInterruptedException or AlreadyClosedException or PublishException, refused.ToString());
        Assert.Contains("user_id", refused.ToString(), StringComparison.OrdinalIgnoreCase);

        // A message that did arrive would be on the queue before this one.
        var (marker, markerUser, markerAmqp) = await AmqpPartnerAsync();
        var markerRef = PartnerIntakeTests.Unique("MD");
        await PublishAsync(markerAmqp, "project.reported", Bytes.Utf8(PartnerIntakeTests.Report(PartnerIntakeTests.Unique("e"), markerRef)), markerUser);
        await ProjectAsync(PartnerProjectDecisions.ProjectIdFor(marker, markerRef), _ => true);
        Assert.Equal(0, await _host.EventsOfAsync(PartnerProjectDecisions.ProjectIdFor(victim, reference)));
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_doc_rejectedpartnerevent where data ->> 'eventId' = @id", ("id", eventId)));
    }

    [Fact]
    public async Task Over_amqp_too_a_partner_may_only_touch_its_own_projects()
    {
        var (aId, userA, amqpA) = await AmqpPartnerAsync();
        var (b, userB, amqpB) = await AmqpPartnerAsync();
        var reference = PartnerIntakeTests.Unique("MD");
        await PublishAsync(amqpA, "project.reported", Bytes.Utf8(PartnerIntakeTests.Report(PartnerIntakeTests.Unique("e"), reference)), userA);
        var projectId = PartnerProjectDecisions.ProjectIdFor(aId, reference);
        await ProjectAsync(projectId, _ => true);

        var hijack = PartnerIntakeTests.Unique("e");
        await PublishAsync(amqpB, "project.updated", Bytes.Utf8(PartnerIntakeTests.Update(hijack, null, projectId, title: "Hijacked")), userB);
        var rejected = await RejectedAsync($"eventId={hijack}");
        Assert.Equal(b, rejected.GetProperty("items")[0].GetProperty("partnerId").GetGuid());
        Assert.Contains("not reported by you", Reasons(rejected), StringComparison.Ordinal);
        Assert.Equal(1, await _host.EventsOfAsync(projectId));
    }
}
