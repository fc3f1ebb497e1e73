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

    private PostgresServer(string adminConnectionString, string source, IAsyncDisposable? owned)
    {
        AdminConnectionString = adminConnectionString;
        Source = source;
        _owned = owned;
    }

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

    /// <summary>A throwaway server from the machine's binaries, on a free port and a temp folder.</summary>
    public static async Task<PostgresServer> StartLocalAsync()
    {
        var directory = TestEnvironment.NewTempDirectory("pg");
        var port = TestEnvironment.FreePort();
        var process = new LocalServerProcess(TestEnvironment.Script("postgres.sh"), Path.Combine(directory, "server.log"),
            Path.Combine(directory, "data"), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process.Start();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
        await WaitUntilReadyAsync(connectionString, process, TimeSpan.FromSeconds(60));
        return new PostgresServer(connectionString.Replace(";Pooling=false", "", StringComparison.Ordinal), "local process", process);
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
