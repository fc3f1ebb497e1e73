using Marten;
using Npgsql;

namespace EuCyberNet.Training.ExpertFacts;

/// <summary>
/// Transaction-scoped PostgreSQL advisory locks on one expert. An enrolment holds the shared lock
/// while it checks the expert's status and takes a seat; a consumer learning that the expert was
/// suspended or left holds the exclusive lock while it records that and releases the expert's
/// seats. So an enrolment racing a suspension either commits first (and its seat is released by
/// the consumer, which then sees it) or sees the new status and is refused — never a seat held by
/// a suspended expert. Locks are taken before any session stream lock (one order, no deadlock).
/// </summary>
public static class ExpertLocks
{
    /// <summary>First key of the two-key advisory lock space, naming this use ("EXPT").</summary>
    private const int LockClass = 0x45585054;

    public static Task ShareAsync(IDocumentSession session, Guid expertId, CancellationToken ct) =>
        LockAsync(session, "pg_advisory_xact_lock_shared", expertId, ct);

    public static Task ExclusiveAsync(IDocumentSession session, Guid expertId, CancellationToken ct) =>
        LockAsync(session, "pg_advisory_xact_lock", expertId, ct);

    private static async Task LockAsync(IDocumentSession session, string function, Guid expertId, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"select {function}($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
        command.Parameters.Add(new NpgsqlParameter { Value = KeyOf(expertId) });
        await session.ExecuteAsync(command, ct);
    }

    /// <summary>32 bits of the expert id; two experts sharing a key only wait for each other.</summary>
    private static int KeyOf(Guid expertId)
    {
        Span<byte> bytes = stackalloc byte[16];
        expertId.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}
