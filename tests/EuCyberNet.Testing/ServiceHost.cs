using System.Net.Http.Headers;
using System.Security.Claims;
using EuCyberNet.ServiceDefaults.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Testing;

/// <summary>
/// One EU CyberNet service running in the test process (TestServer) against real PostgreSQL and
/// RabbitMQ: its own fresh database and the virtual host it shares with the services it talks to.
/// </summary>
public sealed class ServiceHost<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public ServiceHost(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _settings = new Dictionary<string, string?>(settings);
        _services = services;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (_services is not null) builder.ConfigureServices(_services);
    }

    /// <summary>
    /// Waits until /health says Healthy: the database answers and every receive endpoint of the bus
    /// is ready, so messages published from now on reach this service's queues.
    /// </summary>
    public async Task WaitUntilHealthyAsync(TimeSpan? timeout = null)
    {
        var client = CreateClient();
        await Eventually.ReturnsAsync(async () => (await client.GetAsync("/health")).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, timeout ?? TimeSpan.FromSeconds(60), $"{typeof(TEntryPoint).Name} healthy");
    }

    /// <summary>An HttpClient with a token for <paramref name="role"/> (user = <paramref name="user"/>).</summary>
    public HttpClient CreateClient(string role, string user, params Claim[] extra)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create(_settings["Auth:SigningKey"]!, user, role, extra));
        return client;
    }
}

/// <summary>Everything a set of cooperating services under test share.</summary>
public sealed class TestPlatform
{
    private TestPlatform(PostgresServer postgres, RabbitMqServer rabbitMq, Uri virtualHost)
    {
        Postgres = postgres;
        RabbitMq = rabbitMq;
        VirtualHost = virtualHost;
    }

    public PostgresServer Postgres { get; }

    public RabbitMqServer RabbitMq { get; }

    /// <summary>The virtual host these services talk through (nobody else's messages arrive).</summary>
    public Uri VirtualHost { get; }

    public string SigningKey { get; } = AuthenticationExtensions.NewSigningKey();

    /// <summary>Shared servers, a fresh virtual host.</summary>
    public static async Task<TestPlatform> CreateAsync(RabbitMqServer? rabbitMq = null)
    {
        var postgres = await SharedServers.PostgresAsync();
        rabbitMq ??= await SharedServers.RabbitMqAsync();
        return new TestPlatform(postgres, rabbitMq, await rabbitMq.CreateVirtualHostAsync("t"));
    }

    /// <summary>Settings for a service: its own fresh database, this platform's broker, fast retries.</summary>
    public async Task<Dictionary<string, string?>> SettingsForAsync(string connectionName, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{connectionName}"] = await Postgres.CreateDatabaseAsync(connectionName),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.ToString(),
            ["Auth:SigningKey"] = SigningKey,
            ["Messaging:RetryLimit"] = "2",
            ["Messaging:RetryMinInterval"] = "00:00:00.050",
            ["Messaging:RetryMaxInterval"] = "00:00:00.200",
            ["Relay:MaxRetryDelay"] = "00:00:01",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    public async Task<ServiceHost<T>> StartServiceAsync<T>(string connectionName, IDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? services = null) where T : class
    {
        var host = new ServiceHost<T>(await SettingsForAsync(connectionName, overrides), services);
        await host.WaitUntilHealthyAsync();
        return host;
    }
}

public static class Tokens
{
    public static string Create(string signingKey, string user, string role, params Claim[] extra) =>
        LocalTokens.Create(signingKey, user, [role],
            expertId: extra.FirstOrDefault(c => c.Type == LocalTokens.ExpertIdClaim) is { } expert ? Guid.Parse(expert.Value) : null,
            partnerId: extra.FirstOrDefault(c => c.Type == LocalTokens.PartnerIdClaim)?.Value);
}
