using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Overview;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Coordination.Tests;

/// <summary>
/// Coordination running in the test process on a fresh database of a real PostgreSQL and a fresh
/// virtual host of a real RabbitMQ, and a publisher that puts contract events on that broker the way
/// the Experts, Projects and Training relays do (MessageId, correlation, user and source headers).
/// </summary>
public sealed class CoordinationHost : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly Dictionary<string, string?> _settings;
    private readonly List<ServiceHost<CoordinationService>> _replicas = [];

    private CoordinationHost(TestPlatform platform, Dictionary<string, string?> settings, ServiceHost<CoordinationService> host)
    {
        Platform = platform;
        _settings = settings;
        Host = host;
        Client = host.CreateClient("coordinator", "maria.schmidt");
    }

    public TestPlatform Platform { get; }

    public ServiceHost<CoordinationService> Host { get; }

    public HttpClient Client { get; }

    /// <summary>The service's database.</summary>
    public string ConnectionString => _settings["ConnectionStrings:coordinationdb"]!;

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public static async Task<CoordinationHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var platform = await TestPlatform.CreateAsync();
        var all = await platform.SettingsForAsync("coordinationdb", settings);
        var host = new ServiceHost<CoordinationService>(all);
        await host.WaitUntilHealthyAsync();
        return new CoordinationHost(platform, all, host);
    }

    /// <summary>Another replica of the service on the same database and broker (disposed with this host).</summary>
    public async Task<ServiceHost<CoordinationService>> StartReplicaAsync(Action<IServiceCollection>? services = null)
    {
        var replica = new ServiceHost<CoordinationService>(_settings, services);
        _replicas.Add(replica);
        await replica.WaitUntilHealthyAsync();
        return replica;
    }

    /// <summary>Publishes as a service's relay would: a MessageId per event and the audit headers.</summary>
    public async Task PublishAsync(IIntegrationEvent message, string? correlationId = null, string user = "someone", Guid? messageId = null)
    {
        var bus = Host.Services.GetRequiredService<IBus>();
        var service = message.GetType().Namespace!.Split('.')[2].ToLowerInvariant();
        await bus.Publish(message, message.GetType(), context =>
        {
            context.MessageId = messageId ?? Guid.NewGuid();
            if (correlationId is not null) context.Headers.Set(PlatformHeaders.CorrelationId, correlationId);
            context.Headers.Set(PlatformHeaders.User, user);
            context.Headers.Set(PlatformHeaders.SourceEventId, (messageId ?? Guid.NewGuid()).ToString());
            context.Headers.Set(PlatformHeaders.SourceService, service);
            context.Durable = true;
        });
    }

    public async Task PublishAllAsync(params IIntegrationEvent[] messages)
    {
        foreach (var message in messages) await PublishAsync(message);
    }

    /// <summary>Events in the store, tombstones left out.</summary>
    public async Task<long> StoredEventsAsync()
    {
        await using var session = Store.QuerySession();
        return (await session.AdvancedSql.QueryAsync<long>("select count(*) from mt_events where type <> 'tombstone'", CancellationToken.None))[0];
    }

    /// <summary>Events Coordination heard from others (its own overlap alerts left out).</summary>
    public async Task<long> HeardEventsAsync()
    {
        await using var session = Store.QuerySession();
        return (await session.AdvancedSql.QueryAsync<long>(
            "select count(*) from mt_events where type <> 'tombstone' and type not like 'coordination.%'", CancellationToken.None))[0];
    }

    /// <summary>Waits until <paramref name="count"/> heard events are stored (the read models commit with them).</summary>
    public async Task WaitForEventsAsync(long count, TimeSpan? timeout = null) =>
        await Eventually.ReturnsAsync(HeardEventsAsync, n => n >= count, timeout ?? TimeSpan.FromSeconds(60), $"{count} events recorded");

    /// <summary>Waits until the overlap detector has decided on everything stored so far.</summary>
    public async Task WaitForDetectionAsync(TimeSpan? timeout = null)
    {
        long head;
        await using (var session = Store.QuerySession())
            head = (await session.AdvancedSql.QueryAsync<long>("select coalesce(max(seq_id), 0) from mt_events", CancellationToken.None))[0];
        await Eventually.ReturnsAsync(() => Store.Advanced.ProjectionProgressFor(ShardName.Compose(Overlaps.OverlapDetection.SubscriptionName)),
            p => p >= head, timeout ?? TimeSpan.FromSeconds(60), $"overlap detection at sequence {head}");
    }

    /// <summary>A queue bound to the exchange of a message type Coordination publishes, to count what it announced.</summary>
    public async Task<string> ListenToAsync<TMessage>()
    {
        var exchange = $"{typeof(TMessage).Namespace}:{typeof(TMessage).Name}";
        var queue = $"probe-{typeof(TMessage).Name}-{Guid.NewGuid():N}";
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = Platform.VirtualHost };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "fanout", durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "");
        return queue;
    }

    public Task<uint> MessagesInAsync(string queue) => RabbitMqServer.MessageCountAsync(Platform.VirtualHost, queue);

    public async Task<T> GetAsync<T>(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} → {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    public Task<NetworkOverview> OverviewAsync(string? asOf = null) =>
        GetAsync<NetworkOverview>(asOf is null ? "/coordination/overview" : $"/coordination/overview?asOf={Uri.EscapeDataString(asOf)}");

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        await Host.DisposeAsync();
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonDefaults.Configure(options);
        return options;
    }
}
