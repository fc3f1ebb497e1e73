using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>The expert's life over HTTP against real PostgreSQL and RabbitMQ, with its failure paths.</summary>
public sealed class LifecycleServiceTests(ExpertsAppFixture fixture) : IClassFixture<ExpertsAppFixture>
{
    private ExpertsApp App => fixture.App;

    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static string[] ErrorKeys(JsonElement problem) => [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task An_expert_goes_from_application_to_the_pool_and_out_with_every_decision_in_the_history()
    {
        var id = await App.ApplyAsync(ExpertsApp.Application("Ivana Horvat", "HR"));
        var expert = App.Expert(id);

        async Task<JsonElement> Step(HttpResponseMessage response, string status)
        {
            await ExpertsApp.Expect(response, HttpStatusCode.OK);
            var body = await Json(response);
            Assert.Equal(status, body.GetProperty("status").GetString());
            Assert.Equal($"\"{body.GetProperty("version").GetInt64()}\"", response.Headers.ETag?.Tag);
            return body;
        }

        await Step(await App.Staff.PostAsync($"/experts/{id}/acknowledge", null), "acknowledged");
        await Step(await expert.PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile(roles: ["penetration-tester"])), "profile-submitted");
        await Step(await expert.PutAsJsonAsync($"/experts/{id}/consents/data-processing", new { given = true }), "profile-submitted");
        await Step(await expert.PutAsJsonAsync($"/experts/{id}/availability", new { windows = new[] { new { from = "2027-05-01", to = "2027-05-31", percent = 80 } } }), "profile-submitted");
        var accepted = await Step(await App.Staff.PostAsJsonAsync($"/experts/{id}/accept", new { reason = "Excellent references" }), "accepted");
        Assert.Equal(["penetration-tester"], accepted.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(accepted.GetProperty("consents").GetProperty("dataProcessing").GetProperty("given").GetBoolean());
        await Step(await expert.PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile(roles: ["penetration-tester", "cybersecurity-auditor"])), "accepted");
        await Step(await App.Staff.PostAsJsonAsync($"/experts/{id}/suspend", new { reason = "Security clearance under review" }), "suspended");
        await Step(await App.Staff.PostAsync($"/experts/{id}/reinstate", null), "accepted");
        var withdrawn = await Step(await expert.PostAsync($"/experts/{id}/withdraw", null), "withdrawn");
        Assert.Equal("Ivana Horvat", withdrawn.GetProperty("name").GetString());

        var history = await App.HistoryAsync(id);
        Assert.Equal(
            ["ExpertApplied", "ExpertAcknowledged", "ExpertProfileSubmitted", "ExpertConsentGiven", "ExpertAvailabilityDeclared", "ExpertAccepted",
             "ExpertProfileUpdated", "ExpertSuspended", "ExpertReinstated", "ExpertWithdrawn"],
            history.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), history.Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal("maria.schmidt", history[7].GetProperty("user").GetString());
        Assert.Equal("Security clearance under review", history[7].GetProperty("reason").GetString());
        Assert.Equal("Excellent references", history[5].GetProperty("reason").GetString());
        Assert.Equal($"expert-{id:N}", history[9].GetProperty("user").GetString());
        Assert.True(history[9].GetProperty("data").GetProperty("byExpert").GetBoolean());
        Assert.All(history, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("correlationId").GetString())));
    }

    [Fact]
    public async Task As_of_shows_the_record_as_it_was_at_each_decision()
    {
        var id = await App.AcceptedExpertAsync();
        var history = await App.HistoryAsync(id);
        var beforeAcceptance = history[^1].GetProperty("occurredAt").GetDateTimeOffset().AddTicks(-10);

        var then = await App.Staff.GetFromJsonAsync<JsonElement>($"/experts/{id}?asOf={Uri.EscapeDataString(beforeAcceptance.ToString("O"))}");
        Assert.Equal("profile-submitted", then.GetProperty("status").GetString());
        Assert.Equal(history.Length - 1, then.GetProperty("version").GetInt64());
        Assert.Equal("accepted", (await App.GetAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_decision_outside_its_states_is_a_409_naming_the_state_and_writes_nothing()
    {
        var id = await App.ApplyAsync();

        var response = await App.Staff.PostAsJsonAsync($"/experts/{id}/accept", new { reason = "eager" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await Json(response);
        Assert.Equal("applied", problem.GetProperty("state").GetString());
        Assert.Contains("accept while the resource is applied", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await App.EventCountAsync(id));

        var profile = await App.Expert(id).PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile());
        Assert.Equal(HttpStatusCode.Conflict, profile.StatusCode);
        Assert.Equal("applied", (await Json(profile)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Accepting_without_consent_to_data_processing_is_refused()
    {
        var id = await App.ApplyAsync();
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{id}/acknowledge", null), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Expert(id).PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile()), HttpStatusCode.OK);

        var response = await App.Staff.PostAsync($"/experts/{id}/accept", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("consent-required", (await Json(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Reasons_are_required_to_reject_to_suspend_and_for_staff_to_withdraw()
    {
        var id = await App.AcceptedExpertAsync();
        foreach (var verb in new[] { "suspend", "withdraw" })
        {
            var response = await App.Staff.PostAsJsonAsync($"/experts/{id}/{verb}", new { reason = " " });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["reason"], ErrorKeys(await Json(response)));
        }
        var applied = await App.ApplyAsync();
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{applied}/acknowledge", null), HttpStatusCode.OK);
        var reject = await App.Staff.PostAsync($"/experts/{applied}/reject", null);
        Assert.Equal(HttpStatusCode.BadRequest, reject.StatusCode);
        Assert.Equal(2, await App.EventCountAsync(applied));

        await ExpertsApp.Expect(await App.Staff.PostAsJsonAsync($"/experts/{applied}/reject", new { reason = "Outside the pool's needs" }), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Expert(id).PostAsync($"/experts/{id}/withdraw", null), HttpStatusCode.OK); // the expert needs no reason
    }

    [Fact]
    public async Task Repeating_a_decision_changes_nothing()
    {
        var id = await App.ApplyAsync();
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{id}/acknowledge", null), HttpStatusCode.OK);

        var again = await App.Staff.PostAsync($"/experts/{id}/acknowledge", null);

        await ExpertsApp.Expect(again, HttpStatusCode.OK);
        Assert.Equal(2, (await Json(again)).GetProperty("version").GetInt64());
        Assert.Equal(2, await App.EventCountAsync(id));
    }

    [Fact]
    public async Task Bad_profiles_availability_and_consents_list_every_bad_field_and_write_nothing()
    {
        var id = await App.ApplyAsync();
        await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{id}/acknowledge", null), HttpStatusCode.OK);
        var expert = App.Expert(id);

        var profile = await expert.PutAsJsonAsync($"/experts/{id}/profile", new
        {
            languages = new[] { new { code = "en", level = "c3" }, new { code = "klingon", level = "b1" } },
            roles = new[] { "hacker" },
            skills = new[] { new { family = "tech", skillset = "Forensics", name = new string('x', 101) } },
            yearsOfExperience = -1,
            organisation = "",
            bio = new string('b', 4001),
        });
        Assert.Equal(HttpStatusCode.BadRequest, profile.StatusCode);
        Assert.Equal(["bio", "languages[0].level", "languages[1].code", "organisation", "roles[0]", "skills[0].name", "yearsOfExperience"],
            ErrorKeys(await Json(profile)));

        var availability = await expert.PutAsJsonAsync($"/experts/{id}/availability", new
        {
            windows = new object[] { new { from = "2027-03-31", to = "2027-03-01", percent = 50 }, new { from = "2027-04-01", to = "2027-04-30", percent = 150 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, availability.StatusCode);
        Assert.Equal(["windows[0].to", "windows[1].percent"], ErrorKeys(await Json(availability)));

        var consent = await expert.PutAsJsonAsync($"/experts/{id}/consents/marketing", new { });
        Assert.Equal(HttpStatusCode.BadRequest, consent.StatusCode);
        Assert.Equal(["given", "purpose"], ErrorKeys(await Json(consent)));

        Assert.Equal(2, await App.EventCountAsync(id));
    }

    [Fact]
    public async Task Unknown_experts_are_404_everywhere()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await App.Staff.GetAsync($"/experts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Staff.GetAsync($"/experts/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Staff.PostAsync($"/experts/{id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Staff.PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Staff.DeleteAsync($"/experts/{id}/personal-data")).StatusCode);
        Assert.Equal(0, await App.EventCountAsync(id));
    }

    [Fact]
    public async Task A_stale_If_Match_is_412_and_a_current_one_goes_through()
    {
        var id = await App.ApplyAsync();

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/experts/{id}/acknowledge");
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await App.Staff.SendAsync(stale)).StatusCode);

        using var current = new HttpRequestMessage(HttpMethod.Post, $"/experts/{id}/acknowledge");
        current.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        await ExpertsApp.Expect(await App.Staff.SendAsync(current), HttpStatusCode.OK);
        Assert.Equal(2, await App.EventCountAsync(id));
    }

    [Fact]
    public async Task Two_concurrent_decisions_on_one_expert_one_wins_and_the_other_is_refused()
    {
        for (var round = 0; round < 4; round++)
        {
            var id = await App.ApplyAsync();
            await ExpertsApp.Expect(await App.Staff.PostAsync($"/experts/{id}/acknowledge", null), HttpStatusCode.OK);
            await ExpertsApp.Expect(await App.Expert(id).PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile()), HttpStatusCode.OK);
            await ExpertsApp.Expect(await App.Expert(id).PutAsJsonAsync($"/experts/{id}/consents/data-processing", new { given = true }), HttpStatusCode.OK);

            HttpRequestMessage Decision(string verb)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/experts/{id}/{verb}") { Content = JsonContent.Create(new { reason = $"{verb} in round {round}" }) };
                if (round % 2 == 1) request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"4\""));
                return request;
            }
            var responses = await Task.WhenAll(App.Staff.SendAsync(Decision("accept")), App.Staff.SendAsync(Decision("reject")));

            var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
            Assert.Contains(loser.StatusCode, round % 2 == 1 ? [HttpStatusCode.PreconditionFailed] : new[] { HttpStatusCode.Conflict });
            var status = (await Json(winner)).GetProperty("status").GetString();
            Assert.Equal(status, (await App.GetAsync(id)).GetProperty("status").GetString());
            Assert.Equal(5, await App.EventCountAsync(id)); // exactly one decision was recorded
        }
    }

    [Fact]
    public async Task Applications_are_rate_limited_per_client()
    {
        await using var limited = await ExpertsApp.StartAsync(
            new Dictionary<string, string?> { ["Experts:Applications:PermitsPerMinute"] = "2" });
        var anonymous = limited.Host.CreateClient();

        for (var i = 0; i < 2; i++) await ExpertsApp.Expect(await anonymous.PostAsJsonAsync("/experts/applications", ExpertsApp.Application()), HttpStatusCode.Created);
        var third = await anonymous.PostAsJsonAsync("/experts/applications", ExpertsApp.Application());

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(2, await limited.EventCountAsync());
    }

    [Fact]
    public async Task Applications_not_acknowledged_within_5_working_days_are_overdue()
    {
        var clock = new AdjustableClock();
        await using var app = await ExpertsApp.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var waiting = await app.ApplyAsync();
        var answered = await app.ApplyAsync();
        await ExpertsApp.Expect(await app.Staff.PostAsync($"/experts/{answered}/acknowledge", null), HttpStatusCode.OK);

        var now = await app.Staff.GetFromJsonAsync<JsonElement>("/experts?status=applied&overdue=true");
        Assert.Equal(0, now.GetProperty("total").GetInt64());
        Assert.False((await app.GetAsync(waiting)).GetProperty("overdue").GetBoolean());

        clock.Advance(TimeSpan.FromDays(10)); // 5 working days: at most 9 calendar days when applying at a weekend
        var later = await app.Staff.GetFromJsonAsync<JsonElement>("/experts?status=applied&overdue=true");
        var item = Assert.Single(later.GetProperty("items").EnumerateArray());
        Assert.Equal(waiting, item.GetProperty("id").GetGuid());
        Assert.True(item.GetProperty("overdue").GetBoolean());
        Assert.True((await app.GetAsync(waiting)).GetProperty("overdue").GetBoolean());
        Assert.False((await app.GetAsync(answered)).GetProperty("overdue").GetBoolean());
    }
}

/// <summary>The system clock, moved forward on demand (what "now" means to overdue applications).</summary>
public sealed class AdjustableClock : TimeProvider
{
    private TimeSpan _offset;

    public void Advance(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
}
