using Npgsql;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// Serialises the writers of a store whose transactions must not interleave, across every replica of
/// a service: each writer enters the gate first thing in its own transaction, before it loads or
/// stages anything, and leaves it when that transaction ends (commit or rollback). Marten's inline
/// projections load their documents inside a session's transaction when the session runs on a
/// transaction of its own (<c>SessionOptions.ForTransaction</c>), so a projection folding in a gated
/// transaction reads what the writer before it committed, never a document another writer is about to
/// overwrite. <see cref="Messaging.GroupCommitInbox"/> enters it when the service registers one.
/// </summary>
public interface IWriteGate
{
    /// <summary>Waits for the gate inside the transaction open on <paramref name="connection"/>; held until that transaction ends.</summary>
    Task EnterAsync(NpgsqlConnection connection, CancellationToken ct);
}

/// <summary>A <see cref="IWriteGate"/> on a PostgreSQL transaction-scoped advisory lock.</summary>
public class AdvisoryWriteGate(long key) : IWriteGate
{
    /// <summary>The advisory lock's key (any replica of the service uses the same).</summary>
    public long Key { get; } = key;

    public async Task EnterAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection)
        {
            Parameters = { new NpgsqlParameter<long> { TypedValue = Key } },
        };
        await command.ExecuteNonQueryAsync(ct);
    }
}
