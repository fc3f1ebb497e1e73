using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Coordination.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Testing;

namespace EuCyberNet.Coordination.Tests;

/// <summary>
/// The duplication detector on real Projects and Training contract events published on the real
/// broker, and the alert lifecycle over HTTP. Each test works in its own country, so they share one host.
/// </summary>
public sealed class OverlapTests(OverlapTests.Host fixture) : IClassFixture<OverlapTests.Host>
{
    public sealed class Host : IAsyncLifetime
    {
        public CoordinationHost Coordination { get; private set; } = null!;

        public async Task InitializeAsync() => Coordination = await CoordinationHost.StartAsync();

        public async Task DisposeAsync() => await Coordination.DisposeAsync();
    }

    private CoordinationHost Coordination => fixture.Coordination;

    [Fact]
    public async Task A_project_and_a_training_session_sharing_country_theme_and_period_raise_an_alert_that_a_change_resolves()
    {
        var raisedQueue = await Coordination.ListenToAsync<OverlapAlertRaised>();
        var resolvedQueue = await Coordination.ListenToAsync<OverlapAlertResolved>();
        var projectId = Guid.NewGuid();
        var sessionId = Guid.NewGuid();

        await Coordination.PublishAsync(new ProjectRegistered(projectId, 1, Samples.Project(country: "KE"), Samples.Now), correlationId: "project-story");
        await Coordination.PublishAsync(new TrainingSessionScheduled(sessionId, 1, Samples.Session(country: "KE"), Samples.Now), correlationId: "session-story");

        var alert = await WaitForAlertAsync($"project/{projectId}", a => a.Status == OverlapStatus.Raised);
        Assert.Equal(["KE"], alert.Countries);
        Assert.Equal([CcbTheme.IncidentManagementAndCip], alert.SharedThemes);
        Assert.Equal(OverlapRule.PairKey($"project/{projectId}", $"training-session/{sessionId}"), OverlapRule.PairKey(alert.ActivityA, alert.ActivityB));
        Assert.Equal(Samples.Start.AddMonths(1), alert.OverlapFrom);
        await Eventually.ReturnsAsync(() => Coordination.MessagesInAsync(raisedQueue), n => n == 1, what: "OverlapAlertRaised on the broker");

        // The project moves to another country: the overlap is gone and the alert resolves itself.
        await Coordination.PublishAsync(new ProjectUpdated(projectId, 2, Samples.Project(country: "TZ"), Samples.Now), correlationId: "move-story");
        var resolved = await WaitForAlertAsync($"project/{projectId}", a => a.Status == OverlapStatus.Resolved);
        Assert.True(resolved.ResolvedAutomatically);
        Assert.Contains("country", resolved.Reason, StringComparison.Ordinal);
        await Eventually.ReturnsAsync(() => Coordination.MessagesInAsync(resolvedQueue), n => n == 1, what: "OverlapAlertResolved on the broker");

        var history = await Coordination.GetAsync<HistoryEntry[]>($"/coordination/overlaps/{alert.Id}/history");
        Assert.Equal(["OverlapRaised", "OverlapResolved"], history.Select(h => h.Type));
        Assert.All(history, h => Assert.Equal(OverlapDetection.User, h.User));
        Assert.Equal("move-story", history[1].CorrelationId);
    }

    [Fact]
    public async Task A_training_request_overlapping_another_funders_project_is_raised_and_cancelling_the_project_resolves_it()
    {
        var projectId = Guid.NewGuid();
        var trainingRequestId = Guid.NewGuid();
        await Coordination.PublishAsync(new ProjectRegistered(projectId, 1,
            Samples.Project(country: "GH", funder: "Germany (BMZ)", themes: [CcbTheme.CultureAndSkills, CcbTheme.Cybercrime]), Samples.Now));
        await Coordination.PublishAsync(new TrainingRequestApproved(trainingRequestId, 3,
            Samples.TrainingRequest(country: "GH", themes: [CcbTheme.Cybercrime]), Samples.Now));

        var alert = await WaitForAlertAsync($"training-request/{trainingRequestId}", a => a.Status == OverlapStatus.Raised);
        Assert.Equal([CcbTheme.Cybercrime], alert.SharedThemes);

        await Coordination.PublishAsync(new ProjectUpdated(projectId, 2,
            Samples.Project(country: "GH", funder: "Germany (BMZ)", themes: [CcbTheme.CultureAndSkills, CcbTheme.Cybercrime], status: "cancelled"), Samples.Now));
        var resolved = await WaitForAlertAsync($"training-request/{trainingRequestId}", a => a.Status == OverlapStatus.Resolved);
        Assert.Contains("cancelled", resolved.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// The detector keeps its candidates in memory (<see cref="ActivityIndex"/>): an activity it has
    /// already seen that moves to another country must be found where it is now, and no longer where it was.
    /// </summary>
    [Fact]
    public async Task An_activity_that_moved_country_after_the_detector_saw_it_is_compared_where_it_is_now()
    {
        var projectId = Guid.NewGuid();
        await Coordination.PublishAsync(new ProjectRegistered(projectId, 1, Samples.Project(country: "UZ"), Samples.Now));
        await WaitForActivityInAsync("UZ", projectId);
        await Coordination.WaitForDetectionAsync(); // the detector has seen the project in Uzbekistan
        await Coordination.PublishAsync(new ProjectUpdated(projectId, 2, Samples.Project(country: "KG"), Samples.Now));
        await WaitForActivityInAsync("KG", projectId);
        await Coordination.WaitForDetectionAsync();

        var inUzbekistan = Guid.NewGuid();
        var inKyrgyzstan = Guid.NewGuid();
        await Coordination.PublishAsync(new TrainingSessionScheduled(inUzbekistan, 1, Samples.Session(country: "UZ"), Samples.Now));
        await Coordination.PublishAsync(new TrainingSessionScheduled(inKyrgyzstan, 1, Samples.Session(country: "KG"), Samples.Now));

        var alert = await WaitForAlertAsync($"training-session/{inKyrgyzstan}", a => a.Status == OverlapStatus.Raised);
        Assert.Equal(OverlapRule.PairKey($"project/{projectId}", $"training-session/{inKyrgyzstan}"), OverlapRule.PairKey(alert.ActivityA, alert.ActivityB));
        await WaitForActivityInAsync("UZ", inUzbekistan);
        await Coordination.WaitForDetectionAsync();
        Assert.Equal(0, (await Coordination.GetAsync<Page<OverlapView>>("/coordination/overlaps?country=UZ")).Total);
    }

    [Fact]
    public async Task Work_that_belongs_together_or_has_the_same_funder_and_implementer_or_no_common_theme_is_no_overlap()
    {
        var projectId = Guid.NewGuid();
        await Coordination.PublishAllAsync(
            new ProjectRegistered(projectId, 1, Samples.Project(country: "SN", funder: "European Union", implementers: ["Expertise France"]), Samples.Now),
            // a request of that very project
            new ExpertiseRequestPublished(Guid.NewGuid(), 2, Samples.Request(country: "SN", projectId: projectId), Samples.Now),
            // same funder, a common implementer: one actor's own portfolio (later than the request, which is someone else's)
            new ProjectRegistered(Guid.NewGuid(), 1, Samples.Project(country: "SN", funder: "european union ", implementers: ["Expertise France", "CIVIPOL"],
                from: Samples.Start.AddMonths(6)), Samples.Now),
            // another funder, but another theme
            new ProjectRegistered(Guid.NewGuid(), 1, Samples.Project(country: "SN", funder: "Japan (JICA)", themes: [CcbTheme.Standards]), Samples.Now));

        await Coordination.WaitForEventsAsync(4);
        await Coordination.WaitForDetectionAsync();

        var alerts = await Coordination.GetAsync<Page<OverlapView>>("/coordination/overlaps?country=SN");
        Assert.Equal(0, alerts.Total);
    }

    [Fact]
    public async Task Staff_acknowledge_and_dismiss_an_alert_with_every_failure_answered_precisely()
    {
        var alert = await RaiseAsync("UG");
        var client = Coordination.Client;

        var unknown = await client.PostAsJsonAsync($"/coordination/overlaps/{Guid.NewGuid()}/acknowledge", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var acknowledged = await client.PostAsJsonAsync($"/coordination/overlaps/{alert.Id}/acknowledge", new { reason = "Asking both funders" });
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal("\"2\"", acknowledged.Headers.ETag?.Tag);
        Assert.Equal(OverlapStatus.Acknowledged, (await Read(acknowledged)).Status);

        var stale = new HttpRequestMessage(HttpMethod.Post, $"/coordination/overlaps/{alert.Id}/dismiss") { Content = JsonContent.Create(new { reason = "x" }) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);

        var noReason = await client.PostAsJsonAsync($"/coordination/overlaps/{alert.Id}/dismiss", new { reason = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var errors = (await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["reason"], errors.EnumerateObject().Select(p => p.Name));

        var dismissed = await client.PostAsJsonAsync($"/coordination/overlaps/{alert.Id}/dismiss",
            new { reason = "Complementary: the project trains trainers, the session trains CERT staff" });
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        Assert.Equal(OverlapStatus.Dismissed, (await Read(dismissed)).Status);

        var resolveAfterDismiss = await client.PostAsJsonAsync($"/coordination/overlaps/{alert.Id}/resolve", new { });
        Assert.Equal(HttpStatusCode.Conflict, resolveAfterDismiss.StatusCode);
        Assert.Equal("dismissed", (await resolveAfterDismiss.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());

        var history = await Coordination.GetAsync<HistoryEntry[]>($"/coordination/overlaps/{alert.Id}/history");
        Assert.Equal(["OverlapRaised", "OverlapAcknowledged", "OverlapDismissed"], history.Select(h => h.Type));
        Assert.Equal("maria.schmidt", history[1].User);
        Assert.Equal("Asking both funders", history[1].Reason);
        Assert.StartsWith("Complementary", history[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dismissed_pair_stays_dismissed_but_an_overlap_that_went_away_and_came_back_is_a_new_alert()
    {
        var dismissedAlert = await RaiseAsync("RW");
        await Coordination.Client.PostAsJsonAsync($"/coordination/overlaps/{dismissedAlert.Id}/dismiss", new { reason = "Agreed division of labour" });
        var (projectA, _) = Parse(dismissedAlert.ActivityA.StartsWith("project/", StringComparison.Ordinal) ? dismissedAlert.ActivityA : dismissedAlert.ActivityB);
        var heard = await Coordination.HeardEventsAsync();
        await Coordination.PublishAsync(new ProjectUpdated(projectA, 5, Samples.Project(country: "RW", to: Samples.Start.AddMonths(14)), Samples.Now));
        await Coordination.WaitForEventsAsync(heard + 1);
        await Coordination.WaitForDetectionAsync();
        var rwanda = await Coordination.GetAsync<Page<OverlapView>>("/coordination/overlaps?country=RW");
        Assert.Equal([OverlapStatus.Dismissed], rwanda.Items.Select(a => a.Status));

        var first = await RaiseAsync("MZ");
        var projectId = Parse(first.ActivityA.StartsWith("project/", StringComparison.Ordinal) ? first.ActivityA : first.ActivityB).Id;
        await Coordination.PublishAsync(new ProjectUpdated(projectId, 2, Samples.Project(country: "MZ", from: Samples.Start.AddYears(3), to: Samples.Start.AddYears(4)), Samples.Now));
        await WaitForAlertAsync($"project/{projectId}", a => a.Status == OverlapStatus.Resolved);
        await Coordination.PublishAsync(new ProjectUpdated(projectId, 3, Samples.Project(country: "MZ"), Samples.Now));

        var second = await WaitForAlertAsync($"project/{projectId}", a => a.Status == OverlapStatus.Raised);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, second.Generation);
    }

    /// <summary>A project and a session in <paramref name="country"/> that overlap; returns their alert.</summary>
    private async Task<OverlapView> RaiseAsync(string country)
    {
        var projectId = Guid.NewGuid();
        await Coordination.PublishAsync(new ProjectRegistered(projectId, 1, Samples.Project(country: country), Samples.Now));
        await Coordination.PublishAsync(new TrainingSessionScheduled(Guid.NewGuid(), 1, Samples.Session(country: country), Samples.Now));
        return await WaitForAlertAsync($"project/{projectId}", a => a.Status == OverlapStatus.Raised);
    }

    private async Task<OverlapView> WaitForAlertAsync(string activity, Func<OverlapView, bool> done) =>
        (await Eventually.ReturnsAsync(
            () => Coordination.GetAsync<Page<OverlapView>>($"/coordination/overlaps?activity={Uri.EscapeDataString(activity)}"),
            page => page.Items.Any(done), TimeSpan.FromSeconds(60), $"alert for {activity}")).Items.First(done);

    private async Task WaitForActivityInAsync(string country, Guid id) =>
        await Eventually.ReturnsAsync(() => Coordination.GetAsync<Page<Activities.ActivityView>>($"/coordination/activities?country={country}"),
            page => page.Items.Any(a => a.Id == id), TimeSpan.FromSeconds(60), $"activity {id} in {country}");

    private static async Task<OverlapView> Read(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<OverlapView>(CoordinationHost.Json))!;

    private static (Guid Id, string Kind) Parse(string subject) =>
        Contracts.Subjects.TryParse(subject, out var kind, out var id) ? (id, kind) : throw new ArgumentException(subject);
}
