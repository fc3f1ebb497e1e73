using System.Threading.Channels;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>How one group-committed command ended.</summary>
public enum CommitOutcome
{
    /// <summary>Its events (and inline projections) are durable.</summary>
    Committed,

    /// <summary>Its stream moved on since the command read it (a concurrent writer): nothing was written.</summary>
    Conflict,

    /// <summary>It started a stream whose id exists already (a repeated create): nothing was written.</summary>
    AlreadyExists,
}

/// <summary>
/// Group commit for commands: the single writer behind <see cref="CommandHandling.DecideAsync{TAggregate,TView}"/>
/// and <see cref="CommandHandling.CreateAsync{TAggregate,TView}"/>. Requests read their stream and
/// decide concurrently, as before; their decisions (the events, the stream version they were decided
/// against, their audit metadata) then queue here, and whatever is waiting commits in ONE Marten
/// transaction (at most <see cref="MaxGroup"/> commands), then the next group.
/// <para>
/// Why: on this platform's machines a PostgreSQL commit costs far more than the event append inside
/// it, so one transaction per command caps a service at a few hundred commands a second. Sharing the
/// commit removes that cap; each command's semantics stay what they were:
/// </para>
/// <list type="bullet">
/// <item>each append carries its own expected version, checked by PostgreSQL inside the transaction,
/// so a concurrent writer is still detected per stream (409/412);</item>
/// <item>a caller is answered only after the transaction holding its events committed;</item>
/// <item>if a group's transaction fails (a conflict, a repeated create, a bad event), every command
/// of it is committed again on its own, so each caller gets its own correct outcome and one failing
/// command never takes the others down;</item>
/// <item>a caller cancelled before its group was taken is not written; once taken, its outcome stands.</item>
/// </list>
/// Events keep their own user, correlation id, causation id and headers (trace context, reason),
/// copied from the request's session. The inline snapshot documents of a mixed group carry no
/// single last-modified-by (the events hold the audit trail). A service that registers an
/// <see cref="IWriteGate"/> has each group's transaction enter it before anything is staged; one that
/// registers <see cref="ICommittedEvents"/> is told of each transaction's events once it committed
/// (the relay's prompt path, <see cref="Messaging.PromptRelay"/>).
/// </summary>
public sealed partial class CommandGroupCommit : IAsyncDisposable
{
    /// <summary>The most commands committed in one transaction.</summary>
    public const int MaxGroup = 64;

    private static readonly System.Diagnostics.Metrics.Histogram<int> GroupSize = EuCyberNetTelemetry.Meter.CreateHistogram<int>(
        "eucybernet.commands.group_size", "{command}", "Commands committed together in one transaction");

    private readonly IDocumentStore _store;
    private readonly ILogger<CommandGroupCommit> _logger;
    private readonly IWriteGate? _gate;
    private readonly ICommittedEvents? _committed;
    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly WriterConnection _connection;

    /// <summary>Groups checked before their transaction after one failed: contention tends to last.</summary>
    private const int PrecheckAfterFailure = 64;

    private int _precheckGroups;

    public CommandGroupCommit(IDocumentStore store, ILogger<CommandGroupCommit> logger, IWriteGate? gate = null, ICommittedEvents? committed = null)
    {
        _store = store;
        _logger = logger;
        _gate = gate;
        _committed = committed;
        _connection = new WriterConnection(store);
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Appends <paramref name="events"/> to an existing stream that was at <paramref name="expectedVersion"/>
    /// when the command decided, or, with <paramref name="expectedVersion"/> null, starts the stream.
    /// Returns once the outcome is final (committed, or nothing written).
    /// </summary>
    public async Task<CommitOutcome> CommitAsync(
        IDocumentSession origin, Type aggregateType, Guid streamId, long? expectedVersion, IReadOnlyList<object> events, CancellationToken ct) =>
        (await CommitWithStateAsync(origin, aggregateType, streamId, expectedVersion, events, ct)).Outcome;

    /// <summary>
    /// <see cref="CommitAsync"/>, also giving the stream's inline snapshot as the commit wrote it (null
    /// when the aggregate has no inline snapshot or nothing was written), so the caller can answer
    /// without reading it back.
    /// </summary>
    public async Task<(CommitOutcome Outcome, IAggregate? State)> CommitWithStateAsync(
        IDocumentSession origin, Type aggregateType, Guid streamId, long? expectedVersion, IReadOnlyList<object> events, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var metadata = (IMetadataContext)origin;
        var pending = new Pending(aggregateType, streamId, expectedVersion, events,
            origin.CorrelationId, origin.CausationId, origin.LastModifiedBy,
            metadata.Headers is { Count: > 0 } headers ? new Dictionary<string, object>(headers) : null);
        await _waiting.Writer.WriteAsync(pending, ct);
        try
        {
            var outcome = await pending.Done.Task.WaitAsync(ct);
            return (outcome, outcome == CommitOutcome.Committed ? pending.State : null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Not taken yet: withdraw it, nothing will be written. Taken: its commit is under way and
            // its outcome stands, so the caller learns it rather than guessing.
            if (pending.TryWithdraw()) throw;
            var outcome = await pending.Done.Task;
            return (outcome, outcome == CommitOutcome.Committed ? pending.State : null);
        }
    }

    private async Task WriteAsync()
    {
        var group = new List<Pending>(MaxGroup);
        while (await _waiting.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _waiting.Reader.TryRead(out var next))
                if (next.TryTake()) group.Add(next);
            if (group.Count > 1 && (_precheckGroups > 0 || HasRepeatedStream(group)))
            {
                _precheckGroups = Math.Max(0, _precheckGroups - 1);
                await SettleForeseenRefusalsAsync(group);
            }
            if (group.Count == 0) continue;

            try
            {
                await CommitGroupAsync(group);
                foreach (var pending in group) pending.Done.TrySetResult(CommitOutcome.Committed);
                GroupSize.Record(group.Count);
            }
            catch (Exception e) when (group.Count > 1)
            {
                LogGroupFailed(_logger, e.GetType().Name, group.Count);
                _precheckGroups = PrecheckAfterFailure;
                foreach (var one in group)
                {
                    try
                    {
                        await CommitGroupAsync([one]);
                        one.Done.TrySetResult(CommitOutcome.Committed);
                        GroupSize.Record(1);
                    }
                    catch (Exception single)
                    {
                        Settle(one, single);
                    }
                }
            }
            catch (Exception e)
            {
                Settle(group[0], e);
            }
        }
    }

    /// <summary>Two commands of the group on one stream: at most one of them can commit.</summary>
    private static bool HasRepeatedStream(List<Pending> group)
    {
        var streams = new HashSet<Guid>();
        foreach (var pending in group)
            if (!streams.Add(pending.StreamId)) return true;
        return false;
    }

    /// <summary>
    /// Settles, before the group's transaction, the commands that committing one by one would refuse:
    /// an append to a stream no longer at the version it was decided on (a concurrent writer, or an
    /// earlier command of this very group on the same stream) and a create of a stream that exists.
    /// One such command used to fail the whole transaction, which burned the sequence numbers of every
    /// other command's events (Marten back-fills them with tombstone events; where it cannot, the gap
    /// holds the async daemon, relay included, until it is proven dead) and the group was then redone
    /// command by command. PostgreSQL still checks every version
    /// inside the transaction (a writer that slips in between is caught there, as before); this only
    /// keeps a refusal that can be foreseen out of it. Each command gets the outcome it would get alone,
    /// in queue order. It costs a round trip, so it runs only when a refusal is likely: the group holds
    /// two commands on one stream, or a group failed lately (<see cref="PrecheckAfterFailure"/> groups).
    /// </summary>
    private async Task SettleForeseenRefusalsAsync(List<Pending> group)
    {
        Dictionary<Guid, long> versions;
        try
        {
            versions = await StreamVersionsAsync([.. group.Select(p => p.StreamId).Distinct()]);
        }
        catch (Exception)
        {
            // Whatever it was (a broken connection, a restarting server), the group's transaction will
            // meet it too and settle it as it always did; the writer loop must not end here.
            await _connection.DropAsync();
            return;
        }
        var refused = 0;
        group.RemoveAll(pending =>
        {
            var exists = versions.TryGetValue(pending.StreamId, out var current);
            CommitOutcome? outcome = pending.ExpectedVersion switch
            {
                null when exists => CommitOutcome.AlreadyExists,
                { } expected when !exists || current != expected => CommitOutcome.Conflict,
                _ => null,
            };
            if (outcome is { } settled)
            {
                pending.Done.TrySetResult(settled);
                refused++;
                return true;
            }
            versions[pending.StreamId] = (pending.ExpectedVersion ?? 0) + pending.Events.Count;
            return false;
        });
        if (refused > 0) LogRefusedBeforeCommit(_logger, refused, group.Count + refused);
    }

    private async Task<Dictionary<Guid, long>> StreamVersionsAsync(Guid[] streams)
    {
        var connection = await _connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            $"select id, version from {_store.Options.Events.DatabaseSchemaName}.mt_streams where id = any(@streams)", connection);
        query.Parameters.AddWithValue("streams", streams);
        var versions = new Dictionary<Guid, long>(streams.Length);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) versions[reader.GetGuid(0)] = reader.GetInt64(1);
        return versions;
    }

    /// <summary>Commits on the writer's own connection; whatever fails (a conflict or a broken connection), the next group starts on a fresh one.</summary>
    private Task CommitGroupAsync(List<Pending> group) => _connection.RunAsync(connection => CommitGroupAsync(group, connection));

    private async Task CommitGroupAsync(List<Pending> group, NpgsqlConnection connection)
    {
        var written = _committed is null ? null : new List<IEvent>(); // only when someone is told
        await using var transaction = await connection.BeginTransactionAsync();
        if (_gate is not null) await _gate.EnterAsync(connection, CancellationToken.None);
        var snapshots = new SnapshotCapture();
        var options = SessionOptions.ForTransaction(transaction, shouldAutoCommit: true);
        options.Listeners.Add(snapshots);
        await using var session = _store.LightweightSession(options);
        var user = group[0].User;
        session.LastModifiedBy = group.TrueForAll(p => p.User == user) ? user : null;
        foreach (var pending in group)
        {
            var action = pending.ExpectedVersion is { } version
                ? session.Events.Append(pending.StreamId, version + pending.Events.Count, [.. pending.Events])
                : session.Events.StartStream(pending.AggregateType, pending.StreamId, [.. pending.Events]);
            written?.AddRange(action.Events);
            foreach (var e in action.Events)
            {
                e.CorrelationId = pending.CorrelationId;
                e.CausationId = pending.CausationId;
                e.UserName = pending.User;
                if (pending.Headers is { } headers)
                    foreach (var (key, value) in headers) e.SetHeader(key, value);
            }
        }
        // The callers' tokens do not cancel a transaction that carries other callers' commands.
        await session.SaveChangesAsync(CancellationToken.None);
        if (written is not null) _committed!.Committed(written);
        foreach (var pending in group)
            if (snapshots.Written.TryGetValue(pending.StreamId, out var state) && pending.AggregateType.IsInstanceOfType(state))
                pending.State = state;
    }

    /// <summary>The inline snapshots a transaction writes (Marten runs inline projections before the listeners).</summary>
    private sealed class SnapshotCapture : DocumentSessionListenerBase
    {
        public Dictionary<Guid, IAggregate> Written { get; } = [];

        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            foreach (var aggregate in session.PendingChanges.AllChangedFor<IAggregate>()) Written[aggregate.Id] = aggregate;
            return Task.CompletedTask;
        }
    }

    private static void Settle(Pending pending, Exception e)
    {
        if (CommandHandling.IsConcurrencyFailure(e)) pending.Done.TrySetResult(CommitOutcome.Conflict);
        else if (CommandHandling.IsStreamCollision(e)) pending.Done.TrySetResult(CommitOutcome.AlreadyExists);
        else pending.Done.TrySetException(e);
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever was queued still commits (its callers wait for it); then the writer ends.
        _waiting.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _connection.DisposeAsync();
    }

    private sealed class Pending(
        Type aggregateType, Guid streamId, long? expectedVersion, IReadOnlyList<object> events,
        string? correlationId, string? causationId, string? user, Dictionary<string, object>? headers)
    {
        private const int Waiting = 0, Taken = 1, Withdrawn = 2;
        private int _state;

        public Type AggregateType { get; } = aggregateType;
        public Guid StreamId { get; } = streamId;
        public long? ExpectedVersion { get; } = expectedVersion;
        public IReadOnlyList<object> Events { get; } = events;
        public string? CorrelationId { get; } = correlationId;
        public string? CausationId { get; } = causationId;
        public string? User { get; } = user;
        public Dictionary<string, object>? Headers { get; } = headers;
        public TaskCompletionSource<CommitOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The inline snapshot the commit wrote; set before <see cref="Done"/> completes.</summary>
        public IAggregate? State { get; set; }

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Waiting) == Waiting;
    }

    [LoggerMessage(LogLevel.Debug, "{Refused} of {Count} grouped commands refused before their transaction (stream moved on, or exists)")]
    private static partial void LogRefusedBeforeCommit(ILogger logger, int refused, int count);

    [LoggerMessage(LogLevel.Information, "A group of {Count} commands failed to commit ({Error}); committing them one by one")]
    private static partial void LogGroupFailed(ILogger logger, string error, int count);
}
