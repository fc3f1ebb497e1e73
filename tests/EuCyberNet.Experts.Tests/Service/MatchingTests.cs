using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>
/// Incident responders for a June mission: three accepted and available (one with an evaluated
/// deployment and a course behind them), one trained for the role without holding it, and four
/// who must never be candidates (suspended, not yet accepted, consent withdrawn, away in June).
/// </summary>
public sealed class MatchingFixture : IAsyncLifetime
{
    public ExpertsApp App { get; private set; } = null!;

    public Dictionary<string, Guid> Ids { get; } = [];

    private static object June(int percent) => new { windows = new[] { new { from = "2027-06-01", to = "2027-06-30", percent } } };

    public async Task InitializeAsync()
    {
        App = await ExpertsApp.StartAsync();
        object Responder(string[]? skills = null, (string, string)[]? languages = null, string[]? roles = null) => ExpertsApp.Profile(
            roles ?? ["cyber-incident-responder"], languages ?? [("en", "c2")],
            [.. (skills ?? ["Incident response"]).Select(s => ("tech", "Incident management", s))], 10);

        Ids["Ana"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Ana Kovac", "HR"),
            Responder(["Incident response", "Malware analysis"], [("en", "c2"), ("fr", "b2")]), June(100));
        Ids["Bo"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Bo Nilsson", "SE"), Responder(languages: [("en", "b2")]), June(50));
        Ids["Cy"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Cyril Martin", "FR"), Responder(languages: [("en", "b2")]), June(50));
        Ids["Gi"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Gina Weber", "DE"),
            Responder(["Red teaming"], roles: ["penetration-tester"]), June(100));

        Ids["Di"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Dina Popescu", "RO"), Responder(), June(100));
        await ExpertsApp.Expect(await App.Staff.PostAsJsonAsync($"/experts/{Ids["Di"]}/suspend", new { reason = "Under review" }), HttpStatusCode.OK);
        Ids["Ed"] = await App.ApplyAsync(ExpertsApp.Application("Edgar Lambert", "BE"));
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{Ids["Ed"]}/acknowledge", null), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Expert(Ids["Ed"]).PutAsJsonAsync($"/experts/{Ids["Ed"]}/profile", Responder()), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Expert(Ids["Ed"]).PutAsJsonAsync($"/experts/{Ids["Ed"]}/availability", June(100)), HttpStatusCode.OK);
        Ids["Fa"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Fanny Meyer", "LU"), Responder(), June(100));
        await ExpertsApp.Expect(await App.Expert(Ids["Fa"]).PutAsJsonAsync($"/experts/{Ids["Fa"]}/consents/data-processing", new { given = false }), HttpStatusCode.OK);
        Ids["He"] = await App.AcceptedExpertAsync(ExpertsApp.Application("Henrik Tamm", "EE"), Responder(),
            new { windows = new[] { new { from = "2027-09-01", to = "2027-09-30", percent = 100 } } });

        // Cyril has a deployment in Ukraine behind him, rated 5/5, and a course for the role; Gina a course for the role she lacks.
        var bus = App.Host.Services.GetRequiredService<IBus>();
        await bus.Publish(new DeploymentEvaluated(Guid.NewGuid(), 6, new DeploymentSnapshot(Guid.NewGuid(), null, Ids["Cy"], "UA",
            [EcsfRole.CyberIncidentResponder], [CcbTheme.IncidentManagementAndCip], new DateOnly(2025, 5, 1), new DateOnly(2025, 5, 20), "evaluated"), 5, DateTimeOffset.UtcNow));
        foreach (var who in new[] { "Cy", "Gi" })
            await bus.Publish(new TrainingCompleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Incident handling for CSIRTs", Ids[who],
                [EcsfRole.CyberIncidentResponder], null, DateTimeOffset.UtcNow));
        await Eventually.ReturnsAsync(() => App.GetAsync(Ids["Cy"]), e => e.GetProperty("deployments").GetArrayLength() == 1 && e.GetProperty("trainings").GetArrayLength() == 1,
            TimeSpan.FromSeconds(60), "Cyril's deployment and training");
        await Eventually.ReturnsAsync(() => App.GetAsync(Ids["Gi"]), e => e.GetProperty("trainings").GetArrayLength() == 1, TimeSpan.FromSeconds(60), "Gina's training");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class MatchingTests(MatchingFixture fixture) : IClassFixture<MatchingFixture>
{
    private const string JuneMission = "role=cyber-incident-responder&from=2027-06-08&to=2027-06-19";

    private async Task<JsonElement> Match(string query)
    {
        var response = await fixture.App.Staff.GetAsync($"/experts/matches?{query}");
        await ExpertsApp.Expect(response, HttpStatusCode.OK);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var scores = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores); // ranked by score, highest first
        Assert.All(scores, s => Assert.InRange(s, 0, 100));
        return page;
    }

    private string[] Who(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => fixture.Ids.Single(p => p.Value == i.GetProperty("expertId").GetGuid()).Key)];

    [Fact]
    public async Task Only_accepted_consenting_available_experts_with_the_role_are_candidates_and_the_proven_one_ranks_first()
    {
        var page = await Match(JuneMission);

        Assert.Equal(["Cy", "Ana", "Bo", "Gi"], Who(page));
        Assert.Equal(4, page.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_answer_has_exactly_the_shape_projects_codes_against()
    {
        var page = await Match(JuneMission + "&pageSize=1");

        Assert.Equal(["items", "total"], page.EnumerateObject().Select(p => p.Name));
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(["expertId", "name", "citizenship", "score", "reasons"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("Cyril Martin", "FR"), (item.GetProperty("name").GetString(), item.GetProperty("citizenship").GetString()));
        Assert.Equal(JsonValueKind.Number, item.GetProperty("score").ValueKind);
        Assert.Equal(4, page.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Each_candidate_says_why()
    {
        var items = (await Match(JuneMission + "&skills=incident%20malware&languages=en&country=UA")).GetProperty("items").EnumerateArray().ToList();

        var cyril = items.Single(i => i.GetProperty("expertId").GetGuid() == fixture.Ids["Cy"]);
        Assert.Equal(
        [
            "Role: cyber-incident-responder",
            "Skills: matches 1 of 2 terms (incident)",
            "Languages: en B2",
            "Available for 50% of 2027-06-08–2027-06-19 (full-time equivalent), no deployment then",
            "Evaluations: 5.0/5 over 1 deployment",
            "Trainings: 1 relevant course completed",
            "Deployed in UA before",
        ], cyril.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var ana = items.Single(i => i.GetProperty("expertId").GetGuid() == fixture.Ids["Ana"]);
        Assert.Contains("Skills: matches 2 of 2 terms (incident, malware)", ana.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var gina = items.Single(i => i.GetProperty("expertId").GetGuid() == fixture.Ids["Gi"]);
        Assert.Contains("Trained for role: cyber-incident-responder", gina.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Skills_narrow_the_candidates_to_those_with_at_least_one_term_and_rank_by_how_many()
    {
        Assert.Equal(["Ana"], Who(await Match("skills=malware")));
        Assert.Equal(["Ana", "Cy", "Bo"], Who(await Match("skills=malware%20incident&role=cyber-incident-responder&from=2027-06-01&to=2027-06-30&languages=en"))[..3]);
    }

    [Fact]
    public async Task Languages_are_any_of_at_B1_or_better_and_rank_by_level()
    {
        Assert.Equal(["Ana"], Who(await Match("languages=fr")));
        var both = Who(await Match("languages=fr&languages=en&role=cyber-incident-responder&from=2027-06-01&to=2027-06-30"));
        Assert.Equal("Ana", both[0]);
    }

    [Fact]
    public async Task A_period_outside_everyone_s_windows_but_one_finds_that_one() =>
        Assert.Equal(["He"], Who(await Match("from=2027-09-10&to=2027-09-12")));

    [Fact]
    public async Task Past_deployments_in_the_country_raise_the_score()
    {
        var items = (await Match("country=UA&role=cyber-incident-responder")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(fixture.Ids["Cy"], items[0].GetProperty("expertId").GetGuid());
        Assert.True(items[0].GetProperty("score").GetDouble() > items[1].GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Paging_keeps_the_ranking_and_the_total()
    {
        var first = await Match(JuneMission + "&pageSize=2");
        var second = await Match(JuneMission + "&pageSize=2&page=2");
        Assert.Equal(["Cy", "Ana", "Bo", "Gi"], [.. Who(first), .. Who(second)]);
        Assert.Equal(4, second.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_request_without_criteria_or_with_bad_ones_is_400()
    {
        var none = await fixture.App.Staff.GetAsync("/experts/matches");
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(["criteria"], (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));

        var bad = await fixture.App.Staff.GetAsync("/experts/matches?role=chief-hacker&languages=english&from=2027-06-10&to=2027-06-01&country=Ukraine");
        Assert.Equal(["country", "languages", "role[0]", "to"],
            (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
