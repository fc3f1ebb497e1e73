using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Experts;
using EuCyberNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>
/// The Experts service in the test process on a fresh database of the real PostgreSQL and a fresh
/// virtual host of the real RabbitMQ, with the steps of an expert's life as helpers.
/// </summary>
public sealed class ExpertsApp : IAsyncDisposable
{
    private ExpertsApp(TestPlatform platform, ServiceHost<ExpertsService> host, Dictionary<string, string?> settings)
    {
        Platform = platform;
        Host = host;
        ConnectionString = settings["ConnectionStrings:expertsdb"]!;
        Staff = host.CreateClient("coordinator", "maria.schmidt");
    }

    public TestPlatform Platform { get; }

    public ServiceHost<ExpertsService> Host { get; }

    public string ConnectionString { get; }

    /// <summary>A coordinator's client (user "maria.schmidt").</summary>
    public HttpClient Staff { get; }

    public static async Task<ExpertsApp> StartAsync(
        IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null, TestPlatform? platform = null)
    {
        platform ??= await TestPlatform.CreateAsync();
        var all = new Dictionary<string, string?> { ["Experts:Applications:PermitsPerMinute"] = "100000" };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) all[key] = value;
        var settings = await platform.SettingsForAsync("expertsdb", all);
        var host = new ServiceHost<ExpertsService>(settings, services);
        await host.WaitUntilHealthyAsync();
        return new ExpertsApp(platform, host, settings);
    }

    public HttpClient Expert(Guid id) => Host.CreateClient("expert", $"expert-{id:N}", new System.Security.Claims.Claim("expert_id", id.ToString()));

    public static object Application(string name = "Ana Novak", string citizenship = "SI", string? email = null, string organisation = "SI-CERT",
        string motivation = "Incident response in partner countries") =>
        new { name, email = email ?? $"{Guid.NewGuid():N}@example.eu", citizenship, organisation, motivation };

    public static object Profile(
        string[]? roles = null, (string Code, string Level)[]? languages = null, (string Family, string Skillset, string Name)[]? skills = null,
        int years = 8, string organisation = "SI-CERT", string? bio = "Incident handler") => new
        {
            languages = (languages ?? [("en", "c1"), ("sl", "native")]).Select(l => new { code = l.Code, level = l.Level }),
            roles = roles ?? ["cyber-incident-responder"],
            skills = (skills ?? [("tech", "Incident management", "Incident response")]).Select(s => new { family = s.Family, skillset = s.Skillset, name = s.Name }),
            yearsOfExperience = years,
            organisation,
            bio,
        };

    public async Task<Guid> ApplyAsync(object? application = null)
    {
        var response = await Staff.PostAsJsonAsync("/experts/applications", application ?? Application());
        await Expect(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Applied, acknowledged, profile submitted, consent given, accepted; availability if given.</summary>
    public async Task<Guid> AcceptedExpertAsync(object? application = null, object? profile = null, object? availability = null)
    {
        var id = await ApplyAsync(application);
        await Expect(await Staff.PostAsync($"/experts/{id}/acknowledge", null), HttpStatusCode.OK);
        var expert = Expert(id);
        await Expect(await expert.PutAsJsonAsync($"/experts/{id}/profile", profile ?? Profile()), HttpStatusCode.OK);
        await Expect(await expert.PutAsJsonAsync($"/experts/{id}/consents/data-processing", new { given = true }), HttpStatusCode.OK);
        if (availability is not null) await Expect(await expert.PutAsJsonAsync($"/experts/{id}/availability", availability), HttpStatusCode.OK);
        await Expect(await Staff.PostAsJsonAsync($"/experts/{id}/accept", new { reason = "Strong incident response record" }), HttpStatusCode.OK);
        return id;
    }

    public async Task<JsonElement> GetAsync(Guid id)
    {
        var response = await Staff.GetAsync($"/experts/{id}");
        await Expect(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement[]> HistoryAsync(Guid id) =>
        (await Staff.GetFromJsonAsync<JsonElement[]>($"/experts/{id}/history"))!;

    /// <summary>Events in the store; Marten's tombstones (sequence numbers of failed transactions) are not events.</summary>
    public Task<long> EventCountAsync(Guid? stream = null) =>
        ScalarAsync<long>("select count(*) from mt_events where type <> 'tombstone'" + (stream is null ? "" : $" and stream_id = '{stream}'"));

    /// <summary>Waits until the relay has published (and the broker confirmed) every event in the store.</summary>
    public Task<long> WaitForRelayAsync() => Eventually.ReturnsAsync(
        () => ScalarAsync<long>("""
            select coalesce((select last_seq_id from mt_event_progression where name = 'IntegrationEventRelay:All'), 0)
                 - coalesce((select max(seq_id) from mt_events), 0)
            """),
        behind => behind >= 0, TimeSpan.FromSeconds(60), "the relay catching up");

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        Staff.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>One service host shared by the tests of a class (each test makes its own experts).</summary>
public sealed class ExpertsAppFixture : IAsyncLifetime
{
    public ExpertsApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await ExpertsApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}
