using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;
using Marten;
using MassTransit;

namespace EuCyberNet.Training.ExpertFacts;

/// <summary>
/// Learns an expert's status from the Experts service, and when the expert may no longer enrol
/// (suspended, withdrawn, erased, ...) gives up their places in sessions that have not started:
/// each freed seat promotes the first waitlisted, all as events, in the consumer's transaction.
/// </summary>
public static class ExpertStatusLearning
{
    public static async Task LearnAsync(
        IDocumentSession session, Guid expertId, string status, DateTimeOffset occurredAt, TrainingCalendar calendar, CancellationToken ct)
    {
        // Exclusive: no enrolment of this expert is deciding meanwhile (they hold the shared lock).
        await ExpertLocks.ExclusiveAsync(session, expertId, ct);
        var next = ExpertFact.Learn(await session.LoadAsync<ExpertFact>(expertId, ct), expertId, status, occurredAt);
        if (next is null) return; // a repeat, or older than what we know
        session.Store(next);
        if (next.MayEnrol) return;

        var today = calendar.Today;
        var sessions = await session.Query<Enrolment>()
            .Where(e => e.ExpertId == expertId && (e.Status == EnrolmentStatus.Confirmed || e.Status == EnrolmentStatus.Waitlisted)
                        && e.SessionStartDate > today)
            .Select(e => e.SessionId)
            .ToListAsync(ct);
        // Always in the same order, so two consumers never wait on each other's session locks crosswise.
        foreach (var sessionId in sessions.Distinct().Order())
            await SessionLedger.StageAsync(session, sessionId, s => Task.FromResult(EnrolmentRules.ReleaseExpert(s, expertId, next.Status, today)), ct);
    }

    /// <summary>A status slug as the Experts service sends it (domain.md's lifecycle names).</summary>
    public static string Normalise(string status) =>
        status.Trim().ToLowerInvariant() is { Length: > 0 and <= 40 } slug ? slug : "unknown";
}

public sealed class NoteExpertJoinedPool(IDocumentStore store, TrainingCalendar calendar) : IdempotentConsumer<ExpertJoinedPool>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertJoinedPool> context, IDocumentSession session) =>
        ExpertStatusLearning.LearnAsync(session, context.Message.ExpertId, ExpertFact.Accepted, context.Message.OccurredAt, calendar, context.CancellationToken);
}

public sealed class NoteExpertStatusChanged(IDocumentStore store, TrainingCalendar calendar) : IdempotentConsumer<ExpertStatusChanged>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertStatusChanged> context, IDocumentSession session) =>
        ExpertStatusLearning.LearnAsync(session, context.Message.ExpertId, ExpertStatusLearning.Normalise(context.Message.Status),
            context.Message.OccurredAt, calendar, context.CancellationToken);
}

public sealed class NoteExpertSuspended(IDocumentStore store, TrainingCalendar calendar) : IdempotentConsumer<ExpertSuspended>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertSuspended> context, IDocumentSession session) =>
        ExpertStatusLearning.LearnAsync(session, context.Message.ExpertId, "suspended", context.Message.OccurredAt, calendar, context.CancellationToken);
}

public sealed class NoteExpertReinstated(IDocumentStore store, TrainingCalendar calendar) : IdempotentConsumer<ExpertReinstated>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertReinstated> context, IDocumentSession session) =>
        ExpertStatusLearning.LearnAsync(session, context.Message.ExpertId, ExpertFact.Accepted, context.Message.OccurredAt, calendar, context.CancellationToken);
}

public sealed class NoteExpertLeftPool(IDocumentStore store, TrainingCalendar calendar) : IdempotentConsumer<ExpertLeftPool>(store)
{
    protected override Task HandleAsync(ConsumeContext<ExpertLeftPool> context, IDocumentSession session) =>
        ExpertStatusLearning.LearnAsync(session, context.Message.ExpertId,
            context.Message.Reason == PoolDeparture.Erased ? "erased" : "withdrawn", context.Message.OccurredAt, calendar, context.CancellationToken);
}
