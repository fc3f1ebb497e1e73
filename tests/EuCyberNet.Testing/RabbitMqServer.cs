using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Testcontainers.RabbitMq;

namespace EuCyberNet.Testing;

/// <summary>
/// A real RabbitMQ node for tests. Each test host gets its own virtual host
/// (<see cref="CreateVirtualHostAsync"/>). A node this class started itself (a local process or a
/// container) can also be stopped, restarted and killed, for the fault tests.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "EUCYBERNET_TEST_RABBITMQ";
    public const string ManagementEnvironmentVariable = "EUCYBERNET_TEST_RABBITMQ_MANAGEMENT";

    private readonly HttpClient _management;
    private readonly LocalServerProcess? _process;
    private readonly RabbitMqContainer? _container;
    private readonly string? _dataDirectory;
    private readonly string? _nodeName;

    private RabbitMqServer(Uri amqp, Uri management, string source, LocalServerProcess? process = null,
        RabbitMqContainer? container = null, string? dataDirectory = null, string? nodeName = null)
    {
        Amqp = amqp;
        Source = source;
        _process = process;
        _container = container;
        _dataDirectory = dataDirectory;
        _nodeName = nodeName;
        var credentials = Uri.UnescapeDataString(management.UserInfo);
        _management = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(15) };
        _management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>amqp://user:password@host:port/ (the default virtual host).</summary>
    public Uri Amqp { get; }

    public string Source { get; }

    /// <summary>True when this process started the node and may stop, restart or kill it.</summary>
    public bool IsOwned => _process is not null || _container is not null;

    public static async Task<RabbitMqServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } amqp)
        {
            var management = Environment.GetEnvironmentVariable(ManagementEnvironmentVariable)
                ?? throw new InvalidOperationException($"{EnvironmentVariable} is set but {ManagementEnvironmentVariable} is not.");
            return new RabbitMqServer(new Uri(amqp), new Uri(management), "environment");
        }
        return await StartOwnedAsync();
    }

    /// <summary>A node of this test process's own (container if Docker answers, else local binaries).</summary>
    /// <param name="statisticsInterval">How often the management API's queue figures are refreshed (RabbitMQ's default when null: 5 s).</param>
    public static async Task<RabbitMqServer> StartOwnedAsync(TimeSpan? statisticsInterval = null)
    {
        if (TestEnvironment.ContainerRuntimeAnswers)
        {
            var builder = new RabbitMqBuilder("rabbitmq:3.13-management");
            if (statisticsInterval is { } interval)
                builder = builder.WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", $"-rabbit collect_statistics_interval {Milliseconds(interval)}");
            var container = builder.Build();
            await container.StartAsync();
            var amqp = new Uri(container.GetConnectionString());
            var management = new UriBuilder("http", container.Hostname, container.GetMappedPublicPort(15672)) { UserName = "rabbitmq", Password = "rabbitmq" }.Uri;
            var server = new RabbitMqServer(amqp, management, "container", container: container);
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            return server;
        }
        return await StartLocalAsync(statisticsInterval);
    }

    public static async Task<RabbitMqServer> StartLocalAsync(TimeSpan? statisticsInterval = null)
    {
        var directory = TestEnvironment.NewTempDirectory("rmq");
        var (amqpPort, managementPort, distPort) = (TestEnvironment.FreePort(), TestEnvironment.FreePort(), TestEnvironment.FreePort());
        var password = Guid.NewGuid().ToString("N");
        var passwordFile = Path.Combine(directory, "password");
        await File.WriteAllTextAsync(passwordFile, password);
        var node = $"eucn-test-{amqpPort}@localhost";
        var data = Path.Combine(directory, "data");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (statisticsInterval is { } interval) environment["RABBITMQ_STATS_INTERVAL_MS"] = Milliseconds(interval);
        var process = new LocalServerProcess(TestEnvironment.Script("rabbitmq.sh"), Path.Combine(directory, "server.log"), environment,
            data, Text(amqpPort), Text(managementPort), node, "test", passwordFile, Text(distPort));
        var server = new RabbitMqServer(
            new Uri($"amqp://test:{password}@127.0.0.1:{amqpPort}/"),
            new Uri($"http://test:{password}@127.0.0.1:{managementPort}/"),
            "local process", process, dataDirectory: data, nodeName: node);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (again) a node this process owns and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null) _process.Start();
        else if (_container is not null) await _container.StartAsync();
        else throw new InvalidOperationException("This RabbitMQ node is not owned by the test process.");
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Graceful stop: the broker closes its connections and keeps durable messages.</summary>
    public async Task StopAsync()
    {
        if (_process is not null) await _process.StopAsync(TimeSpan.FromSeconds(60));
        else if (_container is not null) await _container.StopAsync();
        else throw new InvalidOperationException("This RabbitMQ node is not owned by the test process.");
    }

    /// <summary>SIGKILL of the Erlang VM: no goodbye to clients, only what was fsynced survives.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _dataDirectory is null)
            throw new InvalidOperationException("Only a local node can be killed.");
        var pid = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "rabbitmq.pid"))).Trim();
        using (var kill = Process.Start("kill", ["-KILL", pid])) await kill!.WaitForExitAsync();
        await _process.StopAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A fresh virtual host the broker's user may use; returns its AMQP URI.</summary>
    public async Task<Uri> CreateVirtualHostAsync(string prefix)
    {
        var vhost = TestEnvironment.UniqueName(prefix);
        (await _management.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(Amqp.UserInfo.Split(':')[0]);
        (await _management.PutAsJsonAsync($"api/permissions/{vhost}/{user}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new Uri(Amqp, vhost);
    }

    /// <summary>
    /// A RabbitMQ user of its own (no management tags) with the given permissions (regular
    /// expressions on resource names) on <paramref name="virtualHost"/>; returns an AMQP URI that
    /// connects as that user. Partner systems are such users.
    /// </summary>
    public async Task<Uri> CreateUserAsync(Uri virtualHost, string user, string password, string configure, string write, string read)
    {
        var vhost = Uri.EscapeDataString(Uri.UnescapeDataString(virtualHost.AbsolutePath.Trim('/')));
        (await _management.PutAsJsonAsync($"api/users/{Uri.EscapeDataString(user)}", new { password, tags = "" })).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"api/permissions/{vhost}/{Uri.EscapeDataString(user)}", new { configure, write, read })).EnsureSuccessStatusCode();
        return new UriBuilder(virtualHost) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) }.Uri;
    }

    /// <summary>
    /// Messages ready in a queue, read with a passive declare (exact, unlike the management stats);
    /// 0 while the queue does not exist yet (error queues appear with their first message).
    /// </summary>
    public static async Task<uint> MessageCountAsync(Uri virtualHost, string queue)
    {
        var factory = new ConnectionFactory { Uri = virtualHost };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>
    /// Force-closes the client connection that comes from <paramref name="clientPort"/> on this machine,
    /// as a crashed client would lose it; returns the number of connections closed (1).
    /// The management API learns of a new connection a moment late (it may list none, or only the
    /// others of the virtual host), so this waits until it lists that one: closing "every connection
    /// listed" once missed the consumer's connection under load and nothing was redelivered.
    /// </summary>
    public async Task<int> CloseConnectionAsync(Uri virtualHost, int clientPort)
    {
        var vhost = VirtualHostPath(virtualHost);
        var connection = await Eventually.ReturnsAsync(
            async () => (await _management.GetFromJsonAsync<JsonElement[]>($"api/vhosts/{vhost}/connections") ?? [])
                .FirstOrDefault(c => c.TryGetProperty("peer_port", out var port) && port.ValueKind == JsonValueKind.Number && port.GetInt32() == clientPort),
            found => found.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), $"the connection from port {clientPort} listed by the management API");
        var name = connection.GetProperty("name").GetString()!;
        using var response = await _management.DeleteAsync($"api/connections/{Uri.EscapeDataString(name)}");
        response.EnsureSuccessStatusCode();
        return 1;
    }

    /// <summary>A GET on the management API (e.g. <c>api/queues/{vhost}</c>), as JSON.</summary>
    public async Task<JsonElement> ManagementAsync(string path) =>
        await _management.GetFromJsonAsync<JsonElement>(path);

    /// <summary>The name of a virtual host as the management API wants it in a path.</summary>
    public static string VirtualHostPath(Uri virtualHost) =>
        Uri.EscapeDataString(Uri.UnescapeDataString(virtualHost.AbsolutePath.Trim('/')));

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var factory = new ConnectionFactory { Uri = Amqp, RequestedConnectionTimeout = TimeSpan.FromSeconds(2) };
                await using var connection = await factory.CreateConnectionAsync();
                (await _management.GetAsync("api/overview")).EnsureSuccessStatusCode();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_process is { IsRunning: false } || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"RabbitMQ did not start ({_nodeName}): {_process?.Log()}", e);
                await Task.Delay(500);
            }
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(TimeSpan interval) => ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _management.Dispose();
        if (_process is not null) await _process.DisposeAsync();
        if (_container is not null) await _container.DisposeAsync();
    }
}
