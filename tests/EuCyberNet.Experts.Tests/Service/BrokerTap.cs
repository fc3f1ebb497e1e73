using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EuCyberNet.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>
/// Listens on the real broker like any other subscriber would: a queue of its own bound to the
/// exchanges MassTransit publishes each message type to, keeping the raw bodies as they travel.
/// </summary>
public sealed class BrokerTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<TappedMessage> _messages = new();

    private BrokerTap(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyList<TappedMessage> Messages => [.. _messages];

    public static async Task<BrokerTap> StartAsync(Uri virtualHost, params Type[] messageTypes)
    {
        var connection = await new ConnectionFactory { Uri = virtualHost }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var tap = new BrokerTap(connection, channel);
        var queue = await channel.QueueDeclareAsync();
        foreach (var type in messageTypes)
        {
            var exchange = $"{type.Namespace}:{type.Name}"; // MassTransit's exchange for a message type
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue.QueueName, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var body = Encoding.UTF8.GetString(delivery.Body.Span);
            tap._messages.Enqueue(new TappedMessage(delivery.Exchange.Split(':')[^1], body, JsonDocument.Parse(body).RootElement.GetProperty("message").Clone()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return tap;
    }

    public Task<IReadOnlyList<TappedMessage>> WaitForAsync(Func<IReadOnlyList<TappedMessage>, bool> done, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Messages), done, TimeSpan.FromSeconds(60), what);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>One message as it crossed the broker: its type, the raw envelope and the message inside.</summary>
public sealed record TappedMessage(string Type, string RawBody, JsonElement Message)
{
    public Guid ExpertId => Message.GetProperty("expertId").GetGuid();

    public override string ToString() => $"{Type} {Message}";
}
