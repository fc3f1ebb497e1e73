using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EuCyberNet.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>The receive queues of this service's consumers (their error queues are <c>{queue}_error</c>).</summary>
public sealed class ConsumerQueues
{
    private readonly ConcurrentDictionary<string, bool> _names = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => [.. _names.Keys.Order(StringComparer.Ordinal)];

    internal void Add(string name) => _names[name] = true;
}

/// <summary>
/// Watches and drains the error queues of this service's consumers:
/// <c>eucybernet.messaging.error_queue_depth</c> (tagged <c>queue</c>) every 15 s, and
/// <see cref="ReplayAsync"/> moves faulted messages back to their queue after a fix. A replay is
/// always safe: consumers are idempotent, so a message whose effect was applied is a no-op.
/// </summary>
public sealed partial class ErrorQueues(ConsumerQueues queues, string connectionString, ILogger<ErrorQueues> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<string, long> _depth = new(StringComparer.Ordinal);

    public static string ErrorQueueOf(string queue) => queue + "_error";

    /// <summary>Messages waiting in each error queue, read now.</summary>
    public async Task<IReadOnlyDictionary<string, long>> DepthsAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        var depths = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var queue in queues.Names)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            depths[ErrorQueueOf(queue)] = await CountAsync(channel, ErrorQueueOf(queue), ct);
        }
        return depths;
    }

    /// <summary>Moves every message of the error queues back to its queue; returns how many, per queue.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReplayAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        var replayed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var queue in queues.Names)
        {
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            var moved = 0;
            // Bounded: what is in the queue now, not what a still-failing consumer keeps adding.
            var limit = await CountAsync(channel, ErrorQueueOf(queue), ct);
            while (moved < limit && await channel.BasicGetAsync(ErrorQueueOf(queue), autoAck: false, ct) is { } message)
            {
                var properties = new BasicProperties(message.BasicProperties);
                await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, ct); // confirmed
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                moved++;
            }
            if (moved > 0) LogReplayed(logger, moved, queue);
            replayed[queue] = moved;
        }
        return replayed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EuCyberNetTelemetry.Meter.CreateObservableGauge("eucybernet.messaging.error_queue_depth",
            () => _depth.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("queue", p.Key))),
            "{message}", "Messages that failed all retries and wait in an error queue");

        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var (queue, depth) in await DepthsAsync(stoppingToken)) _depth[queue] = depth;
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException
                                      && !stoppingToken.IsCancellationRequested)
            {
                LogUnavailable(logger, e);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Telemetry must not stop the host (a background service that throws stops it).
                LogFailed(logger, e);
            }
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken ct) =>
        await new ConnectionFactory { Uri = new Uri(connectionString), ClientProvidedName = "eucybernet-error-queues" }
            .CreateConnectionAsync(ct);

    private static async Task<long> CountAsync(IChannel channel, string queue, CancellationToken ct)
    {
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0; // created with its first faulted message
        }
    }

    [LoggerMessage(LogLevel.Information, "Replayed {Count} messages from the error queue of {Queue}")]
    private static partial void LogReplayed(ILogger logger, int count, string queue);

    [LoggerMessage(LogLevel.Debug, "Error queue depths could not be read")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Error queue depths failed to read; they are read again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
