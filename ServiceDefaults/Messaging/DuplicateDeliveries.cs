using Marten;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// A delivery the inbox recognised as already applied and skipped: a broker redelivery after a
/// consumer died before its ack, a relay re-publish after a crash or a lost confirm, or the loser
/// of two copies handled at once. Kept next to the inbox so that operators and the fault drills can
/// count "duplicates suppressed" from the database, not only from metrics.
/// </summary>
public sealed record DuplicateDelivery(Guid Id, string InboxId, string MessageType, DateTimeOffset At);

internal static class DuplicateDeliveries
{
    /// <summary>
    /// Records skipped deliveries in a session of their own. Bookkeeping only: if it cannot be
    /// written (the database is failing), the delivery is still acknowledged as a duplicate.
    /// </summary>
    public static Task RecordAsync(IDocumentStore store, string inboxId, string messageType, CancellationToken ct) =>
        RecordAsync(store, [(inboxId, messageType)], ct);

    public static async Task RecordAsync(IDocumentStore store, IReadOnlyCollection<(string InboxId, string MessageType)> skipped, CancellationToken ct)
    {
        if (skipped.Count == 0) return;
        try
        {
            await using var session = store.LightweightSession();
            var now = DateTimeOffset.UtcNow;
            foreach (var (inboxId, messageType) in skipped) session.Insert(new DuplicateDelivery(Guid.CreateVersion7(), inboxId, messageType, now));
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Deliberately swallowed: the count is an observation, the inbox is the guarantee.
        }
    }
}
