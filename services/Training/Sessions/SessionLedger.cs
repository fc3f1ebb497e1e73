using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Enrolments;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Training.Sessions;

/// <summary>What a ledger command did: the session as it was when decided, and the decision.</summary>
public sealed record LedgerOutcome(TrainingSession? Session, LedgerChange Change)
{
    public bool NotFound => Session is null;
}

/// <summary>
/// How every decision on a session's seats is carried out — enrolling, cancelling (with promotion),
/// delivering, cancelling the session, releasing a suspended expert's seats:
/// <list type="number">
/// <item>take the session stream's row lock (<c>FetchForExclusiveWriting</c>: <c>select … for update</c>
/// in this transaction), so the decision sees every seat change committed before it and no other
/// can commit until this one has;</item>
/// <item>run the pure decide function on the session (and facts read under the lock);</item>
/// <item>append its events to the session stream and to each enrolment stream it touches, in
/// one transaction with the lock.</item>
/// </list>
/// The order in which commands get the lock is the order in which the service accepts them; the
/// waitlist is that order. See docs/training.md for why a lock and not optimistic retries.
/// </summary>
public static class SessionLedger
{
    public const string StaleVersionCode = "stale-version";

    /// <summary>Locks, decides and stages the events in <paramref name="db"/>; the caller commits (or disposes, which rolls back).</summary>
    public static async Task<LedgerOutcome> StageAsync(
        IDocumentSession db, Guid sessionId, Func<TrainingSession, Task<LedgerChange>> decide, CancellationToken ct)
    {
        var stream = await db.Events.FetchForExclusiveWriting<TrainingSession>(sessionId, ct);
        if (stream.Aggregate is not { } session) return new LedgerOutcome(null, LedgerChange.Nothing);

        var change = await decide(session);
        if (change.Error is not null || change.IsEmpty) return new LedgerOutcome(session, change);

        if (change.SessionEvents.Count > 0) stream.AppendMany(change.SessionEvents);
        await StageEnrolmentEventsAsync(db, change.EnrolmentEvents, ct);
        return new LedgerOutcome(session, change);
    }

    /// <summary>
    /// A ledger command from HTTP: queue at the session's gate, open a session of its own, run
    /// <paramref name="beforeLock"/> (locks that must come before the session's), take the session's
    /// lock, decide, commit. The session is disposed before the gate opens, so a refused decision
    /// releases the row lock at once; the answer is read by <paramref name="respond"/> afterwards,
    /// outside the gate, so the critical section is only the decision and its commit.
    /// </summary>
    public static async Task<TResult> ExecuteAsync<TResult>(
        ISessionFactory sessions,
        SessionGates gates,
        Guid sessionId,
        Func<IDocumentSession, CancellationToken, Task>? beforeLock,
        Func<IDocumentSession, TrainingSession, Task<LedgerChange>> decide,
        Func<IQuerySession, LedgerOutcome, Task<TResult>> respond,
        CancellationToken ct)
    {
        LedgerOutcome outcome;
        using (await gates.EnterAsync(sessionId, ct))
        {
            await using var db = sessions.OpenSession();
            if (beforeLock is not null) await beforeLock(db, ct);
            outcome = await StageAsync(db, sessionId, session => decide(db, session), ct);
            if (!outcome.NotFound && outcome.Change.Error is null && !outcome.Change.IsEmpty) await db.SaveChangesAsync(ct);
        }

        await using var read = sessions.QuerySession();
        return await respond(read, outcome);
    }

    public static LedgerChange Stale(long expected) =>
        new DomainError(StaleVersionCode, $"If-Match asked for version {expected}, which is not the current version.");

    /// <summary>The problem for a refused ledger decision: 412 for a stale If-Match, else 409 naming the state.</summary>
    public static ProblemHttpResult Problem(DomainError error, long? expected) =>
        error.Code == StaleVersionCode && expected is { } version ? Problems.PreconditionFailed(version) : Problems.Conflict(error);

    private static async Task StageEnrolmentEventsAsync(IDocumentSession db, IReadOnlyList<EnrolmentEvent> events, CancellationToken ct)
    {
        var byStream = events.GroupBy(e => e.EnrolmentId).Select(g => (Id: g.Key, Events: g.Select(e => e.Event).ToArray())).ToList();
        var existingIds = byStream.Where(s => s.Events[0] is not ParticipantNominated).Select(s => s.Id).ToArray();
        var existing = existingIds.Length == 0
            ? new Dictionary<Guid, Enrolment>()
            : (await db.LoadManyAsync<Enrolment>(ct, existingIds)).ToDictionary(e => e.Id);

        foreach (var (id, streamEvents) in byStream)
        {
            if (streamEvents[0] is ParticipantNominated) db.Events.StartStream<Enrolment>(id, streamEvents);
            else if (existing.TryGetValue(id, out var enrolment)) db.Events.Append(id, enrolment.Version + streamEvents.Length, streamEvents);
            else throw new InvalidOperationException($"Enrolment {id} holds a place in a session's seat ledger but has no stream.");
        }
    }
}
