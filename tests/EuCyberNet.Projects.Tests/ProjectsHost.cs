using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Testing;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EuCyberNet.Projects.Tests;

/// <summary>
/// The Projects service in the test process on a fresh database of a real PostgreSQL, talking to a
/// fresh virtual host of a real RabbitMQ; Experts' events are published on that broker exactly as
/// the Experts service publishes them (MassTransit, the contract records).
/// </summary>
public sealed class ProjectsHost : IAsyncDisposable
{
    private ProjectsHost(TestPlatform platform, ServiceHost<ProjectsService> host, Dictionary<string, string?> settings)
    {
        Platform = platform;
        Host = host;
        Settings = settings;
    }

    public TestPlatform Platform { get; }

    public ServiceHost<ProjectsService> Host { get; }

    public Dictionary<string, string?> Settings { get; }

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public static async Task<ProjectsHost> StartAsync(IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var platform = await TestPlatform.CreateAsync();
        var defaults = new Dictionary<string, string?>
        {
            ["Messaging:RetryLimit"] = "6", // a fact racing a selection on one expert is retried on fresh state
            ["DeadlineCheck:Interval"] = "01:00:00",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) defaults[key] = value;
        var settings = await platform.SettingsForAsync("projectsdb", defaults);
        var host = new ServiceHost<ProjectsService>(settings, services);
        await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        return new ProjectsHost(platform, host, settings);
    }

    public HttpClient Officer(string user = "olga.officer") => Host.CreateClient("project-officer", user);

    public HttpClient Coordinator(string user = "carla.coordinator") => Host.CreateClient("coordinator", user);

    /// <summary>Publishes an Experts contract event on the broker, as the Experts service does.</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Host.Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId ?? Guid.NewGuid());

    public async Task<KnownExpert?> KnownExpertAsync(Guid expertId)
    {
        await using var session = Store.QuerySession();
        return await session.LoadAsync<KnownExpert>(expertId);
    }

    public async Task<KnownExpert> WaitForExpertAsync(Guid expertId, Func<KnownExpert, bool> done, string what) =>
        (await Eventually.ReturnsAsync(() => KnownExpertAsync(expertId), k => k is not null && done(k), TimeSpan.FromSeconds(60), what))!;

    /// <summary>An expert Experts announced as accepted, once Projects has heard it.</summary>
    public async Task<Guid> AcceptedExpertAsync()
    {
        var id = Guid.NewGuid();
        await PublishAsync(new ExpertJoinedPool(id, "SI", [EcsfRole.CyberIncidentResponder], [new LanguageSkill("en", LanguageLevel.C1)], DateTimeOffset.UtcNow));
        await WaitForExpertAsync(id, k => k.Standing == PoolStanding.Accepted, $"expert {id} accepted");
        return id;
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Settings["ConnectionStrings:projectsdb"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Events of one stream in the store, without the tombstones failed transactions leave.</summary>
    public Task<long> EventsOfAsync(Guid streamId) =>
        CountAsync("select count(*) from mt_events where stream_id = @id and type <> 'tombstone'", ("id", streamId));

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>JSON as the platform writes it, and the requests every test makes.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonDefaults.Configure(options);
        return options;
    }

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new InvalidOperationException("Empty body.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {text}", e);
        }
    }

    public static async Task<T> OkAsync<T>(this Task<HttpResponseMessage> call)
    {
        var response = await call;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<T>();
    }

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string url, object? body = null) =>
        client.PostAsJsonAsync(url, body ?? new { }, Json);

    /// <summary>The problem's <c>errors</c> field names.</summary>
    public static async Task<string[]> ErrorFieldsAsync(this HttpResponseMessage response)
    {
        var problem = await response.ReadAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    public static Dictionary<string, object?> RequestBody(
        int expertsNeeded = 2, DateOnly? deadline = null, DateOnly? start = null, DateOnly? end = null, string country = "MD", string? projectId = null) => new()
    {
        ["projectId"] = projectId,
        ["requester"] = "EU Delegation to Moldova",
        ["activityType"] = "advisory-mission",
        ["title"] = "CSIRT maturity assessment",
        ["tasks"] = "Assess the national CSIRT against SIM3 and recommend a roadmap.",
        ["roles"] = new[] { "cyber-incident-responder" },
        ["skills"] = new[] { "SIM3", "incident handling" },
        ["languages"] = new[] { "en", "ro" },
        ["themes"] = new[] { "incident-management-and-cip" },
        ["country"] = country,
        ["remote"] = false,
        ["startDate"] = Iso(start ?? Today.AddDays(30)),
        ["endDate"] = Iso(end ?? Today.AddDays(40)),
        ["applicationDeadline"] = Iso(deadline ?? Today.AddDays(10)),
        ["paid"] = true,
        ["travel"] = true,
        ["expertsNeeded"] = expertsNeeded,
    };

    /// <summary>Drafted by an officer, submitted, approved by a coordinator.</summary>
    public static async Task<RequestView> PublishedRequestAsync(this ProjectsHost host, Dictionary<string, object?>? body = null)
    {
        var officer = host.Officer("rita.requester");
        var draft = await officer.PostAsync("/expertise-requests", body ?? RequestBody()).OkAsync<RequestView>();
        await officer.PostAsync($"/expertise-requests/{draft.Id}/submit").OkAsync<RequestView>();
        return await host.Coordinator().PostAsync($"/expertise-requests/{draft.Id}/approve", new { reason = "fits the cooperation plan" }).OkAsync<RequestView>();
    }

    public static async Task ShortlistAsync(this ProjectsHost host, Guid requestId, params Guid[] experts)
    {
        var officer = host.Officer("rita.requester");
        foreach (var expert in experts)
        {
            await officer.PostAsync($"/expertise-requests/{requestId}/applications", new { expertId = expert }).OkAsync<ApplicationView>();
            await officer.PostAsync($"/expertise-requests/{requestId}/applications/{expert}/shortlist").OkAsync<RequestView>();
        }
    }
}

/// <summary>
/// Listens on the broker for the integration events Projects publishes (MassTransit's exchange per
/// message type), the way any subscriber would, and keeps their envelopes.
/// </summary>
public sealed class PublishedEvents : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Type, string? MessageId, JsonElement Message)> _received = new();
    private IConnection? _connection;
    private IChannel? _channel;

    public static async Task<PublishedEvents> ListenAsync(Uri virtualHost, params Type[] messageTypes)
    {
        var listener = new PublishedEvents();
        var factory = new ConnectionFactory { Uri = virtualHost };
        listener._connection = await factory.CreateConnectionAsync();
        listener._channel = await listener._connection.CreateChannelAsync();
        var queue = (await listener._channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var type in messageTypes)
        {
            var exchange = $"{type.Namespace}:{type.Name}";
            await listener._channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await listener._channel.QueueBindAsync(queue, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(listener._channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            var type = envelope.RootElement.GetProperty("messageType")[0].GetString()!.Split(':')[^1];
            var messageId = envelope.RootElement.TryGetProperty("messageId", out var id) ? id.GetString() : null;
            listener._received.Enqueue((type, messageId, envelope.RootElement.GetProperty("message").Clone()));
            return Task.CompletedTask;
        };
        await listener._channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return listener;
    }

    public IReadOnlyList<JsonElement> Of(string type, Func<JsonElement, bool>? where = null) =>
        [.. _received.Where(r => r.Type == type && (where?.Invoke(r.Message) ?? true)).Select(r => r.Message)];

    /// <summary>Every delivery of <paramref name="type"/> with its MessageId (a re-published message is delivered again).</summary>
    public IReadOnlyList<(string? MessageId, JsonElement Message)> WithIds(string type, Func<JsonElement, bool>? where = null) =>
        [.. _received.Where(r => r.Type == type && (where?.Invoke(r.Message) ?? true)).Select(r => (r.MessageId, r.Message))];

    public Task<IReadOnlyList<JsonElement>> WaitForAsync(string type, int count, Func<JsonElement, bool>? where = null) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Of(type, where)), found => found.Count >= count, TimeSpan.FromSeconds(60), $"{count} {type}");

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null) await _channel.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedHostGroup : ICollectionFixture<SharedHost>
{
    public const string Name = "Projects service";
}

/// <summary>One Projects service shared by the tests of a collection (each test works on its own ids).</summary>
public sealed class SharedHost : IAsyncLifetime
{
    public ProjectsHost Projects { get; private set; } = null!;

    public async Task InitializeAsync() => Projects = await ProjectsHost.StartAsync();

    public async Task DisposeAsync() => await Projects.DisposeAsync();
}

internal static class Bytes
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
