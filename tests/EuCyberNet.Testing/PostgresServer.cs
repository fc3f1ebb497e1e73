using Npgsql;
using Testcontainers.PostgreSql;

namespace EuCyberNet.Testing;

/// <summary>
/// A real PostgreSQL server for tests. Each test gets its own database on it
/// (<see cref="CreateDatabaseAsync"/>), so tests never see each other's data.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "EUCYBERNET_TEST_POSTGRES";

    private readonly IAsyncDisposable? _owned;
    private readonly LocalServerProcess? _process;
    private readonly string? _dataDirectory;

    private PostgresServer(string adminConnectionString, string source, IAsyncDisposable? owned, string? dataDirectory = null)
    {
        AdminConnectionString = adminConnectionString;
        Source = source;
        _owned = owned;
        _process = owned as LocalServerProcess;
        _dataDirectory = dataDirectory;
    }

    /// <summary>True when this process started the server from local binaries and may restart or kill it.</summary>
    public bool IsOwned => _process is not null;

    /// <summary>Superuser connection string to the server (database "postgres").</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where this server came from: environment, container or local process.</summary>
    public string Source { get; }

    /// <summary>From <see cref="EnvironmentVariable"/>, else a container, else a local server process.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
            return new PostgresServer(fromEnvironment, "environment", null);

        if (TestEnvironment.ContainerRuntimeAnswers)
        {
            var container = new PostgreSqlBuilder("postgres:15").Build();
            await container.StartAsync();
            return new PostgresServer(container.GetConnectionString(), "container", container);
        }

        return await StartLocalAsync();
    }

    /// <summary>
    /// A throwaway server from the machine's binaries, on a free port and a temp folder. Durable
    /// (fsync and synchronous commit on) when <paramref name="durable"/>, as fault drills need;
    /// otherwise tuned for speed like every test server.
    /// </summary>
    public static async Task<PostgresServer> StartLocalAsync(bool durable = false)
    {
        var directory = TestEnvironment.NewTempDirectory("pg");
        var port = TestEnvironment.FreePort();
        var data = Path.Combine(directory, "data");
        var environment = new Dictionary<string, string> { ["EUCYBERNET_PG_FAST"] = durable ? "0" : "1" };
        var process = new LocalServerProcess(TestEnvironment.Script("postgres.sh"), Path.Combine(directory, "server.log"),
            environment, data, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process.Start();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
        await WaitUntilReadyAsync(connectionString, process, TimeSpan.FromSeconds(60));
        return new PostgresServer(connectionString.Replace(";Pooling=false", "", StringComparison.Ordinal), "local process", process, data);
    }

    /// <summary>
    /// Stops a server this process owns — <c>fast</c> (SIGINT: clients are disconnected, the server
    /// checkpoints) or <c>immediate</c> (SIGKILL of the postmaster: crash recovery on the next
    /// start) — and starts it again on the same data, waiting until it accepts connections.
    /// </summary>
    public async Task RestartAsync(bool kill = false, TimeSpan? downtime = null)
    {
        if (_process is null || _dataDirectory is null) throw new InvalidOperationException("Only a local server of this process can be restarted.");
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        var pid = (await File.ReadAllLinesAsync(pidFile))[0].Trim();
        using (var signal = System.Diagnostics.Process.Start("kill", [kill ? "-KILL" : "-INT", pid])) await signal!.WaitForExitAsync();
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        if (kill)
        {
            // The postmaster's children notice its death by themselves; wait until they are gone
            // so that the new postmaster finds the shared memory released.
            for (var i = 0; i < 100 && PostgresChildrenAlive(pid); i++) await Task.Delay(100);
        }
        if (downtime is { } pause) await Task.Delay(pause);
        _process.Start();
        var ready = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString;
        await WaitUntilReadyAsync(ready, _process, TimeSpan.FromSeconds(90));
    }

    private static bool PostgresChildrenAlive(string postmasterPid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var status = File.ReadAllText(Path.Combine(dir, "status"));
                if (status.Contains($"\nPPid:\t{postmasterPid}\n", StringComparison.Ordinal)) return true;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return false;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = TestEnvironment.UniqueName(prefix.ToLowerInvariant());
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task WaitUntilReadyAsync(string connectionString, LocalServerProcess process, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                if (!process.IsRunning || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"PostgreSQL did not start: {process.Log()}", e);
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_owned is not null) await _owned.DisposeAsync();
    }
}
