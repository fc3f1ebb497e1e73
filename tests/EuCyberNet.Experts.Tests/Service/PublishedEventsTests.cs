using System.Net;
using System.Net.Http.Json;
using V1 = EuCyberNet.Contracts.Experts.V1;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>What the rest of the network hears, asserted where it travels: on the broker.</summary>
public sealed class PublishedEventsTests(ExpertsAppFixture fixture) : IClassFixture<ExpertsAppFixture>
{
    private static readonly Type[] ExpertEvents =
    [
        typeof(V1.ExpertApplicationReceived), typeof(V1.ExpertStatusChanged), typeof(V1.ExpertJoinedPool), typeof(V1.ExpertLeftPool),
        typeof(V1.ExpertSuspended), typeof(V1.ExpertReinstated), typeof(V1.ExpertCompetencesChanged), typeof(V1.ExpertAvailabilityChanged),
    ];

    private ExpertsApp App => fixture.App;

    [Fact]
    public async Task A_whole_life_in_the_pool_is_announced_with_ids_and_vocabularies_only()
    {
        await using var tap = await BrokerTap.StartAsync(App.Platform.VirtualHost, ExpertEvents);
        var personal = new[] { "Zofia", "Wiśniewska", "zofia.w@cert.pl", "CERT Polska", "Ransomware negotiations", "I want to help Moldova", "clearance", "references" };
        var id = await App.AcceptedExpertAsync(
            ExpertsApp.Application("Zofia Wiśniewska", "PL", "zofia.w@cert.pl", "CERT Polska", "I want to help Moldova"),
            ExpertsApp.Profile(organisation: "CERT Polska", bio: "Ransomware negotiations"),
            new { windows = new[] { new { from = "2027-02-01", to = "2027-02-28", percent = 100 } } });
        var expert = App.Expert(id);
        await ExpertsApp.Expect(await expert.PutAsJsonAsync($"/experts/{id}/profile",
            ExpertsApp.Profile(roles: ["cyber-incident-responder", "cyber-threat-intelligence-specialist"], organisation: "CERT Polska", bio: "Ransomware negotiations")), HttpStatusCode.OK);
        await ExpertsApp.Expect(await expert.PutAsJsonAsync($"/experts/{id}/availability", new { windows = Array.Empty<object>() }), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Staff.PostAsJsonAsync($"/experts/{id}/suspend", new { reason = "clearance lapsed" }), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Staff.PostAsJsonAsync($"/experts/{id}/reinstate", new { reason = "references checked" }), HttpStatusCode.OK);
        await ExpertsApp.Expect(await App.Staff.DeleteAsync($"/experts/{id}/personal-data"), HttpStatusCode.OK);

        await App.WaitForRelayAsync();
        var messages = await tap.WaitForAsync(m => m.Count(x => x.Type == "ExpertStatusChanged") >= 7 && m.Any(x => x.Type == "ExpertLeftPool"), "the expert's whole story on the broker");
        // One event's messages are published concurrently; the order of the story is the order of the events.
        messages = [.. messages.Where(m => m.ExpertId == id).OrderBy(m => m.Message.GetProperty("occurredAt").GetDateTimeOffset())];

        Assert.Equal(
            ["none→applied", "applied→acknowledged", "acknowledged→profile-submitted", "profile-submitted→accepted",
             "accepted→suspended", "suspended→accepted", "accepted→erased"],
            messages.Where(m => m.Type == "ExpertStatusChanged").Select(m => $"{m.Message.GetProperty("previousStatus").GetString()}→{m.Message.GetProperty("status").GetString()}"));
        Assert.All(messages.Where(m => m.Type == "ExpertStatusChanged"), m => Assert.Equal("PL", m.Message.GetProperty("citizenship").GetString()));
        Assert.Single(messages, m => m.Type == "ExpertApplicationReceived");
        var joined = Assert.Single(messages, m => m.Type == "ExpertJoinedPool");
        Assert.Equal(["cyber-incident-responder"], joined.Message.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var competences = messages.Where(m => m.Type == "ExpertCompetencesChanged").ToList();
        Assert.Equal(2, competences.Count); // on joining, and when the roles changed in the pool
        Assert.Equal(2, competences[1].Message.GetProperty("roles").GetArrayLength());
        var availability = messages.Where(m => m.Type == "ExpertAvailabilityChanged").ToList();
        Assert.Equal([1, 0], availability.Select(a => a.Message.GetProperty("windows").GetArrayLength()));
        Assert.Single(messages, m => m.Type == "ExpertSuspended");
        Assert.Single(messages, m => m.Type == "ExpertReinstated");
        Assert.Equal("erased", Assert.Single(messages, m => m.Type == "ExpertLeftPool").Message.GetProperty("reason").GetString());

        foreach (var message in messages)
        foreach (var datum in personal)
            Assert.DoesNotContain(datum, message.RawBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Leaving_before_joining_is_a_status_change_but_not_a_departure_from_the_pool()
    {
        await using var tap = await BrokerTap.StartAsync(App.Platform.VirtualHost, ExpertEvents);
        var id = await App.ApplyAsync();
        await ExpertsApp.Expect(await App.Expert(id).PostAsync($"/experts/{id}/withdraw", null), HttpStatusCode.OK);
        await App.WaitForRelayAsync(); // every message of these events has been confirmed by the broker

        await tap.WaitForAsync(m => m.Count(x => x.ExpertId == id) >= 3, "the application and the withdrawal");
        var mine = tap.Messages.Where(m => m.ExpertId == id).OrderBy(m => m.Message.GetProperty("occurredAt").GetDateTimeOffset()).ThenBy(m => m.Type).ToList();
        Assert.Equal(["ExpertApplicationReceived", "ExpertStatusChanged", "ExpertStatusChanged"], mine.Select(m => m.Type));
        Assert.Equal("withdrawn", mine[2].Message.GetProperty("status").GetString());
    }
}
