using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Timeline;

namespace EuCyberNet.Coordination.Tests;

/// <summary>The cross-service story of one deployment, and the read endpoints' answers to bad questions.</summary>
public sealed class TimelineTests : IAsyncLifetime
{
    private CoordinationHost _coordination = null!;

    public async Task InitializeAsync() => _coordination = await CoordinationHost.StartAsync();

    public async Task DisposeAsync() => await _coordination.DisposeAsync();

    [Fact]
    public async Task The_timeline_of_a_deployment_tells_the_whole_story_across_services_in_order()
    {
        var t0 = DateTimeOffset.UtcNow.AddHours(-6);
        var expertId = Guid.NewGuid();
        var projectId = Guid.NewGuid();
        var requestId = Guid.NewGuid();
        var deploymentId = Guid.NewGuid();
        var enrolmentId = Guid.NewGuid();
        var sessionId = Guid.NewGuid();
        var deployment = Samples.Deployment(requestId, expertId, "confirmed", projectId: projectId);

        // Published out of order on purpose: the story is told in the order things happened.
        await _coordination.PublishAsync(new DeploymentConfirmed(deploymentId, 1, deployment, t0.AddMinutes(50)), "select-7", "lena.officer");
        await _coordination.PublishAsync(new ProjectRegistered(projectId, 1, Samples.Project(), t0), "register-1", "lena.officer");
        await _coordination.PublishAsync(new ExpertJoinedPool(expertId, "SI", [EcsfRole.CyberIncidentResponder], [], t0.AddMinutes(5)), "accept-2", "maria.schmidt");
        await _coordination.PublishAsync(new ExpertiseRequestPublished(requestId, 2, Samples.Request(projectId: projectId), t0.AddMinutes(10)), "approve-3", "maria.schmidt");
        await _coordination.PublishAsync(new DeploymentStarted(deploymentId, 2, deployment with { Status = "started" }, t0.AddMinutes(60)), "start-8", "lena.officer");
        await _coordination.PublishAsync(new DeploymentCompleted(deploymentId, 3, deployment with { Status = "completed" }, t0.AddMinutes(70)), "complete-9", "lena.officer");
        await _coordination.PublishAsync(new DeploymentEvaluated(deploymentId, 4, deployment with { Status = "evaluated" }, 5, t0.AddMinutes(80)), "evaluate-10", "kenya.delegation");
        await _coordination.PublishAsync(new EnrolmentConfirmed(enrolmentId, sessionId, expertId, t0.AddMinutes(90)), "enrol-11", "tom.training");
        await _coordination.PublishAsync(new TrainingCompleted(enrolmentId, sessionId, Guid.NewGuid(), "Digital forensics", expertId,
            [EcsfRole.DigitalForensicsInvestigator], "CERT-2027-001", t0.AddMinutes(100)), "certify-12", "tom.training");
        await _coordination.WaitForEventsAsync(9);

        var story = await _coordination.GetAsync<TimelineView>($"/coordination/timeline?subject=deployment/{deploymentId}");

        Assert.Equal(9, story.Total);
        Assert.Equal(
            ["ProjectRegistered", "ExpertJoinedPool", "ExpertiseRequestPublished", "DeploymentConfirmed", "DeploymentStarted",
                "DeploymentCompleted", "DeploymentEvaluated", "EnrolmentConfirmed", "TrainingCompleted"],
            story.Items.Select(e => e.Type));
        Assert.Equal(["projects", "experts", "projects", "projects", "projects", "projects", "projects", "training", "training"],
            story.Items.Select(e => e.Service));
        var approval = story.Items[2];
        Assert.Equal(("maria.schmidt", "approve-3", $"expertise-request/{requestId}"), (approval.User, approval.CorrelationId, approval.Subject));
        Assert.False(string.IsNullOrEmpty(approval.CausationId));
        Assert.True(story.Items.Zip(story.Items.Skip(1)).All(p => p.First.OccurredAt <= p.Second.OccurredAt));

        var oneStep = await _coordination.GetAsync<TimelineView>("/coordination/timeline?correlationId=evaluate-10");
        var evaluated = Assert.Single(oneStep.Items);
        Assert.Equal(5, ((JsonElement)evaluated.Data).GetProperty("rating").GetInt32());

        var paged = await _coordination.GetAsync<TimelineView>($"/coordination/timeline?subject=deployment/{deploymentId}&page=2&pageSize=4");
        Assert.Equal(["DeploymentStarted", "DeploymentCompleted", "DeploymentEvaluated", "EnrolmentConfirmed"], paged.Items.Select(e => e.Type));
    }

    [Fact]
    public async Task Bad_questions_get_a_400_listing_every_bad_field_and_unknown_things_a_404()
    {
        var client = _coordination.Client;

        var activities = await client.GetAsync("/coordination/activities?country=XX&theme=hacking&kind=party&from=2027-13-01&to=soon&pageSize=500");
        Assert.Equal(HttpStatusCode.BadRequest, activities.StatusCode);
        Assert.Equal(["country", "from", "kind", "pageSize", "theme", "to"], await ErrorFieldsAsync(activities));

        var period = await client.GetAsync("/coordination/activities?from=2027-06-01&to=2027-01-01");
        Assert.Equal(["to"], await ErrorFieldsAsync(period));

        Assert.Equal(["iso2"], await ErrorFieldsAsync(await client.GetAsync("/coordination/countries/ZZ")));
        Assert.Equal(["asOf"], await ErrorFieldsAsync(await client.GetAsync("/coordination/overview?asOf=yesterday")));
        Assert.Equal(["on"], await ErrorFieldsAsync(await client.GetAsync("/coordination/gaps?on=tomorrow")));
        Assert.Equal(["correlationId"], await ErrorFieldsAsync(await client.GetAsync("/coordination/timeline")));
        Assert.Equal(["subject"], await ErrorFieldsAsync(await client.GetAsync("/coordination/timeline?subject=not-a-subject")));
        Assert.Equal(["status"], await ErrorFieldsAsync(await client.GetAsync("/coordination/overlaps?status=forgotten")));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/coordination/timeline?subject=deployment/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/coordination/activities/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/coordination/overlaps/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/coordination/countries/ke")).StatusCode);
    }

    private static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }
}
