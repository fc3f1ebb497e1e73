namespace EuCyberNet.Testing;

/// <summary>
/// The PostgreSQL server and RabbitMQ node every test of this process shares (isolated per test
/// by database and virtual host). Started once, on first use; stopped when the process exits.
/// `./eucybernet test` starts one pair for the whole run and passes it in the environment.
/// </summary>
public static class SharedServers
{
    private static readonly Lazy<Task<PostgresServer>> Postgres = new(() => StartAsync(PostgresServer.StartAsync)());
    private static readonly Lazy<Task<RabbitMqServer>> RabbitMq = new(() => StartAsync(RabbitMqServer.StartAsync)());

    public static Task<PostgresServer> PostgresAsync() => Postgres.Value;

    public static Task<RabbitMqServer> RabbitMqAsync() => RabbitMq.Value;

    private static Func<Task<T>> StartAsync<T>(Func<Task<T>> start) where T : IAsyncDisposable => async () =>
    {
        try
        {
            var server = await start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
            return server;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"Tests need a real {typeof(T).Name.Replace("Server", "", StringComparison.Ordinal)}: set {PostgresServer.EnvironmentVariable} / " +
                $"{RabbitMqServer.EnvironmentVariable}, run a Docker engine, or install the server binaries " +
                "(Debian: apt-get install -y postgresql rabbitmq-server). This is a failure, never a skip.", e);
        }
    };
}
