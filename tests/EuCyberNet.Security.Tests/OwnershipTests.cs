using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Security.Tests;

/// <summary>The "own records only" half of the matrix, on real records: an expert or a partner reaches what is theirs and nothing else.</summary>
public sealed class OwnershipTests(Services services) : IClassFixture<Services>
{
    [Fact]
    public async Task An_expert_reads_and_changes_their_own_record_and_no_one_elses()
    {
        var mine = await ApplyAsync("Ana Mendes", "PT");
        var theirs = await ApplyAsync("Jonas Berg", "SE");
        var me = Expert(mine);

        Assert.Equal(HttpStatusCode.OK, (await me.GetAsync($"/experts/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await me.GetAsync($"/experts/{mine}/history")).StatusCode);
        await AssertNotYoursAsync(await me.GetAsync($"/experts/{theirs}"));
        await AssertNotYoursAsync(await me.GetAsync($"/experts/{theirs}/history"));
        await AssertNotYoursAsync(await me.PutAsJsonAsync($"/experts/{theirs}/availability", new { windows = Array.Empty<object>() }));
        await AssertNotYoursAsync(await me.PutAsJsonAsync($"/experts/{theirs}/consents/data-processing", new { given = true }));
        await AssertNotYoursAsync(await me.DeleteAsync($"/experts/{theirs}/personal-data"));
        Assert.Equal(HttpStatusCode.Forbidden, (await me.PostAsJsonAsync($"/experts/{mine}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await me.GetAsync("/experts")).StatusCode);

        // Their own consent goes through, and is recorded as their act.
        Assert.Equal(HttpStatusCode.OK, (await me.PutAsJsonAsync($"/experts/{mine}/consents/data-processing", new { given = true })).StatusCode);
        var history = await services.Experts.CreateClient(Roles.Auditor, "audit.office").GetFromJsonAsync<JsonElement>($"/experts/{mine}/history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("user").GetString() == $"expert-{mine:N}");
    }

    [Fact]
    public async Task An_auditor_reads_everything_and_changes_nothing()
    {
        var expert = await ApplyAsync("Eva Novak", "SI");
        var auditor = services.Experts.CreateClient(Roles.Auditor, "audit.office");

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/experts/{expert}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/experts/{expert}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"/experts/{expert}/acknowledge", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.DeleteAsync($"/experts/{expert}/personal-data")).StatusCode);
        var record = await auditor.GetFromJsonAsync<JsonElement>($"/experts/{expert}");
        Assert.Equal("applied", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_expert_lists_only_their_own_deployments_and_a_partner_only_its_own_projects()
    {
        var expert = Guid.NewGuid();
        var asExpert = services.Projects.CreateClient(Roles.Expert, $"expert-{expert:N}", new Claim(LocalTokens.ExpertIdClaim, expert.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await asExpert.GetAsync($"/deployments?expertId={expert}")).StatusCode);
        await AssertNotYoursAsync(await asExpert.GetAsync($"/deployments?expertId={Guid.NewGuid()}"));
        await AssertNotYoursAsync(await asExpert.GetAsync("/deployments"));
        Assert.Equal(HttpStatusCode.OK, (await asExpert.GetAsync("/expertise-requests?status=published")).StatusCode);
        await AssertNotYoursAsync(await asExpert.GetAsync("/expertise-requests?status=draft"));

        var partner = Guid.NewGuid();
        var asPartner = services.Projects.CreateClient(Roles.Partner, "ega-integration", new Claim(LocalTokens.PartnerIdClaim, partner.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await asPartner.GetAsync($"/projects?source={partner}")).StatusCode);
        await AssertNotYoursAsync(await asPartner.GetAsync("/projects?source=staff"));
        await AssertNotYoursAsync(await asPartner.GetAsync("/projects"));
    }

    [Fact]
    public async Task A_partner_user_follows_and_withdraws_its_own_training_requests_only()
    {
        var kenya = services.Training.CreateClient(Roles.Partner, "eu-delegation-kenya", new Claim(LocalTokens.PartnerIdClaim, Guid.NewGuid().ToString()));
        var ghana = services.Training.CreateClient(Roles.Partner, "eu-delegation-ghana", new Claim(LocalTokens.PartnerIdClaim, Guid.NewGuid().ToString()));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var created = await kenya.PostAsJsonAsync("/training-requests", new
        {
            requester = "EU Delegation to Kenya", beneficiaryCountry = "KE", topic = "Incident response for the national CSIRT",
            roles = new[] { "cyber-incident-responder" }, themes = new[] { "incident-management-and-cip" }, audienceSize = 25,
            preferredFrom = today.AddDays(30).ToString("yyyy-MM-dd"), preferredTo = today.AddDays(90).ToString("yyyy-MM-dd"),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await kenya.GetAsync($"/training-requests/{id}")).StatusCode);
        await AssertNotYoursAsync(await ghana.GetAsync($"/training-requests/{id}"));
        await AssertNotYoursAsync(await ghana.PostAsJsonAsync($"/training-requests/{id}/withdraw", new { reason = "not ours" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await kenya.PostAsJsonAsync($"/training-requests/{id}/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kenya.PostAsJsonAsync($"/training-requests/{id}/withdraw", new { reason = "Budget moved to 2028" })).StatusCode);
    }

    private HttpClient Expert(Guid id) => services.Experts.CreateClient(Roles.Expert, $"expert-{id:N}", new Claim(LocalTokens.ExpertIdClaim, id.ToString()));

    private async Task<Guid> ApplyAsync(string name, string citizenship)
    {
        var response = await services.Experts.CreateClient().PostAsJsonAsync("/experts/applications", new
        {
            name, email = $"{name.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid():N}@example.eu", citizenship,
            organisation = "National CSIRT", motivation = "Ten years of incident response; keen to support partner CSIRTs.",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task AssertNotYoursAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://eucybernet.eu/problems/not-yours", problem.GetProperty("type").GetString());
    }
}
