using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination;
using EuCyberNet.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>
/// Erasure on real servers: after <c>DELETE /experts/{id}/personal-data</c> no personal datum is
/// left in any table of any database (Experts' and Coordination's, which heard about the expert),
/// while the decisions stay in the history with the personal fields masked.
/// </summary>
public sealed class ErasureTests : IAsyncLifetime
{
    private static readonly string[] PersonalData =
        ["Zofia", "Wiśniewska", "zofia.w@cert.pl", "CERT Polska", "Polska", "Moldova", "ransomware negotiator", "EUCN-2027-0042"];

    private ExpertsApp _app = null!;
    private ServiceHost<CoordinationService> _coordination = null!;

    public async Task InitializeAsync()
    {
        _app = await ExpertsApp.StartAsync();
        _coordination = await _app.Platform.StartServiceAsync<CoordinationService>("coordinationdb");
    }

    public async Task DisposeAsync()
    {
        await _coordination.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task<Guid> ExpertWithAWholeStoryAsync()
    {
        var id = await _app.AcceptedExpertAsync(
            ExpertsApp.Application("Zofia Wiśniewska", "PL", "zofia.w@cert.pl", "CERT Polska", "I want to help Moldova's CSIRT grow"),
            ExpertsApp.Profile(["cyber-incident-responder"], organisation: "CERT Polska", bio: "Former ransomware negotiator"),
            new { windows = new[] { new { from = "2027-02-01", to = "2027-02-28", percent = 100 } } });
        await ExpertsApp.Expect(await _app.Expert(id).PutAsJsonAsync($"/experts/{id}/consents/sharing-with-ec-services", new { given = true }), HttpStatusCode.OK);
        var bus = _app.Host.Services.GetRequiredService<IBus>();
        await bus.Publish(new TrainingCompleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Incident handling", id, [EcsfRole.CyberIncidentResponder],
            "EUCN-2027-0042", DateTimeOffset.UtcNow));
        await bus.Publish(new DeploymentEvaluated(Guid.NewGuid(), 6, new DeploymentSnapshot(Guid.NewGuid(), null, id, "MD", [EcsfRole.CyberIncidentResponder], [],
            new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 10), "evaluated"), 5, DateTimeOffset.UtcNow));
        await Eventually.ReturnsAsync(() => _app.GetAsync(id), e => e.GetProperty("trainings").GetArrayLength() == 1 && e.GetProperty("deployments").GetArrayLength() == 1,
            TimeSpan.FromSeconds(60), "the training and the deployment recorded");
        await Eventually.ReturnsAsync(async () => (await _coordination.CreateClient("auditor", "audit.office").GetFromJsonAsync<JsonElement>("/coordination/overview")).GetProperty("expertApplications").GetInt64(),
            n => n == 1, TimeSpan.FromSeconds(60), "Coordination hearing of the application");
        return id;
    }

    [Fact]
    public async Task After_erasure_no_personal_datum_is_left_in_any_table_of_any_database_and_the_decisions_stay()
    {
        var id = await ExpertWithAWholeStoryAsync();
        var before = await _app.HistoryAsync(id);
        var beforeErasure = await FindPersonalDataAsync(_app.ConnectionString); // the scan does see them while they are there
        foreach (var table in new[] { "public.mt_events", "public.mt_doc_expert", "public.experts_index", "public.experts_cards", "public.experts_text" })
            Assert.Contains(beforeErasure, found => found.StartsWith(table + ":", StringComparison.Ordinal));

        var response = await _app.Expert(id).DeleteAsync($"/experts/{id}/personal-data");

        await ExpertsApp.Expect(response, HttpStatusCode.OK);
        var erased = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("erased", erased.GetProperty("status").GetString());
        foreach (var field in new[] { "name", "email", "organisation", "motivation", "bio" })
            Assert.Equal(JsonValueKind.Null, erased.GetProperty(field).ValueKind);
        Assert.Equal(JsonValueKind.Null, erased.GetProperty("trainings")[0].GetProperty("certificateNumber").ValueKind);
        Assert.Equal("PL", erased.GetProperty("citizenship").GetString());
        Assert.Equal(["cyber-incident-responder"], erased.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        await _app.WaitForRelayAsync();
        Assert.Empty(await FindPersonalDataAsync(_app.ConnectionString));
        Assert.Empty(await FindPersonalDataAsync(_coordination.Services.GetRequiredService<IConfiguration>().GetConnectionString("coordinationdb")!));

        var after = await _app.HistoryAsync(id);
        Assert.Equal([.. before.Select(e => e.GetProperty("type").GetString()), "ExpertErased"], after.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(before.Select(e => e.GetProperty("user").GetString()), after[..^1].Select(e => e.GetProperty("user").GetString()));
        Assert.Equal(before.Select(e => e.GetProperty("reason").ToString()), after[..^1].Select(e => e.GetProperty("reason").ToString()));
        var applied = after[0].GetProperty("data");
        Assert.Equal(("", "", "", "PL"), (applied.GetProperty("name").GetString(), applied.GetProperty("email").GetString(),
            applied.GetProperty("organisation").GetString(), applied.GetProperty("citizenship").GetString()));
        Assert.Equal("Strong incident response record", after.Single(e => e.GetProperty("type").GetString() == "ExpertAccepted").GetProperty("reason").GetString());
        Assert.True(after[^1].GetProperty("data").GetProperty("byExpert").GetBoolean());
    }

    [Fact]
    public async Task The_record_as_it_was_before_erasure_no_longer_holds_the_personal_data_either()
    {
        var id = await ExpertWithAWholeStoryAsync();
        var beforeErasure = DateTimeOffset.UtcNow;
        await ExpertsApp.Expect(await _app.Staff.DeleteAsync($"/experts/{id}/personal-data"), HttpStatusCode.OK);

        var then = await _app.Staff.GetFromJsonAsync<JsonElement>($"/experts/{id}?asOf={Uri.EscapeDataString(beforeErasure.ToString("O"))}");

        Assert.Equal("accepted", then.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, then.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Null, then.GetProperty("bio").ValueKind);
        foreach (var datum in PersonalData) Assert.DoesNotContain(datum, then.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_erased_record_takes_no_more_decisions_and_erasing_again_changes_nothing()
    {
        var id = await _app.AcceptedExpertAsync();
        await ExpertsApp.Expect(await _app.Staff.DeleteAsync($"/experts/{id}/personal-data"), HttpStatusCode.OK);
        var events = await _app.EventCountAsync(id);

        var again = await _app.Staff.DeleteAsync($"/experts/{id}/personal-data");
        await ExpertsApp.Expect(again, HttpStatusCode.OK);
        Assert.Equal(events, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());

        var suspend = await _app.Staff.PostAsJsonAsync($"/experts/{id}/suspend", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, suspend.StatusCode);
        Assert.Equal("erased", (await suspend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await _app.Expert(id).PutAsJsonAsync($"/experts/{id}/profile", ExpertsApp.Profile())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _app.Expert(id).PutAsJsonAsync($"/experts/{id}/consents/data-processing", new { given = true })).StatusCode);
        Assert.Equal(events, await _app.EventCountAsync(id));
        Assert.Equal(0, (await _app.Staff.GetFromJsonAsync<JsonElement>("/experts/matches?role=cyber-incident-responder")).GetProperty("total").GetInt64());
    }

    /// <summary>
    /// Every row of every table of the database (all schemas but PostgreSQL's own), as text
    /// (<c>t::text</c> covers text, jsonb, arrays and tsvector columns alike), compared without case.
    /// </summary>
    private static async Task<List<string>> FindPersonalDataAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            select format('%I.%I', table_schema, table_name) from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        Assert.Contains("public.mt_events", tables);

        var found = new List<string>();
        foreach (var table in tables)
        foreach (var datum in PersonalData)
        {
            await using var scan = new NpgsqlCommand($"select count(*) from {table} t where strpos(lower(t::text), lower(@datum)) > 0", connection);
            scan.Parameters.AddWithValue("datum", datum);
            if ((long)(await scan.ExecuteScalarAsync())! > 0) found.Add($"{table}: {datum}");
        }
        return found;
    }
}
