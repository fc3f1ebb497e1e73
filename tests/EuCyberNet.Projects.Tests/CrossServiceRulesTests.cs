using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Testing;

namespace EuCyberNet.Projects.Tests;

/// <summary>
/// The rules that cross services, driven by the Experts service's contract events published on
/// the real broker, and held under real concurrency.
/// </summary>
[Collection(SharedHostGroup.Name)]
public sealed class CrossServiceRulesTests(SharedHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Conflict ? (await response.ReadAsync<JsonElement>()).GetProperty("code").GetString() : $"{(int)response.StatusCode}";

    [Fact]
    public async Task What_Experts_announces_decides_who_may_apply_be_selected_and_be_deployed()
    {
        var request = await _host.PublishedRequestAsync(Api.RequestBody(expertsNeeded: 2));
        var officer = _host.Officer("rita.requester");
        var ana = Guid.NewGuid();
        var apply = () => officer.PostAsync($"/expertise-requests/{request.Id}/applications", new { expertId = ana });

        Assert.Equal("expert-not-accepted", await CodeAsync(await apply()));

        await _host.PublishAsync(new ExpertStatusChanged(ana, "profile-submitted", "acknowledged", "SI", DateTimeOffset.UtcNow));
        await _host.WaitForExpertAsync(ana, k => k.Standing == PoolStanding.Pending, "pending");
        Assert.Equal("expert-not-accepted", await CodeAsync(await apply()));

        await _host.PublishAsync(new ExpertJoinedPool(ana, "SI", [EcsfRole.CyberIncidentResponder], [], DateTimeOffset.UtcNow));
        await _host.WaitForExpertAsync(ana, k => k.Standing == PoolStanding.Accepted, "accepted");
        Assert.Equal(HttpStatusCode.Created, (await apply()).StatusCode);
        await officer.PostAsync($"/expertise-requests/{request.Id}/applications/{ana}/shortlist").OkAsync<RequestView>();

        await _host.PublishAsync(new ExpertSuspended(ana, DateTimeOffset.UtcNow));
        await _host.WaitForExpertAsync(ana, k => k.Standing == PoolStanding.Suspended, "suspended");
        var select = () => officer.PostAsync($"/expertise-requests/{request.Id}/applications/{ana}/select");
        Assert.Equal("expert-suspended", await CodeAsync(await select()));

        await _host.PublishAsync(new ExpertReinstated(ana, DateTimeOffset.UtcNow));
        await _host.WaitForExpertAsync(ana, k => k.Standing == PoolStanding.Accepted, "reinstated");
        var selected = await select().OkAsync<RequestView>();
        var deployment = selected.Applications.Single(a => a.ExpertId == ana).DeploymentId!.Value;

        await _host.PublishAsync(new ExpertSuspended(ana, DateTimeOffset.UtcNow));
        await _host.WaitForExpertAsync(ana, k => k.Standing == PoolStanding.Suspended, "suspended again");
        Assert.Equal("expert-suspended", await CodeAsync(await officer.PostAsync($"/deployments/{deployment}/confirm")));

        var ben = await _host.AcceptedExpertAsync();
        await _host.PublishAsync(new ExpertLeftPool(ben, PoolDeparture.Withdrawn, DateTimeOffset.UtcNow));
        await _host.WaitForExpertAsync(ben, k => k.Standing == PoolStanding.Left, "left");
        Assert.Equal("expert-left-pool", await CodeAsync(await officer.PostAsync($"/expertise-requests/{request.Id}/applications", new { expertId = ben })));
    }

    [Fact]
    public async Task Expert_events_delivered_twice_or_out_of_order_converge()
    {
        var ana = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var suspension = Guid.NewGuid();

        // The suspension (later) overtakes the joining (earlier), and is delivered twice.
        await _host.PublishAsync(new ExpertSuspended(ana, now.AddMinutes(5)), suspension);
        await _host.PublishAsync(new ExpertSuspended(ana, now.AddMinutes(5)), suspension);
        await _host.PublishAsync(new ExpertJoinedPool(ana, "PT", [EcsfRole.PenetrationTester], [], now));
        await Eventually.ReturnsAsync(() => _host.EventsOfAsync(ana), n => n >= 2, TimeSpan.FromSeconds(60), "both facts recorded");

        var expert = (await _host.KnownExpertAsync(ana))!;
        Assert.Equal((PoolStanding.Suspended, now.AddMinutes(5)), (expert.Standing, expert.StandingSince!.Value));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a late duplicate, if any, would land now
        Assert.Equal(2, await _host.EventsOfAsync(ana));
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_events where stream_id = @id and data::text like '%citizenship%'", ("id", ana)));
    }

    [Fact]
    public async Task Concurrent_selection_of_the_last_places_creates_exactly_expertsNeeded_deployments()
    {
        var experts = new List<Guid>();
        for (var i = 0; i < 8; i++) experts.Add(await _host.AcceptedExpertAsync());
        var request = await _host.PublishedRequestAsync(Api.RequestBody(expertsNeeded: 2));
        await _host.ShortlistAsync(request.Id, [.. experts]);

        var responses = await Task.WhenAll(experts.Select(expert =>
            _host.Officer($"selector-{expert:N}").PostAsync($"/expertise-requests/{request.Id}/applications/{expert}/select")));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refusals = await Task.WhenAll(responses.Where(r => r.StatusCode != HttpStatusCode.OK).Select(CodeAsync));
        Assert.All(refusals, code => Assert.Equal("no-places-left", code));

        var deployments = await _host.Officer().GetFromJsonAsync<JsonElement>($"/deployments?requestId={request.Id}", Api.Json);
        Assert.Equal(2, deployments.GetProperty("total").GetInt64());
        var final = await _host.Officer().GetFromJsonAsync<RequestView>($"/expertise-requests/{request.Id}", Api.Json);
        Assert.Equal((RequestStatus.Closed, 2, 0), (final!.Status, final.PlacesTaken, final.PlacesLeft));
        Assert.Equal(2, await _host.CountAsync("select count(*) from mt_events where stream_id = @id and type = 'application_selected'", ("id", request.Id)));
        Assert.Equal(1, await _host.CountAsync("select count(*) from mt_events where stream_id = @id and type = 'expertise_request_closed'", ("id", request.Id)));
    }

    [Fact]
    public async Task One_expert_is_never_deployed_twice_in_overlapping_periods_even_when_selected_at_the_same_moment()
    {
        var ana = await _host.AcceptedExpertAsync();
        var march = await _host.PublishedRequestAsync(Api.RequestBody(start: Api.Today.AddDays(60), end: Api.Today.AddDays(70)));
        var overlapping = await _host.PublishedRequestAsync(Api.RequestBody(start: Api.Today.AddDays(65), end: Api.Today.AddDays(75), country: "UA"));
        var later = await _host.PublishedRequestAsync(Api.RequestBody(start: Api.Today.AddDays(76), end: Api.Today.AddDays(85), country: "GE"));
        foreach (var request in new[] { march, overlapping, later }) await _host.ShortlistAsync(request.Id, ana);

        var responses = await Task.WhenAll(new[] { march, overlapping }.Select(r =>
            _host.Officer($"selector-{r.Id:N}").PostAsync($"/expertise-requests/{r.Id}/applications/{ana}/select")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("overlapping-deployment", await CodeAsync(responses.Single(r => r.StatusCode != HttpStatusCode.OK)));
        Assert.Single((await _host.KnownExpertAsync(ana))!.Bookings);

        var adjacent = await _host.Officer().PostAsync($"/expertise-requests/{later.Id}/applications/{ana}/select").OkAsync<RequestView>();
        Assert.Equal(2, (await _host.KnownExpertAsync(ana))!.Bookings.Count);

        // Extending the first deployment into the later one's period is refused too.
        var won = responses[0].StatusCode == HttpStatusCode.OK ? march : overlapping;
        var deployment = (await _host.Officer().GetFromJsonAsync<RequestView>($"/expertise-requests/{won.Id}", Api.Json))!
            .Applications.Single(a => a.ExpertId == ana).DeploymentId!.Value;
        var officer = _host.Officer();
        await officer.PostAsync($"/deployments/{deployment}/confirm").OkAsync<DeploymentView>();
        await officer.PostAsync($"/deployments/{deployment}/start").OkAsync<DeploymentView>();
        var extend = await officer.PostAsync($"/deployments/{deployment}/extend", new { endDate = Api.Iso(Api.Today.AddDays(80)) });
        Assert.Equal("overlapping-deployment", await CodeAsync(extend));
        Assert.NotNull(adjacent);
    }
}
