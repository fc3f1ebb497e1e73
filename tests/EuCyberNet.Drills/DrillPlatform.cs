using System.Globalization;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Testing;
using Npgsql;

namespace EuCyberNet.Drills;

/// <summary>
/// The servers a drill run owns — a durable PostgreSQL and a RabbitMQ node started from local
/// binaries (or containers), which drills stop, kill and restart — and, per drill, a fresh virtual
/// host, fresh databases and every service as real processes.
/// </summary>
public sealed class DrillServers : IAsyncDisposable
{
    private DrillServers(PostgresServer postgres, RabbitMqServer rabbitMq)
    {
        Postgres = postgres;
        RabbitMq = rabbitMq;
    }

    public PostgresServer Postgres { get; }

    public RabbitMqServer RabbitMq { get; }

    public static async Task<DrillServers> StartAsync()
    {
        var postgres = PostgresServer.StartLocalAsync(durable: true);
        // Queue figures refreshed every 250 ms (not 5 s): a kill drill waits for deliveries in flight.
        var rabbit = RabbitMqServer.StartOwnedAsync(statisticsInterval: TimeSpan.FromMilliseconds(250));
        return new DrillServers(await postgres, await rabbit);
    }

    /// <summary>
    /// The servers the test run shares (from the environment under `./eucybernet test`): enough for
    /// drills that kill services or inject poison, not for those that restart a server.
    /// </summary>
    public static async Task<DrillServers> SharedAsync() =>
        new(await SharedServers.PostgresAsync(), await SharedServers.RabbitMqAsync()) { _shared = true };

    private bool _shared;

    public async ValueTask DisposeAsync()
    {
        if (_shared) return;
        await RabbitMq.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>One drill's system: a virtual host, a database per service and the service processes.</summary>
public sealed class DrillPlatform : IAsyncDisposable
{
    /// <summary>The services a drill runs (those present in this checkout), publishers first.</summary>
    public static readonly string[] KnownServices = ["experts", "projects", "training", "coordination"];

    private readonly List<ServiceProcess> _processes = [];
    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);

    private DrillPlatform(DrillServers servers, Uri virtualHost, string logDirectory, DrillSettings settings)
    {
        Servers = servers;
        VirtualHost = virtualHost;
        LogDirectory = logDirectory;
        Settings = settings;
    }

    public DrillServers Servers { get; }

    public Uri VirtualHost { get; }

    public string LogDirectory { get; }

    public DrillSettings Settings { get; }

    public string SigningKey { get; } = AuthenticationExtensions.NewSigningKey();

    public IReadOnlyList<string> Services { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> Processes => _processes;

    public IEnumerable<ServiceProcess> ReplicasOf(string service) => _processes.Where(p => p.Service == service);

    public string DatabaseOf(string service) => _databases[service];

    public static async Task<DrillPlatform> StartAsync(DrillServers servers, DrillSettings settings, string drillName,
        IReadOnlyDictionary<string, int>? replicas = null)
    {
        var logs = Path.Combine(settings.LogRoot, drillName);
        Directory.CreateDirectory(logs);
        var platform = new DrillPlatform(servers, await servers.RabbitMq.CreateVirtualHostAsync("drill"), logs, settings);
        await platform.StartServicesAsync(replicas ?? new Dictionary<string, int>());
        return platform;
    }

    private async Task StartServicesAsync(IReadOnlyDictionary<string, int> replicas)
    {
        var present = KnownServices.Where(s => File.Exists(DllOf(s))).ToList();
        Services = present;
        foreach (var service in present) _databases[service] = await Servers.Postgres.CreateDatabaseAsync($"{service}db");

        var ports = present.ToDictionary(s => s, _ => TestEnvironment.FreePort(), StringComparer.Ordinal);
        foreach (var service in present)
        {
            var count = replicas.TryGetValue(service, out var n) ? n : 1;
            for (var replica = 1; replica <= count; replica++)
            {
                var port = replica == 1 ? ports[service] : TestEnvironment.FreePort();
                _processes.Add(new ServiceProcess(service, replica, DllOf(service), port, EnvironmentFor(service, ports), LogDirectory));
            }
        }
        // Publishers' exchanges and subscribers' queues are declared at startup; start them all at once.
        foreach (var process in _processes) process.Start();
        await Task.WhenAll(_processes.Select(p => p.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180))));
    }

    /// <summary>What the AppHost gives a service (AppHost/ServiceResources.cs), plus the drill's retry settings.</summary>
    private Dictionary<string, string> EnvironmentFor(string service, IReadOnlyDictionary<string, int> ports)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            [$"ConnectionStrings__{service}db"] = _databases[service],
            ["ConnectionStrings__rabbitmq"] = VirtualHost.ToString(),
            ["Auth__SigningKey"] = SigningKey,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__EuCyberNet"] = "Information",
            // The load applies from one address faster than the public endpoint's per-client limit allows.
            ["Experts__Applications__PermitsPerMinute"] = "100000",
        };
        // Service discovery as the AppHost's WithReference(...) sets it up: http://<service> resolves here.
        foreach (var (other, port) in ports)
            environment[$"services__{other}__http__0"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        foreach (var (key, value) in Settings.ServiceOverrides) environment[key] = value;
        return environment;
    }

    public static string DllOf(string service)
    {
        var project = char.ToUpperInvariant(service[0]) + service[1..];
        return Path.Combine(TestEnvironment.RepositoryRoot, "services", project, "bin", "Debug", "net10.0", $"EuCyberNet.{project}.dll");
    }

    public async Task<long> ScalarAsync(string service, string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseOf(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string service, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(DatabaseOf(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    public async Task<bool> TableExistsAsync(string service, string table) =>
        await ScalarAsync(service, $"select count(*) from information_schema.tables where table_name = '{table}'") > 0;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Select(p => p.DisposeAsync().AsTask()));
        NpgsqlConnection.ClearAllPools();
    }
}

public sealed class DrillSettings
{
    /// <summary>Commands the load issues per drill (an upper bound; the time limit may stop it first).</summary>
    public int Operations { get; init; } = 240;

    /// <summary>Concurrent clients of the load.</summary>
    public int Clients { get; init; } = 4;

    /// <summary>Upper bound on the load's duration.</summary>
    public TimeSpan LoadTimeLimit { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Pause between one client's operations (keeps the load steady, not flat out).</summary>
    public TimeSpan Pace { get; init; } = TimeSpan.FromMilliseconds(80);

    /// <summary>How long a drill waits for the system to settle before it reconciles.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>RabbitMQ down time in the stop drill.</summary>
    public TimeSpan BrokerDowntime { get; init; } = TimeSpan.FromSeconds(20);

    public string LogRoot { get; init; } = Path.Combine(Path.GetTempPath(), "eucybernet-drills");

    /// <summary>Extra service settings (the tests shorten retries); empty = exactly what the AppHost gives.</summary>
    public Dictionary<string, string> ServiceOverrides { get; init; } = new(StringComparer.Ordinal);
}
