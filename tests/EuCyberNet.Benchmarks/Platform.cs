using System.Diagnostics;
using EuCyberNet.Testing;
using Npgsql;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// The servers of this benchmark run (started by ./eucybernet bench) and the services as real
/// processes, configured the way the AppHost configures them: their own database, the broker (a
/// fresh virtual host), the signing key, service discovery entries, a fixed loopback port.
/// </summary>
internal sealed class Platform : IAsyncDisposable
{
    private readonly List<ServiceProcess> _services = [];

    private Platform(string adminConnection, Uri broker, Uri management, int postgresPid, int rabbitPid, string configuration)
    {
        AdminConnection = adminConnection;
        Broker = broker;
        Management = management;
        PostgresPid = postgresPid;
        RabbitPid = rabbitPid;
        Configuration = configuration;
    }

    public string AdminConnection { get; }
    public Uri Broker { get; }
    public Uri Management { get; }
    public int PostgresPid { get; }
    public int RabbitPid { get; }
    public string Configuration { get; }
    public string SigningKey { get; } = EuCyberNet.ServiceDefaults.Security.AuthenticationExtensions.NewSigningKey();
    public Uri? VirtualHost { get; private set; }

    public IReadOnlyList<ServiceProcess> Services => _services;

    public static Platform FromEnvironment(string configuration)
    {
        string Need(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
            : throw new InvalidOperationException($"{name} is not set: run the benchmarks with ./eucybernet bench.");
        int Pid(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var pid) ? pid : 0;
        return new Platform(Need(PostgresServer.EnvironmentVariable), new Uri(Need(RabbitMqServer.EnvironmentVariable)),
            new Uri(Need(RabbitMqServer.EnvironmentVariable + "_MANAGEMENT")), Pid("EUCYBERNET_BENCH_POSTGRES_PID"), Pid("EUCYBERNET_BENCH_RABBITMQ_PID"),
            configuration);
    }

    public async Task<Uri> NewVirtualHostAsync(string name)
    {
        var server = await RabbitMqServer.StartAsync();
        VirtualHost = await server.CreateVirtualHostAsync(name);
        return VirtualHost;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(AdminConnection))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnection) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    /// <summary>Starts a service from its Release build and waits until its /health says so.</summary>
    public async Task<ServiceProcess> StartAsync(string name, IDictionary<string, string> settings)
    {
        var project = name == "gateway" ? "Gateway" : char.ToUpperInvariant(name[0]) + name[1..];
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "services", project, "bin", Configuration, "net10.0", $"EuCyberNet.{project}.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build {project} first ({Configuration})", dll);
        var port = TestEnvironment.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Auth__SigningKey"] = SigningKey;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        foreach (var (key, value) in settings) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {dll}");
        var service = new ServiceProcess(name, process, new Uri($"http://127.0.0.1:{port}"));
        _services.Add(service);
        // If the benchmark is stopped (Ctrl+C, timeout), its services go with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        };
        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180));
        return service;
    }

    /// <summary>A service's settings the way the AppHost gives them.</summary>
    public Dictionary<string, string> SettingsFor(string database, string connectionString, IReadOnlyDictionary<string, Uri>? peers = null)
    {
        var settings = new Dictionary<string, string>
        {
            [$"ConnectionStrings__{database}"] = connectionString,
            ["ConnectionStrings__rabbitmq"] = (VirtualHost ?? Broker).ToString(),
        };
        foreach (var (peer, address) in peers ?? new Dictionary<string, Uri>()) settings[$"services__{peer}__http__0"] = address.ToString();
        return settings;
    }

    public async Task StopAsync(ServiceProcess service)
    {
        _services.Remove(service);
        await service.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services) await service.DisposeAsync();
        _services.Clear();
    }
}

internal sealed class ServiceProcess(string name, Process process, Uri address) : IAsyncDisposable
{
    private readonly System.Text.StringBuilder _log = new();

    public string Name { get; } = name;
    public Uri Address { get; } = address;
    public int Pid => process.Id;
    public double PeakRssMiB { get; private set; }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        process.OutputDataReceived += (_, e) => { lock (_log) if (_log.Length < 20_000) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) if (_log.Length < 20_000) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) break;
            try
            {
                if ((await http.GetAsync(new Uri(Address, "/health"))).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new InvalidOperationException($"{Name} did not become healthy: {Log()}");
    }

    public string Log()
    {
        lock (_log) return _log.ToString();
    }

    /// <summary>Samples the resident set size (keeps the largest seen).</summary>
    public double SampleRss()
    {
        var (rss, peak) = Cpu.MemoryMiB(process.Id);
        PeakRssMiB = Math.Max(PeakRssMiB, double.IsNaN(peak) ? rss : peak);
        return rss;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        process.Dispose();
    }
}
