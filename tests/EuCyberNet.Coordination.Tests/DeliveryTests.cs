using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Testing;

namespace EuCyberNet.Coordination.Tests;

/// <summary>At-least-once delivery: events late, early and twice leave the read models as if they had come once, in order.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private CoordinationHost _coordination = null!;

    public async Task InitializeAsync() => _coordination = await CoordinationHost.StartAsync();

    public async Task DisposeAsync() => await _coordination.DisposeAsync();

    [Fact]
    public async Task Out_of_order_and_duplicate_events_leave_every_read_model_as_the_newest_facts_say()
    {
        var t0 = DateTimeOffset.UtcNow.AddHours(-3);
        var projectId = Guid.NewGuid();
        var requestId = Guid.NewGuid();
        var expertId = Guid.NewGuid();
        var duplicate = Guid.NewGuid();

        // The project's third version arrives first, then the first; the second twice (one message delivered twice).
        await _coordination.PublishAsync(new ProjectUpdated(projectId, 3, Samples.Project(country: "MD", status: "closed", title: "v3"), t0.AddMinutes(30)));
        await _coordination.PublishAsync(new ProjectRegistered(projectId, 1, Samples.Project(country: "UA", status: "planned", title: "v1"), t0));
        await _coordination.PublishAsync(new ProjectUpdated(projectId, 2, Samples.Project(country: "GE", status: "active", title: "v2"), t0.AddMinutes(20)), messageId: duplicate);
        await _coordination.PublishAsync(new ProjectUpdated(projectId, 2, Samples.Project(country: "GE", status: "active", title: "v2"), t0.AddMinutes(20)), messageId: duplicate);
        // A request closed before it was (as far as we heard) published.
        await _coordination.PublishAsync(new ExpertiseRequestClosed(requestId, 4, "deadline passed", t0.AddMinutes(40)));
        await _coordination.PublishAsync(new ExpertiseRequestPublished(requestId, 2, Samples.Request(country: "MD", themes: [CcbTheme.Standards]), t0.AddMinutes(10)));
        // An expert accepted before the application is heard; the same application re-published under a new id.
        await _coordination.PublishAsync(new ExpertStatusChanged(expertId, "accepted", "profile-submitted", "LT", t0.AddMinutes(15)));
        await _coordination.PublishAsync(new ExpertApplicationReceived(expertId, "LT", t0));
        await _coordination.PublishAsync(new ExpertApplicationReceived(expertId, "LT", t0));

        await _coordination.WaitForEventsAsync(8);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a late duplicate, if any, would land now
        Assert.Equal(8, await _coordination.HeardEventsAsync());

        var project = await _coordination.GetAsync<ActivityView>($"/coordination/activities/{projectId}");
        Assert.Equal(("v3", "closed", 3L), (project.Title, project.Status, project.SourceVersion));
        Assert.Equal(["MD"], project.Countries);

        var request = await _coordination.GetAsync<ActivityView>($"/coordination/activities/{requestId}");
        Assert.Equal(("closed", "MD"), (request.Status, request.Countries.Single()));

        var overview = await _coordination.OverviewAsync();
        Assert.Equal(1, overview.ExpertApplications);
        Assert.Equal(new Dictionary<string, long> { ["accepted"] = 1 }, overview.Experts.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["LT"] = 1 }, overview.Experts.InPoolByCitizenship);
        Assert.Equal(new Dictionary<string, long> { ["closed"] = 1 }, overview.Projects.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["eastern-partnership"] = 1 }, overview.Projects.ByRegion);
        Assert.Equal(new Dictionary<string, long> { ["closed"] = 1 }, overview.Requests.ByStatus);

        // ... and the past as the sources lived it, not as the messages arrived.
        var at5 = await _coordination.OverviewAsync(t0.AddMinutes(5).ToString("O"));
        Assert.Equal(new Dictionary<string, long> { ["planned"] = 1 }, at5.Projects.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["applied"] = 1 }, at5.Experts.ByStatus);
        Assert.Equal(0, at5.Requests.Total);
        var at25 = await _coordination.OverviewAsync(t0.AddMinutes(25).ToString("O"));
        Assert.Equal(new Dictionary<string, long> { ["active"] = 1 }, at25.Projects.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["published"] = 1 }, at25.Requests.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["accepted"] = 1 }, at25.Experts.ByStatus);

        var moldova = await _coordination.GetAsync<Page<ActivityView>>("/coordination/activities?country=MD");
        Assert.Equal(2, moldova.Total);
    }
}
