using EuCyberNet.ServiceDefaults.EventSourcing;
using Marten;
using Npgsql;

namespace EuCyberNet.Coordination.ReadModels;

/// <summary>
/// The gate every writer of Coordination's store passes, in every replica: a transaction-scoped
/// advisory lock taken first thing in the writer's own transaction. The read models
/// (<see cref="CoordinationReadModels"/>) are projected inline, in the transaction that records the
/// events, and a projection loads the documents it folds into; two writers folding into the same
/// activity at once would each load it without the other's change and the later commit would lose the
/// earlier one's. Behind the gate a writer's projection loads what every writer before it committed.
/// <list type="bullet">
/// <item>the inbox (<c>GroupCommitInbox</c>: one group of heard events at a time per replica) and the
/// alert commands (<c>CommandGroupCommit</c>) enter it as their transaction begins;</item>
/// <item>the overlap detector decides outside it and enters it only to write (<see cref="OpenSessionAsync"/>);</item>
/// <item>a rebuild (<see cref="Rebuild.ReadModelRebuild"/>) holds it from reading the store to its commit,
/// so nothing is recorded that its fold misses and its write then deletes.</item>
/// </list>
/// Coordination's writes are serialised by it; each is a group-committed transaction of a few
/// milliseconds, and the inbox was one writer per replica already.
/// </summary>
public sealed class ReadModelGate() : AdvisoryWriteGate(LockKey)
{
    /// <summary>The advisory lock's key ("EUCC" "RM" 1).</summary>
    public const long LockKey = 0x4555_4343_524D_0001;

    private int _rebuilds;

    /// <summary>Rebuilds committed in this process: in-memory copies of the read models (<see cref="Overlaps.ActivityIndex"/>) reload when it moves.</summary>
    public int Rebuilds => Volatile.Read(ref _rebuilds);

    /// <summary>Called by the rebuild once its documents are committed.</summary>
    public void Rebuilt() => Interlocked.Increment(ref _rebuilds);

    /// <summary>A session on a transaction of its own that has entered the gate; saving it commits and leaves the gate.</summary>
    public async Task<GatedSession> OpenSessionAsync(IDocumentStore store, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            var transaction = await connection.BeginTransactionAsync(ct);
            await EnterAsync(connection, ct);
            return new GatedSession(connection, transaction, store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: true)));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A session inside the <see cref="ReadModelGate"/>; disposing it rolls back what was not saved and closes its connection.</summary>
public sealed class GatedSession(NpgsqlConnection connection, NpgsqlTransaction transaction, IDocumentSession session) : IAsyncDisposable
{
    public IDocumentSession Session { get; } = session;

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
