using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Search;
using EuCyberNet.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>Six experts in every state that matters, searched every way the contract allows.</summary>
public sealed class SearchFixture : IAsyncLifetime
{
    public ExpertsApp App { get; private set; } = null!;

    public Dictionary<string, Guid> Ids { get; } = [];

    public async Task InitializeAsync()
    {
        App = await ExpertsApp.StartAsync();
        Ids["Karin"] = await App.AcceptedExpertAsync(
            ExpertsApp.Application("Karin Lindqvist", "SE", "karin@cert.se", "CERT-SE"),
            ExpertsApp.Profile(["cyber-threat-intelligence-specialist"], [("en", "c2"), ("sv", "native"), ("fr", "b1")], [("tech", "Threat intelligence", "OSINT")], 12, "CERT-SE"),
            new { windows = new[] { new { from = "2027-03-01", to = "2027-03-31", percent = 100 } } });
        Ids["Marco"] = await App.AcceptedExpertAsync(
            ExpertsApp.Application("Marco Rossi", "IT", "marco@csirt.it", "CSIRT Italia"),
            ExpertsApp.Profile(["penetration-tester"], [("en", "b2"), ("it", "native")], [("tech", "Offensive security", "Web application testing")], 5, "CSIRT Italia"),
            new { windows = new[] { new { from = "2027-03-10", to = "2027-04-10", percent = 50 } } });
        Ids["Marie"] = await App.AcceptedExpertAsync(
            ExpertsApp.Application("Marie Dubois", "FR", "marie@anssi.fr", "ANSSI"),
            ExpertsApp.Profile(["cyber-legal-policy-compliance-officer", "ciso"], [("fr", "native"), ("en", "c1")], [("law", "Data protection", "GDPR compliance")], 20, "ANSSI"));
        await ExpertsApp.Expect(await App.Staff.PostAsJsonAsync($"/experts/{Ids["Marie"]}/suspend", new { reason = "On leave" }), HttpStatusCode.OK);
        Ids["Jan"] = await App.ApplyAsync(ExpertsApp.Application("Jan Novak", "CZ", "jan@nukib.cz", "NUKIB"));
        Ids["Petra"] = await App.ApplyAsync(ExpertsApp.Application("Petra Novak", "SK", "petra@sk-cert.sk", "SK-CERT"));
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{Ids["Petra"]}/acknowledge", null), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Expert(Ids["Petra"]).PutAsJsonAsync($"/experts/{Ids["Petra"]}/profile",
            ExpertsApp.Profile(["digital-forensics-investigator"], [("en", "b1"), ("sk", "native")], [("tech", "Digital forensics", "Memory forensics")], 7, "SK-CERT")), HttpStatusCode.OK);
        Ids["Luis"] = await App.ApplyAsync(ExpertsApp.Application("Luis Garcia", "ES", "luis@incibe.es", "INCIBE"));
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{Ids["Luis"]}/acknowledge", null), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Staff.PostAsJsonAsync($"/experts/{Ids["Luis"]}/reject", new { reason = "Not eligible" }), HttpStatusCode.OK);

        // Marco is deployed mid-March: that period is blocked.
        var deployment = new DeploymentSnapshot(Guid.NewGuid(), null, Ids["Marco"], "GE", [EcsfRole.PenetrationTester], [],
            new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 20), "confirmed");
        await App.Host.Services.GetRequiredService<IBus>().Publish(new DeploymentConfirmed(Guid.NewGuid(), 2, deployment, DateTimeOffset.UtcNow));
        await Eventually.ReturnsAsync(() => App.GetAsync(Ids["Marco"]), e => e.GetProperty("deployments").GetArrayLength() == 1,
            TimeSpan.FromSeconds(60), "Marco's deployment");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class SearchTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private async Task<JsonElement> Search(string query)
    {
        var response = await fixture.App.Staff.GetAsync($"/experts{query}");
        await ExpertsApp.Expect(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string[]> Names(string query)
    {
        var page = await Search(query);
        var names = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!.Split(' ')[0]).ToArray();
        Assert.Equal(names.Length, page.GetProperty("total").GetInt64());
        return [.. names.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Roles_are_any_of() =>
        Assert.Equal(["Marco", "Marie"], await Names("?role=penetration-tester&role=ciso"));

    [Fact]
    public async Task Languages_must_all_be_spoken_at_the_minimum_level()
    {
        Assert.Equal(["Marie"], await Names("?language=fr&minLevel=b2"));
        Assert.Equal(["Karin", "Marie"], await Names("?language=fr&minLevel=b1"));
        Assert.Equal(["Marie"], await Names("?language=en&language=fr&minLevel=c1"));
        Assert.Equal(["Karin", "Marco", "Marie", "Petra"], await Names("?language=en"));
    }

    [Fact]
    public async Task Citizenship_and_status_are_any_of() =>
        Assert.Equal(["Karin", "Marco", "Marie"], await Names("?status=accepted&status=suspended&citizenship=SE&citizenship=IT&citizenship=FR&citizenship=CZ"));

    [Fact]
    public async Task Free_text_finds_names_e_mails_organisations_and_skills_by_prefix()
    {
        Assert.Equal(["Jan", "Petra"], await Names("?q=novak"));
        Assert.Equal(["Jan", "Petra"], await Names("?q=Nov"));
        Assert.Equal(["Petra"], await Names("?q=petra%20nov"));
        Assert.Equal(["Karin"], await Names("?q=karin@cert.se"));
        Assert.Equal(["Marco"], await Names("?q=csirt%20italia"));
        Assert.Equal(["Karin"], await Names("?q=osint"));
    }

    [Fact]
    public async Task Skills_match_whole_words_in_any_form() =>
        Assert.Equal(["Petra"], await Names("?skill=forensic"));

    [Fact]
    public async Task Availability_needs_a_window_in_the_period_and_no_deployment_in_it()
    {
        Assert.Equal(["Karin"], await Names("?availableFrom=2027-03-16&availableTo=2027-03-18"));
        Assert.Equal(["Karin", "Marco"], await Names("?availableFrom=2027-03-11&availableTo=2027-03-12"));
        Assert.Equal(["Marco"], await Names("?availableFrom=2027-04-05&availableTo=2027-04-05"));
    }

    [Fact]
    public async Task Filters_combine()
    {
        Assert.Equal(["Karin"], await Names("?status=accepted&language=fr&skill=osint&availableFrom=2027-03-01&availableTo=2027-03-05"));
        Assert.Empty(await Names("?role=penetration-tester&status=suspended"));
    }

    [Fact]
    public async Task Pages_are_sorted_and_carry_the_total()
    {
        var byName = await Search("?sort=name");
        Assert.Equal(["Jan Novak", "Karin Lindqvist", "Luis Garcia", "Marco Rossi", "Marie Dubois", "Petra Novak"],
            byName.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var page = await Search("?sort=-yearsOfExperience&pageSize=2&page=2");
        Assert.Equal(6, page.GetProperty("total").GetInt64());
        Assert.Equal([7, 5], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("yearsOfExperience").GetInt32()));

        var beyond = await Search("?pageSize=4&page=3");
        Assert.Empty(beyond.GetProperty("items").EnumerateArray());
        Assert.Equal(6, beyond.GetProperty("total").GetInt64());

        var newestFirst = await Search("");
        Assert.Equal(fixture.Ids["Luis"], newestFirst.GetProperty("items")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_list_item_has_what_staff_choose_by()
    {
        var item = (await Search("?q=lindqvist")).GetProperty("items")[0];

        Assert.Equal(fixture.Ids["Karin"], item.GetProperty("id").GetGuid());
        Assert.Equal(("accepted", "SE", "CERT-SE", 12), (item.GetProperty("status").GetString(), item.GetProperty("citizenship").GetString(),
            item.GetProperty("organisation").GetString(), item.GetProperty("yearsOfExperience").GetInt32()));
        Assert.Equal(["cyber-threat-intelligence-specialist"], item.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(item.GetProperty("languages").EnumerateArray(), l => l.GetProperty("code").GetString() == "sv" && l.GetProperty("level").GetString() == "native");
        Assert.False(item.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task The_search_tables_are_derived_data_that_can_be_rebuilt_from_the_snapshots()
    {
        var before = await Search("?sort=name");
        await fixture.App.ScalarAsync<int>("with s as (delete from experts_index returning 1), c as (delete from experts_cards returning 1), t as (delete from experts_text returning 1) select 0");
        Assert.Equal(0, (await Search("")).GetProperty("total").GetInt64());

        var rebuilt = await ExpertSearchTable.RebuildAsync(fixture.App.Host.Services.GetRequiredService<Marten.IDocumentStore>());

        Assert.Equal(6, rebuilt);
        Assert.Equal(before.ToString(), (await Search("?sort=name")).ToString());
        Assert.Equal(["Jan", "Petra"], await Names("?q=novak"));
    }

    [Fact]
    public async Task Bad_filters_are_400_listing_each()
    {
        var response = await fixture.App.Staff.GetAsync("/experts?role=hacker&language=tlh&minLevel=c3&citizenship=XX&status=hired&availableFrom=2027-13-01&availableTo=2027-03-01&sort=salary&pageSize=500");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["availableFrom", "citizenship", "language", "minLevel", "pageSize", "role[0]", "sort", "status[0]"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
