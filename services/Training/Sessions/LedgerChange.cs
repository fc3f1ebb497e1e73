using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Training.Sessions;

/// <summary>An event for one enrolment's stream, decided together with the session's seat ledger.</summary>
public sealed record EnrolmentEvent(Guid EnrolmentId, object Event);

/// <summary>
/// What a decision on the seat ledger concluded: events for the session's stream and for the
/// enrolments it touches (all committed in one transaction), or the rule that was broken.
/// Pure decide functions return this; the domain tests assert on it.
/// </summary>
public sealed record LedgerChange
{
    public IReadOnlyList<object> SessionEvents { get; init; } = [];

    public IReadOnlyList<EnrolmentEvent> EnrolmentEvents { get; init; } = [];

    public DomainError? Error { get; init; }

    public bool IsEmpty => Error is null && SessionEvents.Count == 0 && EnrolmentEvents.Count == 0;

    /// <summary>Already so: nothing to append (an idempotent repeat).</summary>
    public static LedgerChange Nothing { get; } = new();

    public static implicit operator LedgerChange(DomainError error) => new() { Error = error };

    /// <summary>This change followed by <paramref name="next"/>.</summary>
    public LedgerChange Then(LedgerChange next) => Error is not null ? this : next.Error is not null ? next : new()
    {
        SessionEvents = [.. SessionEvents, .. next.SessionEvents],
        EnrolmentEvents = [.. EnrolmentEvents, .. next.EnrolmentEvents],
    };
}
