using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Projects.Candidates;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EuCyberNet.Projects.Tests;

/// <summary>
/// A real HTTP endpoint standing in for the Experts service: it answers
/// <c>GET /experts/matches</c> exactly as the Experts contract says, records what it was asked,
/// and can be told to fail.
/// </summary>
public sealed class ExpertsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExpertsStandIn(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<(string Query, string Authorization)> Calls { get; } = new();

    /// <summary>What to answer; by default the matches below.</summary>
    public Func<HttpContext, IResult> Answer { get; set; } = null!;

    public List<object> Matches { get; } = [];

    public static async Task<ExpertsStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new ExpertsStandIn(app);
        standIn.Answer = _ => Results.Json(new { items = standIn.Matches, total = standIn.Matches.Count + 40 });
        app.MapGet("/experts/matches", (HttpContext http) =>
        {
            standIn.Calls.Enqueue((http.Request.QueryString.Value ?? "", http.Request.Headers.Authorization.ToString()));
            return standIn.Answer(http);
        });
        await app.StartAsync();
        standIn.Url = app.Urls.First();
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Candidates come from the Experts service over HTTP (service discovery, resilience); its failures are clear problems.</summary>
public sealed class CandidatesTests : IAsyncLifetime
{
    private ExpertsStandIn _experts = null!;
    private ProjectsHost _host = null!;

    public async Task InitializeAsync()
    {
        _experts = await ExpertsStandIn.StartAsync();
        _host = await ProjectsHost.StartAsync(new Dictionary<string, string?>
        {
            ["services:experts:http:0"] = _experts.Url, // what Aspire's service discovery is given for "http://experts"
            ["Experts:Resilience:Retry:Delay"] = "00:00:00.050",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _experts.DisposeAsync();
    }

    [Fact]
    public async Task Candidates_are_the_experts_matches_ranked_with_reasons_and_what_projects_knows()
    {
        var (ana, ben, cleo) = (await _host.AcceptedExpertAsync(), await _host.AcceptedExpertAsync(), Guid.NewGuid());
        var request = await _host.PublishedRequestAsync();
        await _host.ShortlistAsync(request.Id, ben);
        _experts.Matches.AddRange(
        [
            new { expertId = cleo, name = "Cleo Martin", citizenship = "FR", score = 55, reasons = new[] { "speaks en" } },
            new { expertId = ana, name = "Ana Novak", citizenship = "SI", score = 91, reasons = new[] { "cyber-incident-responder", "SIM3", "speaks ro (b2)" } },
            new { expertId = ben, name = "Ben Weber", citizenship = "DE", score = 78.5, reasons = new[] { "cyber-incident-responder" } },
        ]);
        var client = _host.Officer("rita.requester");

        var page = await client.GetFromJsonAsync<JsonElement>($"/expertise-requests/{request.Id}/candidates?pageSize=10", Api.Json);

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([ana, ben, cleo], items.Select(c => c.GetProperty("expertId").GetGuid()));
        Assert.Equal([91d, 78.5, 55d], items.Select(c => c.GetProperty("score").GetDouble()));
        Assert.Equal(["cyber-incident-responder", "SIM3", "speaks ro (b2)"], items[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(("Ana Novak", "SI"), (items[0].GetProperty("name").GetString(), items[0].GetProperty("citizenship").GetString()));
        Assert.Equal(("accepted", "shortlisted"), (items[1].GetProperty("standing").GetString(), items[1].GetProperty("application").GetString()));
        Assert.Equal("unknown", items[2].GetProperty("standing").GetString());
        Assert.Equal(43, page.GetProperty("total").GetInt64());

        var (query, authorization) = Assert.Single(_experts.Calls);
        Assert.Equal(client.DefaultRequestHeaders.Authorization!.ToString(), authorization);
        Assert.Equal($"?role=cyber-incident-responder&skills=SIM3%2C%20incident%20handling&languages=en&languages=ro&country=MD" +
                     $"&from={Api.Iso(request.StartDate)}&to={Api.Iso(request.EndDate)}&pageSize=10", query);

        // Nothing the Experts service said about people is kept.
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_events where data::text like '%Ana Novak%'"));
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_doc_knownexpert where data::text like '%Novak%'"));
    }

    [Fact]
    public async Task An_experts_service_that_answers_wrongly_is_a_502_and_nothing_else_breaks()
    {
        var request = await _host.PublishedRequestAsync();
        var client = _host.Officer();

        _experts.Answer = _ => Results.StatusCode(StatusCodes.Status500InternalServerError);
        var failed = await client.GetAsync($"/expertise-requests/{request.Id}/candidates");
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal("https://eucybernet.eu/problems/experts-failed", (await failed.ReadAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.True(_experts.Calls.Count >= 2, "the resilience handler retried the failing call");

        _experts.Answer = _ => Results.Text("<html>oops</html>", "application/json");
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync($"/expertise-requests/{request.Id}/candidates")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/expertise-requests/{Guid.NewGuid()}/candidates")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/expertise-requests/{request.Id}")).StatusCode);
    }
}

/// <summary>The Experts service is down: candidates are a clear 503, and everything else keeps working.</summary>
public sealed class ExpertsDownTests : IAsyncLifetime
{
    private ProjectsHost _host = null!;

    public async Task InitializeAsync() => _host = await ProjectsHost.StartAsync(new Dictionary<string, string?>
    {
        ["services:experts:http:0"] = $"http://127.0.0.1:{TestEnvironment.FreePort()}", // nothing listens there
        ["Experts:Resilience:Retry:Delay"] = "00:00:00.050",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Candidates_answer_503_when_experts_is_unreachable_and_the_rest_of_the_service_works()
    {
        var request = await _host.PublishedRequestAsync();
        var client = _host.Officer();

        var response = await client.GetAsync($"/expertise-requests/{request.Id}/candidates");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.ReadAsync<JsonElement>();
        Assert.Equal("https://eucybernet.eu/problems/experts-unavailable", problem.GetProperty("type").GetString());
        Assert.Contains("everything else works", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(RequestStatus.Published, (await client.GetFromJsonAsync<RequestView>($"/expertise-requests/{request.Id}", Api.Json))!.Status);
        var ana = await _host.AcceptedExpertAsync();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/expertise-requests/{request.Id}/applications", new { expertId = ana })).StatusCode);
        Assert.Equal(PoolStanding.Accepted, (await _host.KnownExpertAsync(ana))!.Standing);
    }
}
