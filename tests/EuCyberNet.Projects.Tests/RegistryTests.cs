using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Projects.Projects;
using V1 = EuCyberNet.Contracts.Projects.V1;

namespace EuCyberNet.Projects.Tests;

/// <summary>The CCB project registry through HTTP.</summary>
[Collection(SharedHostGroup.Name)]
public sealed class RegistryTests(SharedHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    private static object Body(string funder, string title = "Cyber resilience for Moldova", string country = "MD", string status = "ongoing",
        string start = "2027-01-01", string end = "2028-12-31") => new
    {
        title,
        funder,
        implementers = new[] { "e-Governance Academy" },
        beneficiaryCountries = new[] { country },
        themes = new[] { "policy-and-strategy" },
        pillars = new[] { "national-strategic-framework" },
        budgetEur = 2_500_000m,
        startDate = start,
        endDate = end,
        status,
    };

    [Fact]
    public async Task Staff_register_and_change_a_project_and_the_network_hears_it()
    {
        await using var heard = await PublishedEvents.ListenAsync(_host.Platform.VirtualHost, typeof(V1.ProjectRegistered), typeof(V1.ProjectUpdated));
        var officer = _host.Officer();
        var funder = $"Funder {Guid.NewGuid():N}";
        var created = await officer.PostAsync("/projects", Body(funder));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);
        var project = await created.ReadAsync<ProjectView>();
        Assert.Equal($"/projects/{project.Id}", created.Headers.Location!.ToString());
        Assert.Equal((Project.StaffSource, ProjectStatus.Ongoing), (project.Source, project.Status));

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/projects/{project.Id}") { Content = JsonContent.Create(Body(funder, title: "Cyber resilience for Moldova II", status: "closed")) };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        var changed = await (await officer.SendAsync(put)).ReadAsync<ProjectView>();
        Assert.Equal((2L, ProjectStatus.Closed), (changed.Version, changed.Status));

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/projects/{project.Id}") { Content = JsonContent.Create(Body(funder, title: "Stale")) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await officer.SendAsync(stale)).StatusCode);

        var history = await officer.GetFromJsonAsync<JsonElement[]>($"/projects/{project.Id}/history", Api.Json);
        Assert.Equal(["title", "status"], history![1].GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        var asOfRegistration = await officer.GetFromJsonAsync<ProjectView>(
            $"/projects/{project.Id}?asOf={Uri.EscapeDataString(history[0].GetProperty("occurredAt").GetDateTimeOffset().ToString("O"))}", Api.Json);
        Assert.Equal("Cyber resilience for Moldova", asOfRegistration!.Title);

        var registered = Assert.Single(await heard.WaitForAsync("ProjectRegistered", 1, m => m.GetProperty("projectId").GetGuid() == project.Id));
        Assert.Equal("staff", registered.GetProperty("project").GetProperty("source").GetString());
        var updated = Assert.Single(await heard.WaitForAsync("ProjectUpdated", 1, m => m.GetProperty("projectId").GetGuid() == project.Id));
        Assert.Equal((2L, "closed"), (updated.GetProperty("version").GetInt64(), updated.GetProperty("project").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_bad_project_lists_every_bad_field_and_writes_nothing()
    {
        var before = await _host.CountAsync("select count(*) from mt_events where type <> 'tombstone'");
        var response = await _host.Officer().PostAsync("/projects", new
        {
            title = "",
            beneficiaryCountries = new[] { "MD", "EU" },
            themes = new[] { "hacking" },
            budgetEur = -5,
            startDate = "2027-01-01",
            endDate = "2026-01-01",
            status = "paused",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["beneficiaryCountries[1]", "budgetEur", "endDate", "funder", "status", "themes[0]", "title"], await response.ErrorFieldsAsync());
        Assert.Equal(before, await _host.CountAsync("select count(*) from mt_events where type <> 'tombstone'"));
    }

    [Fact]
    public async Task Projects_are_filtered_by_country_theme_funder_status_period_and_source()
    {
        var officer = _host.Officer();
        var funder = $"Funder {Guid.NewGuid():N}";
        var moldova = await officer.PostAsync("/projects", Body(funder, country: "MD", start: "2027-01-01", end: "2027-06-30")).OkAsync<ProjectView>();
        var ukraine = await officer.PostAsync("/projects", Body(funder, country: "UA", status: "planned", start: "2027-06-01", end: "2027-12-31")).OkAsync<ProjectView>();

        async Task<Guid[]> Ids(string query) =>
            [.. (await officer.GetFromJsonAsync<JsonElement>($"/projects?funder={Uri.EscapeDataString(funder.ToUpperInvariant())}&{query}", Api.Json))
                .GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

        Assert.Equal([moldova.Id, ukraine.Id], await Ids("source=staff"));
        Assert.Equal([ukraine.Id], await Ids("country=UA"));
        Assert.Equal([moldova.Id], await Ids("status=ongoing"));
        Assert.Equal([moldova.Id, ukraine.Id], await Ids("theme=policy-and-strategy"));
        Assert.Empty(await Ids("theme=cybercrime"));
        Assert.Equal([ukraine.Id], await Ids("activeOn=2027-07-01"));
        Assert.Equal([moldova.Id, ukraine.Id], await Ids("activeOn=2027-06-15"));
        Assert.Empty(await Ids($"source={Guid.NewGuid()}"));

        var bad = await officer.GetAsync("/projects?country=XX&theme=nope&activeOn=soon&source=me&pageSize=500");
        Assert.Equal(["activeOn", "country", "pageSize", "source", "theme"], await bad.ErrorFieldsAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint()
    {
        var document = await _host.Officer().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "/projects", "/projects/{id}", "/projects/{id}/history", "/expertise-requests", "/expertise-requests/{id}/approve",
            "/expertise-requests/{id}/applications", "/expertise-requests/{id}/applications/{expertId}/select",
            "/expertise-requests/{id}/candidates", "/deployments/{id}/evaluate", "/partners/{id}/keys", "/partner-events",
            "/partner-events/rejected/{id}/replay",
        }, paths);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_is_one_project()
    {
        var officer = _host.Officer();
        officer.DefaultRequestHeaders.Add("Idempotency-Key", $"form-{Guid.NewGuid():N}");
        var first = await officer.PostAsync("/projects", Body("Idempotent funder")).OkAsync<ProjectView>();
        var second = await officer.PostAsync("/projects", Body("Idempotent funder")).OkAsync<ProjectView>();
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await _host.EventsOfAsync(first.Id));
    }
}
