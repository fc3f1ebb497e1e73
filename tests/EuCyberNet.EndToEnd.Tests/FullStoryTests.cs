using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Testing;
using Xunit.Abstractions;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>
/// The whole story of issue 7, through the gateway of the real AppHost, every step with a token of
/// the role that takes it, all of it one trace: every request carries a W3C <c>traceparent</c> with
/// the story's trace id (and a fresh parent span), and nothing else. The services derive the
/// correlation id from the trace id, so the id that comes back on every answer, that every event
/// stores and that Coordination's timeline is asked for is the trace the dashboard shows.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class FullStoryTests(AppHostFixture system, ITestOutputHelper output)
{
    private static readonly TimeSpan Async = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_expert_joins_is_deployed_and_trained_and_every_service_tells_the_same_story()
    {
        var story = new Story(system, output);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // 1. An expert applies (anonymous), is acknowledged, submits a profile, consents and is accepted.
        var application = await story.SendAsync(Actor.Anonymous, HttpMethod.Post, "/experts/applications", new
        {
            name = "Kadri Tamm",
            email = $"kadri.tamm+{Guid.NewGuid():N}@cert.ee",
            citizenship = "EE",
            organisation = "CERT-EE",
            motivation = "Ten years of national incident response; I want to help partner CSIRTs grow.",
        }, HttpStatusCode.Created);
        var expertId = application.GetProperty("id").GetGuid();
        var expert = story.Expert(expertId);

        await story.SendAsync(Actor.Coordinator, HttpMethod.Post, $"/experts/{expertId}/acknowledge", null);
        await story.SendAsync(expert, HttpMethod.Put, $"/experts/{expertId}/consents/data-processing", new { given = true });
        await story.SendAsync(expert, HttpMethod.Put, $"/experts/{expertId}/profile", new
        {
            languages = new[] { new { code = "et", level = "native" }, new { code = "en", level = "c1" }, new { code = "ro", level = "b1" } },
            roles = new[] { "cyber-incident-responder" },
            skills = new[] { new { family = "tech", skillset = "Incident handling", name = "CSIRT set-up" } },
            yearsOfExperience = 10,
            organisation = "CERT-EE",
            bio = "Built and ran incident handling at a national CSIRT.",
        });
        await story.SendAsync(expert, HttpMethod.Put, $"/experts/{expertId}/availability", new
        {
            windows = new[] { new { from = Day(0), to = Day(120), percent = 100 } },
        });
        var accepted = await story.SendAsync(Actor.Coordinator, HttpMethod.Post, $"/experts/{expertId}/accept", new { reason = "Strong incident response record" });
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());

        // 2. A project officer registers a project and a request for expertise; a coordinator approves it.
        var project = await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, "/projects", new
        {
            title = "CSIRT maturity for Moldova",
            funder = "European Commission (FPI)",
            implementers = new[] { "Expertise France" },
            beneficiaryCountries = new[] { "MD" },
            themes = new[] { "incident-management-and-cip" },
            pillars = new[] { "crisis-prevention-and-management" },
            budgetEur = 1_500_000,
            startDate = Day(1),
            endDate = Day(400),
            status = "ongoing",
        }, HttpStatusCode.Created);
        var projectId = project.GetProperty("id").GetGuid();

        var request = await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, "/expertise-requests", new
        {
            projectId,
            requester = "EU Delegation to Moldova",
            activityType = "advisory-mission",
            title = "Incident handling procedures for the national CSIRT",
            tasks = "Review the CSIRT's procedures and train its duty officers.",
            roles = new[] { "cyber-incident-responder" },
            skills = new[] { "incident handling" },
            languages = new[] { "en" },
            themes = new[] { "incident-management-and-cip" },
            country = "MD",
            remote = false,
            startDate = Day(30),
            endDate = Day(40),
            applicationDeadline = Day(20),
            paid = true,
            travel = true,
            expertsNeeded = 1,
        }, HttpStatusCode.Created);
        var requestId = request.GetProperty("id").GetGuid();
        Assert.Equal("draft", request.GetProperty("status").GetString());
        await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/expertise-requests/{requestId}/submit", new { reason = "Ready for approval" });
        var published = await story.SendAsync(Actor.Coordinator, HttpMethod.Post, $"/expertise-requests/{requestId}/approve", new { reason = "Fits the FPI programme" });
        Assert.Equal("published", published.GetProperty("status").GetString());

        // 3. The expert applies (once Projects has heard that she is accepted), is shortlisted and selected.
        await Eventually.ReturnsAsync(
            () => story.TrySendAsync(expert, HttpMethod.Post, $"/expertise-requests/{requestId}/applications", new { expertId }),
            r => r.Status == HttpStatusCode.Created, Async, "the expert's application (Projects hearing she was accepted)");
        await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/expertise-requests/{requestId}/applications/{expertId}/shortlist", new { reason = "Best match" });
        var selection = await story.TrySendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/expertise-requests/{requestId}/applications/{expertId}/select", new { reason = "Selected by the delegation" });
        Assert.Equal(HttpStatusCode.OK, selection.Status);
        var deploymentId = Guid.Parse(selection.Location!.Split('/')[^1]);

        // 4. The deployment is confirmed, started, extended, completed (the expert's debrief) and evaluated.
        await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/deployments/{deploymentId}/confirm", new { reason = "Travel booked" });
        await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/deployments/{deploymentId}/start", null);
        await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/deployments/{deploymentId}/extend", new { endDate = Day(47), reason = "The CSIRT asked for a second week" });
        await story.SendAsync(expert, HttpMethod.Post, $"/deployments/{deploymentId}/complete", new { debrief = "Procedures rewritten; duty officers trained." });
        var evaluated = await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, $"/deployments/{deploymentId}/evaluate", new { rating = 5, feedback = "Excellent" });
        Assert.Equal("evaluated", evaluated.GetProperty("status").GetString());

        // 5. A training request is scheduled into a session that the expert completes.
        var course = await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, "/courses", new
        {
            title = "Advanced incident handling",
            provider = "ENISA",
            format = "online",
            language = "en",
            roles = new[] { "cyber-incident-responder" },
            themes = new[] { "culture-and-skills" },
            durationDays = 1,
        }, HttpStatusCode.Created);
        var session = await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, "/training-sessions", new
        {
            courseId = course.GetProperty("id").GetGuid().ToString(),
            startDate = Day(0),
            endDate = Day(0),
            online = true,
            capacity = 20,
            enrolmentDeadline = Day(0),
        }, HttpStatusCode.Created);
        var sessionId = session.GetProperty("id").GetGuid();
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/training-sessions/{sessionId}/open", null);

        var trainingRequest = await story.SendAsync(Actor.Coordinator, HttpMethod.Post, "/training-requests", new
        {
            requester = "EU Delegation to Georgia",
            beneficiaryCountry = "GE",
            topic = "Incident handling for the national CERT",
            roles = new[] { "cyber-incident-responder" },
            themes = new[] { "culture-and-skills" },
            audienceSize = 12,
            preferredFrom = Day(0),
            preferredTo = Day(60),
        }, HttpStatusCode.Created);
        var trainingRequestId = trainingRequest.GetProperty("id").GetGuid();
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/training-requests/{trainingRequestId}/review", null);
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/training-requests/{trainingRequestId}/approve", null);
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/training-requests/{trainingRequestId}/schedule", new { sessionId = sessionId.ToString() });

        var enrolment = (await Eventually.ReturnsAsync(
            () => story.TrySendAsync(expert, HttpMethod.Post, $"/training-sessions/{sessionId}/enrolments", new { expertId = expertId.ToString() }),
            r => r.Status == HttpStatusCode.Created, Async, "the expert's enrolment (Training hearing she was accepted)")).Body;
        Assert.Equal("confirmed", enrolment.GetProperty("status").GetString());
        var enrolmentId = enrolment.GetProperty("id").GetGuid();
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/training-sessions/{sessionId}/deliver", null);
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/training-requests/{trainingRequestId}/deliver", null);
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/enrolments/{enrolmentId}/attend", null);
        await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/enrolments/{enrolmentId}/complete", null);
        var certified = await story.SendAsync(Actor.TrainingManager, HttpMethod.Post, $"/enrolments/{enrolmentId}/certify", null);
        var certificate = certified.GetProperty("certificateNumber").GetString();
        Assert.False(string.IsNullOrEmpty(certificate));

        // 6. A second project in the same country and theme, by another funder.
        var second = await story.SendAsync(Actor.ProjectOfficer, HttpMethod.Post, "/projects", new
        {
            title = "Moldova national CERT support",
            funder = "Germany (GIZ)",
            implementers = new[] { "GIZ" },
            beneficiaryCountries = new[] { "MD" },
            themes = new[] { "incident-management-and-cip", "standards" },
            pillars = Array.Empty<string>(),
            budgetEur = 800_000,
            startDate = Day(60),
            endDate = Day(500),
            status = "planned",
        }, HttpStatusCode.Created);
        var secondProjectId = second.GetProperty("id").GetGuid();

        // The expert's own record shows the deployment and the training, learned from the other services.
        var record = await Eventually.ReturnsAsync(
            () => story.GetAsync(expert, $"/experts/{expertId}"),
            r => r.GetProperty("deployments").EnumerateArray().Any(d => d.GetProperty("stage").GetString() == "evaluated")
                 && r.GetProperty("trainings").EnumerateArray().Any(t => t.GetProperty("certificateNumber").GetString() == certificate),
            Async, "the expert's record showing the evaluated deployment and the certified training");
        var deployment = Assert.Single(record.GetProperty("deployments").EnumerateArray());
        Assert.Equal(deploymentId, deployment.GetProperty("deploymentId").GetGuid());
        Assert.Equal(requestId, deployment.GetProperty("requestId").GetGuid());
        Assert.Equal(projectId, deployment.GetProperty("projectId").GetGuid());
        Assert.Equal("MD", deployment.GetProperty("country").GetString());
        Assert.Equal(Day(47), deployment.GetProperty("endDate").GetString());
        Assert.Equal(5, deployment.GetProperty("rating").GetInt32());
        var training = Assert.Single(record.GetProperty("trainings").EnumerateArray());
        Assert.Equal(enrolmentId, training.GetProperty("enrolmentId").GetGuid());
        Assert.Equal(sessionId, training.GetProperty("sessionId").GetGuid());
        Assert.Equal("Advanced incident handling", training.GetProperty("courseTitle").GetString());

        // The overlap alert: the second project meets the first in Moldova on incident management.
        var alerts = await Eventually.ReturnsAsync(
            () => story.GetAsync(Actor.Coordinator, $"/coordination/overlaps?activity=project/{secondProjectId}"),
            r => Mentions(r, projectId), Async, "an overlap alert between the two projects");
        var alert = alerts.GetProperty("items").EnumerateArray().First(a => Mentions(a, projectId));
        Assert.Equal("raised", alert.GetProperty("status").GetString());
        Assert.Contains("MD", alert.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("incident-management-and-cip", alert.GetRawText(), StringComparison.Ordinal);

        // Coordination's timeline of this story (its correlation id is the trace id): every step, in order.
        string[] expectedOrder =
        [
            "ExpertApplicationReceived", "ExpertJoinedPool", "ProjectRegistered", "ExpertiseRequestPublished",
            "ExpertiseRequestApplicationReceived", "ExpertiseRequestApplicantShortlisted", "ExpertiseRequestApplicantSelected",
            "DeploymentConfirmed", "DeploymentStarted", "DeploymentExtended",
            "DeploymentCompleted", "DeploymentEvaluated", "TrainingSessionScheduled", "TrainingRequestApproved",
            "TrainingRequestScheduled", "EnrolmentConfirmed", "TrainingRequestDelivered", "TrainingCompleted",
            "ProjectRegistered", "OverlapRaised",
        ];
        var timeline = await Eventually.ReturnsAsync(
            () => story.GetAsync(Actor.Auditor, $"/coordination/timeline?correlationId={story.CorrelationId}&pageSize=200"),
            t => IsSubsequence(expectedOrder, Types(t)), Async, "the timeline telling the whole story");
        output.WriteLine("timeline: " + string.Join(", ", Types(timeline)));
        // Committed in the same transaction as the selection and the confirmation: same instant, either order.
        Assert.Contains("ExpertiseRequestClosed", Types(timeline));
        Assert.Contains("ExpertiseRequestFulfilled", Types(timeline));
        Assert.All(timeline.GetProperty("items").EnumerateArray(), e => Assert.Equal(story.CorrelationId, e.GetProperty("correlationId").GetString()));
        var subjects = timeline.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).ToList();
        foreach (var subject in new[] { $"expert/{expertId}", $"project/{projectId}", $"expertise-request/{requestId}", $"deployment/{deploymentId}",
                     $"training-session/{sessionId}", $"training-request/{trainingRequestId}", $"enrolment/{enrolmentId}", $"project/{secondProjectId}" })
            Assert.Contains(subject, subjects);

        // Every step is in the histories, with the user of the token that took it and the story's correlation id.
        // The expert's own decisions exactly; then what Experts learned from Projects and Training, each
        // with the user who took the step there. Each message type has its own queue, so a later stage
        // may arrive first and make an earlier one redundant: how many recordings there are varies.
        var expertHistory = await story.HistoryAsync($"/experts/{expertId}/history");
        story.Expect($"/experts/{expertId}/history (decisions)", expertHistory.Take(6),
            ("ExpertApplied", Actor.Anonymous), ("ExpertAcknowledged", Actor.Coordinator), ("ExpertConsentGiven", expert),
            ("ExpertProfileSubmitted", expert), ("ExpertAvailabilityDeclared", expert), ("ExpertAccepted", Actor.Coordinator));
        var learned = expertHistory.Skip(6).ToList();
        story.Check($"/experts/{expertId}/history (learned)", learned.All(h =>
            h == ("ExpertDeploymentRecorded", Actor.ProjectOfficer.User) || h == ("ExpertDeploymentRecorded", expert.User)
            || h == ("ExpertTrainingCompleted", Actor.TrainingManager.User))
            && learned.Contains(("ExpertDeploymentRecorded", Actor.ProjectOfficer.User))
            && learned.Contains(("ExpertTrainingCompleted", Actor.TrainingManager.User)), string.Join(", ", learned));
        await story.AssertHistoryAsync($"/projects/{projectId}/history", ("ProjectRegistered", Actor.ProjectOfficer));
        await story.AssertHistoryAsync($"/expertise-requests/{requestId}/history",
            ("ExpertiseRequestDrafted", Actor.ProjectOfficer), ("ExpertiseRequestSubmitted", Actor.ProjectOfficer),
            ("ExpertiseRequestApproved", Actor.Coordinator), ("ApplicationReceived", expert), ("ApplicationShortlisted", Actor.ProjectOfficer),
            ("ApplicationSelected", Actor.ProjectOfficer), ("ExpertiseRequestClosed", Actor.ProjectOfficer),
            ("SelectionConfirmed", Actor.ProjectOfficer), ("ExpertiseRequestFulfilled", Actor.ProjectOfficer));
        await story.AssertHistoryAsync($"/deployments/{deploymentId}/history",
            ("DeploymentPlanned", Actor.ProjectOfficer), ("DeploymentConfirmed", Actor.ProjectOfficer), ("DeploymentStarted", Actor.ProjectOfficer),
            ("DeploymentExtended", Actor.ProjectOfficer), ("DeploymentCompleted", expert), ("DeploymentEvaluated", Actor.ProjectOfficer));
        await story.AssertHistoryAsync($"/training-requests/{trainingRequestId}/history",
            ("TrainingRequestSubmitted", Actor.Coordinator), ("TrainingRequestReviewStarted", Actor.TrainingManager),
            ("TrainingRequestApproved", Actor.TrainingManager), ("TrainingRequestScheduled", Actor.TrainingManager),
            ("TrainingRequestDelivered", Actor.TrainingManager));
        await story.AssertHistoryAsync($"/enrolments/{enrolmentId}/history",
            ("ParticipantNominated", expert), ("EnrolmentConfirmed", expert), ("ParticipantAttended", Actor.TrainingManager),
            ("EnrolmentCompleted", Actor.TrainingManager), ("CertificateIssued", Actor.TrainingManager));
        await story.AssertHistoryAsync($"/training-sessions/{sessionId}/history",
            ("SessionScheduled", Actor.TrainingManager), ("SessionOpenedForEnrolment", Actor.TrainingManager), ("SeatAllocated", expert),
            ("SessionDelivered", Actor.TrainingManager));
        await story.AssertHistoryAsync($"/projects/{secondProjectId}/history", ("ProjectRegistered", Actor.ProjectOfficer));
        var alertHistory = await story.GetArrayAsync(Actor.Auditor, $"/coordination/overlaps/{alert.GetProperty("id").GetGuid()}/history");
        Assert.Equal(story.CorrelationId, alertHistory[0].GetProperty("correlationId").GetString());
        story.AssertNoMismatches();
    }

    private static bool Mentions(JsonElement element, Guid id) => element.GetRawText().Contains(id.ToString(), StringComparison.OrdinalIgnoreCase);

    private static List<string> Types(JsonElement timeline) =>
        [.. timeline.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];

    private static bool IsSubsequence(string[] expected, List<string> actual)
    {
        var i = 0;
        foreach (var type in actual)
            if (i < expected.Length && type == expected[i]) i++;
        return i == expected.Length;
    }
}

/// <summary>Who takes a step: a role, and the subject of its token (recorded as the user on every event).</summary>
public sealed record Actor(string User, string? Role, Guid? ExpertId = null)
{
    public static readonly Actor Anonymous = new("anonymous", null);
    public static readonly Actor Coordinator = new("coordinator.ines", Roles.Coordinator);
    public static readonly Actor ProjectOfficer = new("officer.marc", Roles.ProjectOfficer);
    public static readonly Actor TrainingManager = new("training.lena", Roles.TrainingManager);
    public static readonly Actor Auditor = new("auditor.paul", Roles.Auditor);

    public override string ToString() => Role is null ? User : $"{User} ({Role})";
}

/// <summary>One story: one trace id for every request, tokens per actor, answers checked as they come.</summary>
internal sealed class Story(AppHostFixture system, ITestOutputHelper output)
{
    private readonly ActivityTraceId _traceId = ActivityTraceId.CreateRandom();
    private readonly Dictionary<Actor, string> _tokens = [];

    /// <summary>What every service records as the correlation id: the story's trace id.</summary>
    public string CorrelationId => _traceId.ToHexString();

    public Actor Expert(Guid expertId) => new($"expert.{expertId:N}"[..19], Roles.Expert, expertId);

    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string? Location);

    public async Task<Answer> TrySendAsync(Actor actor, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (actor.Role is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(actor));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{CorrelationId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await system.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (method != HttpMethod.Get || !response.IsSuccessStatusCode) output.WriteLine($"{actor}: {method} {path} → {(int)response.StatusCode}");
        Assert.True(response.Headers.TryGetValues("X-Correlation-Id", out var correlation), $"{method} {path}: no X-Correlation-Id");
        Assert.Equal(CorrelationId, correlation!.Single());
        var json = text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        if ((int)response.StatusCode >= 400) output.WriteLine("  " + text);
        return new Answer(response.StatusCode, json, response.Headers.Location?.ToString());
    }

    public async Task<JsonElement> SendAsync(Actor actor, HttpMethod method, string path, object? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var answer = await TrySendAsync(actor, method, path, body);
        Assert.True(answer.Status == expected, $"{actor}: {method} {path} answered {(int)answer.Status}, expected {(int)expected}: {answer.Body}");
        return answer.Body;
    }

    public Task<JsonElement> GetAsync(Actor actor, string path) => SendAsync(actor, HttpMethod.Get, path, null);

    public async Task<JsonElement[]> GetArrayAsync(Actor actor, string path) => [.. (await GetAsync(actor, path)).EnumerateArray()];

    private readonly List<string> _mismatches = [];

    /// <summary>A resource's history as (type, user), read by an auditor; every event must carry the story's correlation id.</summary>
    public async Task<List<(string Type, string User)>> HistoryAsync(string path)
    {
        var history = await GetArrayAsync(Actor.Auditor, path);
        var actual = history.Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("user").GetString()!)).ToList();
        output.WriteLine($"{path}: {string.Join(", ", actual.Select(a => $"{a.Item1} by {a.Item2}"))}");
        foreach (var e in history)
            Check($"{path} {e.GetProperty("type").GetString()}: correlation id", e.GetProperty("correlationId").GetString() == CorrelationId,
                e.GetProperty("correlationId").GetString() ?? "none");
        return actual;
    }

    /// <summary>
    /// The resource's history holds exactly these steps in this order, each with the user of the
    /// token that took it, and the story's correlation id (mismatches are collected, see <see cref="AssertNoMismatches"/>).
    /// </summary>
    public async Task AssertHistoryAsync(string path, params (string Type, Actor Actor)[] steps) =>
        Expect(path, await HistoryAsync(path), steps);

    public void Expect(string what, IEnumerable<(string Type, string User)> actual, params (string Type, Actor Actor)[] steps)
    {
        var list = actual.ToList();
        Check(what, list.SequenceEqual(steps.Select(s => (s.Type, s.Actor.User))), string.Join(", ", list));
    }

    public void Check(string what, bool ok, string actual)
    {
        if (!ok) _mismatches.Add($"{what}: was {actual}");
    }

    /// <summary>Every history checked, then one failure listing every mismatch.</summary>
    public void AssertNoMismatches() => Assert.True(_mismatches.Count == 0, string.Join("\n", _mismatches));

    private string Token(Actor actor)
    {
        if (_tokens.TryGetValue(actor, out var token)) return token;
        var claims = actor.ExpertId is { } id ? new[] { new Claim(LocalTokens.ExpertIdClaim, id.ToString()) } : [];
        return _tokens[actor] = Tokens.Create(system.SigningKey, actor.User, actor.Role!, claims);
    }
}
