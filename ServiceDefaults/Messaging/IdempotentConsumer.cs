using System.Diagnostics;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx;
using Marten;
using MassTransit;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// Base of every consumer: applies a message's effect at most once, however often RabbitMQ
/// delivers it. The effect is staged in a Marten session together with an <see cref="InboxEntry"/>
/// keyed by this consumer and the MessageId, and both commit in one transaction:
/// <list type="bullet">
/// <item>a redelivery after the commit finds the entry and does nothing (the effect is not repeated);</item>
/// <item>a crash before the commit leaves neither, so the redelivery applies the effect;</item>
/// <item>two copies handled at once race on the entry's primary key, and the loser rolls back.</item>
/// </list>
/// Exceptions propagate, so MassTransit's retries and error queue apply.
/// </summary>
public abstract class IdempotentConsumer<TMessage>(IDocumentStore store) : IConsumer<TMessage>
    where TMessage : class
{
    /// <summary>The inbox scope; defaults to the consumer's type name.</summary>
    protected virtual string InboxName => GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be consumed idempotently.");
        var started = Stopwatch.GetTimestamp();
        var inboxId = $"{InboxName}/{messageId:N}";

        await using var session = store.LightweightSession();
        session.CorrelationId = context.Headers.Get<string>(PlatformHeaders.CorrelationId) ?? context.CorrelationId?.ToString("N");
        session.CausationId = messageId.ToString();
        session.LastModifiedBy = context.Headers.Get<string>(PlatformHeaders.User) ?? "system";
        if (Activity.Current?.Id is { } traceParent) session.SetHeader(PlatformHeaders.TraceParent, traceParent);
        using var scope = CorrelationScope.Begin(context, session.CorrelationId);

        if (await session.LoadAsync<InboxEntry>(inboxId, context.CancellationToken) is not null)
        {
            EuCyberNetTelemetry.DuplicatesSuppressed.Add(1, new KeyValuePair<string, object?>("consumer", InboxName));
            await DuplicateDeliveries.RecordAsync(store, inboxId, typeof(TMessage).Name, context.CancellationToken);
            return;
        }

        await HandleAsync(context, session);
        session.Insert(new InboxEntry(inboxId, typeof(TMessage).Name, DateTimeOffset.UtcNow));
        try
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception e) when (IsDuplicateKey(e))
        {
            // Another delivery of the same message committed first; ours rolled back entirely.
            EuCyberNetTelemetry.DuplicatesSuppressed.Add(1, new KeyValuePair<string, object?>("consumer", InboxName));
            await DuplicateDeliveries.RecordAsync(store, inboxId, typeof(TMessage).Name, context.CancellationToken);
            return;
        }

        EuCyberNetTelemetry.MessagesConsumed.Add(1, new KeyValuePair<string, object?>("consumer", InboxName));
        EuCyberNetTelemetry.ConsumerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("consumer", InboxName));
    }

    /// <summary>Stage the message's effect in <paramref name="session"/>; do not commit it.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, IDocumentSession session);

    private static bool IsDuplicateKey(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is DocumentAlreadyExistsException) return true;
            if (current is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
                && pg.TableName?.Contains("inboxentry", StringComparison.OrdinalIgnoreCase) == true) return true;
        }
        return false;
    }
}
