using System.Diagnostics;
using EuCyberNet.ServiceDefaults.Telemetry;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>One message of a batch, with what its effects must carry for the audit trail.</summary>
public sealed class BatchItem<TMessage>(ConsumeContext<TMessage> context) where TMessage : class
{
    public ConsumeContext<TMessage> Context { get; } = context;

    public TMessage Message => Context.Message;

    public Guid MessageId => Context.MessageId!.Value;

    /// <summary>
    /// Appends events caused by this message. In a batch one session carries many messages' effects,
    /// so each event is stamped with its own message's correlation id, causation (the message id)
    /// and user, exactly as <see cref="IdempotentConsumer{TMessage}"/> would have.
    /// </summary>
    public void Append(IDocumentSession session, Guid streamId, params object[] events)
    {
        var action = session.Events.Append(streamId, events);
        var correlationId = Context.Headers.Get<string>(PlatformHeaders.CorrelationId) ?? Context.CorrelationId?.ToString("N");
        var user = Context.Headers.Get<string>(PlatformHeaders.User) ?? "system";
        foreach (var e in action.Events)
        {
            e.CorrelationId = correlationId;
            e.CausationId = MessageId.ToString();
            e.UserName = user;
        }
    }
}

/// <summary>
/// The throughput form of <see cref="IdempotentConsumer{TMessage}"/>: MassTransit hands over up to
/// a few hundred messages at once and their effects commit in ONE transaction with their inbox
/// entries (one inbox query, one commit per batch instead of per message). Same guarantees:
/// <list type="bullet">
/// <item>messages already in the inbox, and repeats within the batch, are skipped;</item>
/// <item>if the batch's transaction fails (a concurrent duplicate won an inbox race, a concurrency
/// conflict, a bad message), every message is applied again on its own, each in its own
/// transaction, so one bad message cannot take the others' effects with it; the one that still
/// fails makes the batch fail, MassTransit retries it (the applied ones are now inbox hits) and
/// finally moves it to the error queue, from where a replay is a no-op for the applied ones.</item>
/// </list>
/// Register with <see cref="MessagingExtensions.AddBatchConsumer{TConsumer}"/>.
/// </summary>
public abstract partial class IdempotentBatchConsumer<TMessage>(IDocumentStore store, ILogger logger) : IConsumer<Batch<TMessage>>
    where TMessage : class
{
    /// <summary>The inbox scope; the same keys as the single-message consumer of the same name.</summary>
    protected virtual string InboxName => GetType().Name;

    public async Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        var started = Stopwatch.GetTimestamp();
        var items = new List<BatchItem<TMessage>>(context.Message.Length);
        var seen = new HashSet<Guid>();
        var repeats = new List<string>();
        foreach (var message in context.Message)
        {
            var id = message.MessageId
                ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be consumed idempotently.");
            if (seen.Add(id)) items.Add(new BatchItem<TMessage>(message));
            else repeats.Add(InboxKey(id));
        }
        await SuppressedAsync(repeats, context.CancellationToken);

        try
        {
            var applied = await ApplyAsync(items, context.CancellationToken);
            Record(applied, started);
        }
        catch (Exception e) when (e is not OperationCanceledException && items.Count > 1)
        {
            LogBatchFailed(logger, e, items.Count, InboxName);
            var failures = new List<Exception>();
            foreach (var item in items)
            {
                try
                {
                    Record(await ApplyAsync([item], context.CancellationToken), Stopwatch.GetTimestamp());
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    failures.Add(single);
                }
            }
            if (failures.Count > 0) throw new AggregateException($"{failures.Count} of {items.Count} messages failed in {InboxName}", failures);
        }
    }

    /// <summary>Stage the effects of the fresh messages in <paramref name="session"/>; do not commit.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<BatchItem<TMessage>> fresh, IDocumentSession session, CancellationToken ct);

    /// <returns>How many messages were applied (the rest were already in the inbox).</returns>
    private async Task<int> ApplyAsync(List<BatchItem<TMessage>> items, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var keys = items.Select(i => InboxKey(i.MessageId)).ToArray();
        var known = (await session.LoadManyAsync<InboxEntry>(ct, keys)).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var fresh = items.Where(i => !known.Contains(InboxKey(i.MessageId))).ToList();
        await SuppressedAsync([.. known], ct);
        if (fresh.Count == 0) return 0;

        await HandleAsync(fresh, session, ct);
        var now = DateTimeOffset.UtcNow;
        foreach (var item in fresh) session.Insert(new InboxEntry(InboxKey(item.MessageId), typeof(TMessage).Name, now));
        await session.SaveChangesAsync(ct);
        return fresh.Count;
    }

    private string InboxKey(Guid messageId) => $"{InboxName}/{messageId:N}";

    private async Task SuppressedAsync(List<string> inboxKeys, CancellationToken ct)
    {
        if (inboxKeys.Count == 0) return;
        EuCyberNetTelemetry.DuplicatesSuppressed.Add(inboxKeys.Count, new KeyValuePair<string, object?>("consumer", InboxName));
        await DuplicateDeliveries.RecordAsync(store, inboxKeys, typeof(TMessage).Name, ct);
    }

    private void Record(int applied, long started)
    {
        if (applied == 0) return;
        EuCyberNetTelemetry.MessagesConsumed.Add(applied, new KeyValuePair<string, object?>("consumer", InboxName));
        EuCyberNetTelemetry.ConsumerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds / applied,
            new KeyValuePair<string, object?>("consumer", InboxName));
    }

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} messages failed in {Consumer}; applying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string consumer);
}
