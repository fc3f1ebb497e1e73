using Microsoft.Extensions.Configuration;
using System.Net.Http.Json;
using EuCyberNet.Coordination;
using EuCyberNet.Coordination.Overview;
using EuCyberNet.Experts;
using EuCyberNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Platform.Tests;

/// <summary>
/// The thin story's two services, Experts (publisher) and Coordination (consumer), each in the
/// test process on its own fresh database, talking through one virtual host of a real broker.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
{
    private Pipeline(TestPlatform platform, ServiceHost<ExpertsService> experts, ServiceHost<CoordinationService> coordination,
        Dictionary<string, string?> expertsSettings)
    {
        Platform = platform;
        Experts = experts;
        Coordination = coordination;
        ExpertsSettings = expertsSettings;
    }

    public TestPlatform Platform { get; }

    public ServiceHost<ExpertsService> Experts { get; private set; }

    public ServiceHost<CoordinationService> Coordination { get; }

    public Dictionary<string, string?> ExpertsSettings { get; }

    public static async Task<Pipeline> StartAsync(
        RabbitMqServer? broker = null,
        IDictionary<string, string?>? expertsOverrides = null,
        Action<IServiceCollection>? coordinationServices = null)
    {
        var platform = await TestPlatform.CreateAsync(broker);
        var expertsSettings = await platform.SettingsForAsync("expertsdb", expertsOverrides);
        var experts = new ServiceHost<ExpertsService>(expertsSettings);
        await experts.WaitUntilHealthyAsync();
        var coordination = await platform.StartServiceAsync<CoordinationService>("coordinationdb", services: coordinationServices);
        return new Pipeline(platform, experts, coordination, expertsSettings);
    }

    /// <summary>Stops the Experts service (its relay with it) and starts a fresh instance on the same database.</summary>
    public async Task RestartExpertsAsync()
    {
        await Experts.DisposeAsync();
        Experts = new ServiceHost<ExpertsService>(ExpertsSettings);
        await Experts.WaitUntilHealthyAsync();
    }

    public async Task<Guid> ApplyAsync(HttpClient client, string name = "Ana Novak", string citizenship = "SI")
    {
        var response = await client.PostAsJsonAsync("/experts/applications", new
        {
            name,
            email = $"{Guid.NewGuid():N}@example.eu",
            citizenship,
            organisation = "National CSIRT",
            motivation = "Incident response in partner countries",
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Created>())!.Id;
    }

    /// <summary>An application is announced twice: <c>ExpertApplicationReceived</c> and <c>ExpertStatusChanged</c> (to applied).</summary>
    public const int IntegrationEventsPerApplication = 2;

    public async Task<long> CountedApplicationsAsync()
    {
        var overview = await Coordination.CreateClient("coordinator", "maria.schmidt").GetFromJsonAsync<NetworkOverview>("/coordination/overview");
        return overview!.ExpertApplications;
    }

    public async Task<long> WaitForCountedApplicationsAsync(long expected, TimeSpan? timeout = null) =>
        await Eventually.ReturnsAsync(CountedApplicationsAsync, n => n >= expected, timeout ?? TimeSpan.FromSeconds(60), "Coordination's count");

    /// <summary>
    /// Events in Coordination's store. Tombstones are left out: Marten writes one for each sequence
    /// number a failed transaction had reserved (a duplicate that lost its inbox race), and they are
    /// no effect of anything.
    /// </summary>
    public Task<long> CoordinationEventsAsync() => CountAsync(Coordination, "coordinationdb", "mt_events where type <> 'tombstone'");

    public Task<long> CoordinationInboxEntriesAsync() => CountAsync(Coordination, "coordinationdb", "mt_doc_inboxentry");

    public Task<long> ExpertsEventsAsync() => CountAsync(Experts, "expertsdb", "mt_events where type <> 'tombstone'");

    public async Task<long> RelayCheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(ExpertsSettings["ConnectionStrings:expertsdb"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select coalesce(max(last_seq_id), 0) from mt_event_progression where name like 'IntegrationEventRelay%'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> CountAsync<T>(ServiceHost<T> host, string connectionName, string table) where T : class
    {
        var configuration = host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        await using var connection = new NpgsqlConnection(configuration.GetConnectionString(connectionName));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {table}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Experts.DisposeAsync();
        await Coordination.DisposeAsync();
    }

    private sealed record Created(Guid Id, long Version, string Status);
}
