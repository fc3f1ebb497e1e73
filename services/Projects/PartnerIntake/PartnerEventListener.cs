using EuCyberNet.Projects.Partners;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EuCyberNet.Projects.PartnerIntake;

public sealed class PartnerAmqpOptions
{
    /// <summary>The durable topic exchange partners publish to.</summary>
    public string Exchange { get; set; } = "partner-events";

    /// <summary>The quorum queue Projects consumes (bound to the exchange with '#': unknown routing keys arrive and are refused with a reason).</summary>
    public string Queue { get; set; } = "projects-partner-events";

    /// <summary>Where a message goes after <see cref="DeliveryLimit"/> failed deliveries (the intake itself failing, e.g. the database is down).</summary>
    public string DeadLetterExchange { get; set; } = "partner-events.dead-letter";

    public string DeadLetterQueue { get; set; } = "projects-partner-events.dead-letter";

    /// <summary>Deliveries RabbitMQ sends ahead of acknowledgements; also the largest batch taken into one transaction.</summary>
    public ushort Prefetch { get; set; } = 256;

    public int DeliveryLimit { get; set; } = 20;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Ready once the partner queue is declared and consumed.</summary>
public sealed class PartnerEventListenerHealth : IHealthCheck
{
    private volatile bool _consuming;

    public bool Consuming
    {
        get => _consuming;
        set => _consuming = value;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Consuming ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The partner event queue is not consumed (yet)."));
}

/// <summary>
/// Partner systems publish plain JSON (no MassTransit envelope) to the <c>partner-events</c> topic
/// exchange with their own RabbitMQ user, and set the AMQP <c>user_id</c> property to it: RabbitMQ
/// refuses a <c>user_id</c> that is not the connection's user, so it identifies the partner, mapped
/// here through the partner registry. This is a plain RabbitMQ.Client consumer rather than a
/// MassTransit receive endpoint because the intake needs exactly what MassTransit abstracts away:
/// the raw bytes (to keep malformed messages verbatim), the routing key and the <c>user_id</c>, and
/// an acknowledgement after the outcome — accepted or kept as rejected — is committed.
/// <para>
/// The queue is a durable quorum queue with a single active consumer (replicas stand by; partner
/// events of one project are applied in the order they were published) and a delivery limit: a
/// message is only requeued when the intake itself fails (the database is down), and one that keeps
/// failing goes to the dead-letter queue instead of blocking the queue. Invalid messages are never
/// requeued: they are recorded as rejected and acknowledged, so the queue keeps flowing.
/// </para>
/// <para>
/// Deliveries are handed to the intake in batches: the consumer callback only queues a delivery;
/// one loop takes whatever is waiting (up to <see cref="PartnerAmqpOptions.Prefetch"/>; a lone
/// delivery is not held back to wait for more) and the intake applies the batch in one transaction,
/// in delivery order. Once it is committed the batch is acknowledged (one multiple-ack when all
/// succeeded); a message the intake failed on (after its batch fell back to one message per
/// transaction) is requeued after <see cref="PartnerAmqpOptions.RetryDelay"/>, as before.
/// </para>
/// </summary>
public sealed partial class PartnerEventListener(
    IConfiguration configuration,
    IOptions<PartnerAmqpOptions> options,
    PartnerEventIntake intake,
    IDocumentStore store,
    PartnerEventListenerHealth health,
    ILogger<PartnerEventListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var factory = new ConnectionFactory
        {
            Uri = new Uri(configuration.GetConnectionString("rabbitmq") ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not configured.")),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            ClientProvidedName = "projects-partner-intake",
        };

        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken);
                connection.ConnectionShutdownAsync += (_, _) =>
                {
                    health.Consuming = false;
                    return Task.CompletedTask;
                };
                connection.RecoverySucceededAsync += (_, _) =>
                {
                    health.Consuming = true;
                    return Task.CompletedTask;
                };
                await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                await DeclareTopologyAsync(channel, settings, stoppingToken);
                await channel.BasicQosAsync(0, settings.Prefetch, global: false, stoppingToken);

                // The callback only queues (RabbitMQ.Client reuses a delivery's body after it returns, so it is copied here).
                var arrived = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) => arrived.Writer.WriteAsync(new Delivery(
                    delivery.DeliveryTag, delivery.Body.ToArray(), delivery.BasicProperties.UserId, delivery.BasicProperties.CorrelationId, delivery.RoutingKey),
                    stoppingToken).AsTask();
                await channel.BasicConsumeAsync(settings.Queue, autoAck: false, consumer, stoppingToken);
                health.Consuming = true;
                attempt = 0;
                LogConsuming(logger, settings.Queue, settings.Exchange);
                await HandleBatchesAsync(channel, arrived.Reader, settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                health.Consuming = false;
                var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * Math.Pow(2, Math.Min(attempt, 6))));
                LogConnectFailed(logger, e, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken);
            }
            finally
            {
                health.Consuming = false;
            }
        }
    }

    public static async Task DeclareTopologyAsync(IChannel channel, PartnerAmqpOptions settings, CancellationToken ct)
    {
        await channel.ExchangeDeclareAsync(settings.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(settings.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.QueueDeclareAsync(settings.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await channel.QueueBindAsync(settings.DeadLetterQueue, settings.DeadLetterExchange, "", cancellationToken: ct);
        await channel.QueueDeclareAsync(settings.Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-single-active-consumer"] = true,
                ["x-delivery-limit"] = settings.DeliveryLimit,
                ["x-dead-letter-exchange"] = settings.DeadLetterExchange,
            },
            cancellationToken: ct);
        await channel.QueueBindAsync(settings.Queue, settings.Exchange, "#", cancellationToken: ct);
    }

    /// <summary>One delivery as the intake needs it (copied out of the consumer callback).</summary>
    private sealed record Delivery(ulong Tag, byte[] Body, string? UserId, string? CorrelationId, string RoutingKey);

    private async Task HandleBatchesAsync(IChannel channel, ChannelReader<Delivery> arrived, PartnerAmqpOptions settings, CancellationToken ct)
    {
        var batch = new List<Delivery>(settings.Prefetch);
        while (await arrived.WaitToReadAsync(ct))
        {
            batch.Clear();
            while (batch.Count < Math.Max(1, (int)settings.Prefetch) && arrived.TryRead(out var next)) batch.Add(next);
            try
            {
                await HandleAsync(channel, batch, settings, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Acknowledging failed (the channel closed): the unacknowledged deliveries come again.
                LogAckFailed(logger, e, batch.Count);
            }
        }
    }

    private async Task HandleAsync(IChannel channel, List<Delivery> batch, PartnerAmqpOptions settings, CancellationToken ct)
    {
        // Who sent each message: resolved once per AMQP user in the batch.
        var identities = new Dictionary<string, (Partner? Partner, string? Problem)>(StringComparer.Ordinal);
        var envelopes = new List<IntakeEnvelope>(batch.Count);
        IReadOnlyList<IntakeOutcome> outcomes;
        try
        {
            await using (var session = store.QuerySession())
            {
                foreach (var delivery in batch)
                {
                    var key = delivery.UserId ?? "";
                    if (!identities.TryGetValue(key, out var identity))
                        identities[key] = identity = await PartnerIdentity.ByAmqpUserAsync(session, delivery.UserId, ct);
                    var correlation = delivery.CorrelationId is { Length: > 0 and <= 128 } given ? given : null;
                    envelopes.Add(new IntakeEnvelope(IntakeChannel.Amqp, delivery.Body, identity.Partner?.Id, delivery.UserId, identity.Problem,
                        delivery.RoutingKey, correlation));
                }
            }
            outcomes = await intake.ProcessBatchAsync(envelopes, recordRejections: true, replayedBy: null, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The intake could not even start (the database is down): every message is tried again.
            var failure = new IntakeOutcome(null, null, e);
            outcomes = [.. batch.Select(_ => failure)];
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Result is IntakeRejected rejected)
                LogRejected(logger, outcomes[i].RejectionId ?? Guid.Empty, envelopes.ElementAtOrDefault(i)?.PartnerId, rejected.Reasons.Count);
        }

        if (outcomes.All(o => o.Failure is null))
        {
            await channel.BasicAckAsync(batch[^1].Tag, multiple: true, ct);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Failure is null) await channel.BasicAckAsync(batch[i].Tag, multiple: false, ct);
        }
        // The intake itself failed (not the message): try again later; RabbitMQ dead-letters it after the delivery limit.
        var failed = batch.Where((_, i) => outcomes[i].Failure is not null).ToList();
        LogIntakeFailed(logger, outcomes.First(o => o.Failure is not null).Failure!, failed.Count, failed[0].Tag);
        await Task.Delay(settings.RetryDelay, ct);
        foreach (var delivery in failed) await channel.BasicNackAsync(delivery.Tag, multiple: false, requeue: true, ct);
    }

    [LoggerMessage(LogLevel.Information, "Consuming partner events from queue {Queue} (exchange {Exchange})")]
    private static partial void LogConsuming(ILogger logger, string queue, string exchange);

    [LoggerMessage(LogLevel.Warning, "Partner event intake could not connect to RabbitMQ; retrying in {DelayMs} ms")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(LogLevel.Information, "Partner message refused and kept as rejected {RejectionId} (partner {PartnerId}, {Reasons} reasons)")]
    private static partial void LogRejected(ILogger logger, Guid rejectionId, Guid? partnerId, int reasons);

    [LoggerMessage(LogLevel.Error, "Partner event intake failed for {Count} deliveries (first {DeliveryTag}); they will be redelivered")]
    private static partial void LogIntakeFailed(ILogger logger, Exception exception, int count, ulong deliveryTag);

    [LoggerMessage(LogLevel.Warning, "Could not acknowledge a batch of {Count} partner deliveries; unacknowledged ones are redelivered")]
    private static partial void LogAckFailed(ILogger logger, Exception exception, int count);
}
