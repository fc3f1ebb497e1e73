using System.Collections.Concurrent;
using System.Text.Json;
using EuCyberNet.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EuCyberNet.Drills;

/// <summary>
/// The drill's witness of what the relays published: a durable quorum queue of its own bound to the
/// exchange of every integration event in contracts/ (MassTransit names them
/// <c>Namespace:Type</c>), consumed with manual acks. Every distinct MessageId is one published
/// integration event; further deliveries of the same id are re-publishes (a relay that retried a
/// page, or a crash between confirm and checkpoint).
/// </summary>
public sealed class PublishedTap : IAsyncDisposable
{
    public const string QueueName = "drill-published-tap";

    private readonly ConcurrentDictionary<Guid, Published> _messages = new();
    private readonly Uri _virtualHost;
    private IConnection? _connection;
    private IChannel? _channel;
    private long _deliveries;

    private PublishedTap(Uri virtualHost) => _virtualHost = virtualHost;

    public sealed record Published(Guid MessageId, string Type, string? SourceEventId, string? SourceService);

    public static IReadOnlyList<Type> IntegrationEventTypes { get; } = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    public static string ExchangeOf(Type type) => $"{type.Namespace}:{type.Name}";

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public IReadOnlyCollection<Published> Messages => [.. _messages.Values];

    public static async Task<PublishedTap> StartAsync(Uri virtualHost)
    {
        var tap = new PublishedTap(virtualHost);
        await tap.ConnectAsync();
        return tap;
    }

    private async Task ConnectAsync()
    {
        var factory = new ConnectionFactory
        {
            Uri = _virtualHost,
            ClientProvidedName = "drill-tap",
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
        };
        _connection = await factory.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync();
        await _channel.QueueDeclareAsync(QueueName, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        foreach (var type in IntegrationEventTypes)
        {
            // As MassTransit declares a publish exchange: durable fanout.
            await _channel.ExchangeDeclareAsync(ExchangeOf(type), ExchangeType.Fanout, durable: true, autoDelete: false);
            await _channel.QueueBindAsync(QueueName, ExchangeOf(type), "");
        }
        await _channel.BasicQosAsync(0, 200, false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        await _channel.BasicConsumeAsync(QueueName, autoAck: false, consumer);
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        Record(delivery.Exchange, delivery.Body.Span);
        try
        {
            await ((AsyncEventingBasicConsumer)sender).Channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The broker went away before the ack: it redelivers, and the MessageId dedups it here.
        }
    }

    private void Record(string exchange, ReadOnlySpan<byte> body)
    {
        Interlocked.Increment(ref _deliveries);
        try
        {
            using var json = JsonDocument.Parse(body.ToArray());
            var root = json.RootElement;
            if (!root.TryGetProperty("messageId", out var idElement) || !Guid.TryParse(idElement.GetString(), out var id)) return;
            // The exchange it was published to is its concrete type (the envelope also lists interfaces).
            var type = exchange.Split(':')[^1];
            string? Header(string name) => root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
                && headers.TryGetProperty(name, out var value) ? value.ToString() : null;
            _messages.TryAdd(id, new Published(id, type, Header("eucybernet-source-event-id"), Header("eucybernet-source-service")));
        }
        catch (JsonException)
        {
            // Not a MassTransit envelope: the drill's own poison messages. Counted as a delivery only.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            try
            {
                await _channel.CloseAsync();
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
            {
            }
            await _channel.DisposeAsync();
        }
        if (_connection is not null)
        {
            try
            {
                await _connection.CloseAsync();
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
            {
            }
            await _connection.DisposeAsync();
        }
    }
}
