using System.Diagnostics;
using System.Threading.Channels;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx;
using Marten;
using Marten.Services;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// <see cref="IdempotentConsumer{TMessage}"/> for high-volume consumers: the same inbox (an
/// <see cref="InboxEntry"/> keyed by consumer and MessageId, committed with the effect), the same
/// audit metadata, but the messages being handled at the same moment share one transaction
/// (group commit). On a machine where each commit costs about a millisecond of database CPU, one
/// transaction per message caps a consumer at a few hundred messages a second; sharing them removes
/// that cap without changing what a consumer may rely on.
/// <para>
/// <see cref="Stage"/> appends events and stores documents in the given session like
/// <see cref="IdempotentConsumer{TMessage}.HandleAsync"/> does; the events it appends get this
/// message's correlation id, causation id (the MessageId), user and trace context, even though the
/// session carries other messages' events too.
/// </para>
/// </summary>
public abstract class GroupCommitConsumer<TMessage>(GroupCommitInbox inbox) : IConsumer<TMessage>
    where TMessage : class
{
    /// <summary>The inbox scope; defaults to the consumer's type name.</summary>
    protected virtual string InboxName => GetType().Name;

    public Task Consume(ConsumeContext<TMessage> context) => inbox.ApplyAsync(InboxName, context, session => Stage(context, session));

    /// <summary>Stage the message's effect in <paramref name="session"/>; do not commit it.</summary>
    protected abstract void Stage(ConsumeContext<TMessage> context, IDocumentSession session);
}

/// <summary>
/// The single writer behind <see cref="GroupCommitConsumer{TMessage}"/>: consumers hand it their
/// effect and wait; it commits whatever is waiting in one transaction, then the next group. A
/// consumer's <c>Consume</c> returns (and MassTransit acknowledges the message) only after the
/// commit that contains its effect and inbox entry, so a crash at any point loses nothing and a
/// redelivery finds the entry. A group that fails is retried one message per transaction, so one
/// bad message fails alone and goes through MassTransit's retries and error queue.
/// <para>
/// The writer keeps one connection of its own and runs each group on a transaction of that connection
/// (as <see cref="EventSourcing.CommandGroupCommit"/> does): no pooled connection's reset per group, and
/// the session's inline projections load their documents inside the transaction. A service whose
/// writers must not interleave across replicas registers an <see cref="IWriteGate"/>; each group's
/// transaction enters it before anything is loaded or staged.
/// </para>
/// </summary>
public sealed partial class GroupCommitInbox : IAsyncDisposable
{
    /// <summary>The most messages committed in one transaction.</summary>
    public const int MaxGroup = 256;

    private readonly IDocumentStore _store;
    private readonly ILogger<GroupCommitInbox> _logger;
    private readonly IWriteGate? _gate;
    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly WriterConnection _connection;

    public GroupCommitInbox(IDocumentStore store, ILogger<GroupCommitInbox> logger, IWriteGate? gate = null)
    {
        _store = store;
        _logger = logger;
        _gate = gate;
        _connection = new WriterConnection(store);
        _writer = Task.Run(WriteAsync);
    }

    public async Task ApplyAsync<TMessage>(string inboxName, ConsumeContext<TMessage> context, Action<IDocumentSession> stage)
        where TMessage : class
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be consumed idempotently.");
        var pending = new Pending(
            $"{inboxName}/{messageId:N}",
            inboxName,
            typeof(TMessage).Name,
            context.Headers.Get<string>(PlatformHeaders.CorrelationId) ?? context.CorrelationId?.ToString("N"),
            messageId.ToString(),
            context.Headers.Get<string>(PlatformHeaders.User) ?? "system",
            Activity.Current?.Id,
            stage,
            Stopwatch.GetTimestamp());
        using var scope = CorrelationScope.Begin(context, pending.CorrelationId);
        await _waiting.Writer.WriteAsync(pending, context.CancellationToken);
        await pending.Done.Task.WaitAsync(context.CancellationToken);
    }

    private async Task WriteAsync()
    {
        var group = new List<Pending>(MaxGroup);
        while (await _waiting.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _waiting.Reader.TryRead(out var next)) group.Add(next);
            try
            {
                await CommitAsync(group);
            }
            catch (Exception e) when (group.Count > 1)
            {
                LogGroupFailed(_logger, e, group.Count);
                foreach (var one in group)
                {
                    try
                    {
                        await CommitAsync([one]);
                    }
                    catch (Exception single)
                    {
                        one.Done.TrySetException(single);
                    }
                }
            }
            catch (Exception e)
            {
                group[0].Done.TrySetException(e);
            }
        }
    }

    /// <summary>Commits on the writer's own connection; whatever fails (a bad message or a broken connection), the next group starts on a fresh one.</summary>
    private Task CommitAsync(List<Pending> group) => _connection.RunAsync(connection => CommitAsync(group, connection));

    private async Task CommitAsync(List<Pending> group, NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        if (_gate is not null) await _gate.EnterAsync(connection, CancellationToken.None);
        await using var session = _store.LightweightSession(SessionOptions.ForTransaction(transaction, shouldAutoCommit: true));
        var seen = (await session.LoadManyAsync<InboxEntry>(CancellationToken.None, group.Select(p => p.InboxId).Distinct()))
            .Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var applied = new List<Pending>(group.Count);
        var duplicates = new List<Pending>();
        foreach (var pending in group)
        {
            if (!seen.Add(pending.InboxId))
            {
                duplicates.Add(pending);
                continue;
            }
            pending.Stage(session);
            Stamp(session, pending);
            session.Insert(new InboxEntry(pending.InboxId, pending.MessageType, DateTimeOffset.UtcNow));
            applied.Add(pending);
        }

        if (applied.Count > 0)
        {
            try
            {
                await session.SaveChangesAsync();
            }
            catch (Exception e) when (group.Count == 1 && IsDuplicateKey(e))
            {
                // Another delivery of the same message (another replica) committed first; ours rolled back entirely.
                duplicates.AddRange(applied);
                applied.Clear();
            }
        }

        foreach (var pending in applied)
        {
            EuCyberNetTelemetry.MessagesConsumed.Add(1, new KeyValuePair<string, object?>("consumer", pending.InboxName));
            EuCyberNetTelemetry.ConsumerDuration.Record(Stopwatch.GetElapsedTime(pending.Started).TotalMilliseconds,
                new KeyValuePair<string, object?>("consumer", pending.InboxName));
            pending.Done.TrySetResult();
        }
        await DuplicateDeliveries.RecordAsync(_store, [.. duplicates.Select(d => (d.InboxId, d.MessageType))], CancellationToken.None);
        foreach (var pending in duplicates)
        {
            EuCyberNetTelemetry.DuplicatesSuppressed.Add(1, new KeyValuePair<string, object?>("consumer", pending.InboxName));
            pending.Done.TrySetResult();
        }
    }

    /// <summary>Gives the events this message staged its own audit metadata (events of earlier messages are stamped already).</summary>
    private static void Stamp(IDocumentSession session, Pending pending)
    {
        foreach (var stream in session.PendingChanges.Streams())
        {
            foreach (var e in stream.Events)
            {
                if (e.CausationId is not null) continue;
                e.CausationId = pending.CausationId;
                e.CorrelationId ??= pending.CorrelationId;
                e.UserName ??= pending.User;
                if (pending.TraceParent is { } traceParent) e.SetHeader(PlatformHeaders.TraceParent, traceParent);
            }
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _connection.DisposeAsync();
    }

    private sealed record Pending(
        string InboxId,
        string InboxName,
        string MessageType,
        string? CorrelationId,
        string CausationId,
        string User,
        string? TraceParent,
        Action<IDocumentSession> Stage,
        long Started)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(LogLevel.Warning, "A group of {Count} messages failed to commit; committing them one by one")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int count);
}

public static class GroupCommitExtensions
{
    /// <summary>Registers the writer that <see cref="GroupCommitConsumer{TMessage}"/>s share.</summary>
    public static IServiceCollection AddGroupCommitInbox(this IServiceCollection services)
    {
        services.AddSingleton<GroupCommitInbox>();
        return services;
    }
}
