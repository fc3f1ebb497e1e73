using System.Collections.Concurrent;
using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Training.V1;
using Headers = EuCyberNet.ServiceDefaults.Messaging.PlatformHeaders;
using EuCyberNet.Testing;
using EuCyberNet.Training;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Training.Tests.Service;

/// <summary>A calendar the tests move forward (sessions must be in the future to enrol, in the past to deliver).</summary>
public sealed class TestClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public DateOnly Today => DateOnly.FromDateTime(GetUtcNow().UtcDateTime);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// The Training service in the test process on a fresh database of a real PostgreSQL and a fresh
/// virtual host of a real RabbitMQ, and a bus of the test's own on the same virtual host that
/// plays the Experts service (publishing its contract records exactly as its relay does) and
/// listens to everything Training publishes.
/// </summary>
public sealed class TrainingFixture : IAsyncLifetime
{
    public TestPlatform Platform { get; private set; } = null!;

    public ServiceHost<TrainingService> Host { get; private set; } = null!;

    /// <summary>The service's settings (database, broker, signing key), for starting replicas of it.</summary>
    public IDictionary<string, string?> Settings { get; private set; } = null!;

    public TestClock Clock { get; } = new();

    public IBusControl Broker { get; private set; } = null!;

    /// <summary>Every message Training published, as it arrived on the broker.</summary>
    public ConcurrentQueue<(Guid MessageId, IIntegrationEvent Message)> Published { get; } = new();

    public async Task InitializeAsync()
    {
        Platform = await TestPlatform.CreateAsync();
        Broker = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(Platform.VirtualHost);
            rabbit.Publish<IIntegrationEvent>(p => p.Exclude = true);
            rabbit.ReceiveEndpoint("training-tests-observer", endpoint =>
            {
                Observe<TrainingCompleted>(endpoint);
                Observe<EnrolmentConfirmed>(endpoint);
                Observe<EnrolmentCancelled>(endpoint);
                Observe<TrainingSessionScheduled>(endpoint);
                Observe<TrainingSessionUpdated>(endpoint);
                Observe<TrainingSessionCancelled>(endpoint);
                Observe<TrainingRequestApproved>(endpoint);
                Observe<TrainingRequestScheduled>(endpoint);
                Observe<TrainingRequestDelivered>(endpoint);
            });
        });
        await Broker.StartAsync();
        Settings = await Platform.SettingsForAsync("trainingdb");
        Host = await StartReplicaAsync();
    }

    /// <summary>Another instance of the service on the same database and broker (a replica).</summary>
    public async Task<ServiceHost<TrainingService>> StartReplicaAsync()
    {
        var host = new ServiceHost<TrainingService>(Settings,
            services => services.AddSingleton(new TrainingCalendar(Clock)));
        await host.WaitUntilHealthyAsync();
        return host;
    }

    public HttpClient Client(string role = "training-manager", string user = "tm.lena") => Host.CreateClient(role, user);

    /// <summary>Publishes an Experts contract record the way the Experts relay does: MessageId = its event id, audit headers.</summary>
    public Task PublishAsExpertsAsync<T>(T message, Guid? messageId = null) where T : class, IIntegrationEvent =>
        Broker.Publish(message, context =>
        {
            context.MessageId = messageId ?? Guid.NewGuid();
            context.Headers.Set(Headers.CorrelationId, $"experts-{context.MessageId:N}");
            context.Headers.Set(Headers.User, "coordinator.maria");
            context.Headers.Set(Headers.SourceService, "experts");
            context.Durable = true;
        });

    public IReadOnlyList<T> PublishedOf<T>() where T : IIntegrationEvent => [.. Published.Select(p => p.Message).OfType<T>()];

    /// <summary>Waits until a published message matching <paramref name="match"/> has arrived on the broker.</summary>
    public async Task<T> ArrivedAsync<T>(Func<T, bool> match, string what) where T : IIntegrationEvent
    {
        var found = await Eventually.ReturnsAsync(() => Task.FromResult(PublishedOf<T>().FirstOrDefault(match)), m => m is not null,
            TimeSpan.FromSeconds(30), what);
        return found!;
    }

    /// <summary>Events of one type in the store (Marten's type name, e.g. "course_catalogued"); failed transactions' tombstones never count.</summary>
    public async Task<long> EventsAsync(string type, Guid? stream = null)
    {
        var configuration = Host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        await using var connection = new Npgsql.NpgsqlConnection(
            Microsoft.Extensions.Configuration.ConfigurationExtensions.GetConnectionString(configuration, "trainingdb"));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*) from mt_events where type = $1 and ($2::uuid is null or stream_id = $2)", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = type });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)stream ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<T?> DocumentAsync<T>(Guid id) where T : notnull
    {
        await using var session = Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        return await session.LoadAsync<T>(id);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Broker.StopAsync();
    }

    private void Observe<T>(IRabbitMqReceiveEndpointConfigurator endpoint) where T : class, IIntegrationEvent =>
        endpoint.Handler<T>(context =>
        {
            Published.Enqueue((context.MessageId ?? Guid.Empty, context.Message));
            return Task.CompletedTask;
        });
}

[CollectionDefinition(Name)]
public sealed class TrainingServiceGroup : ICollectionFixture<TrainingFixture>
{
    public const string Name = "training service";
}
