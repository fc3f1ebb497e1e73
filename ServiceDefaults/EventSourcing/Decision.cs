namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// A rule a command broke. <see cref="State"/> names the state the resource was in when the
/// command is not allowed there; the HTTP layer turns this into a 409 problem.
/// </summary>
public sealed record DomainError(string Code, string Message, string? State = null)
{
    public static DomainError InvalidTransition(string command, string state) =>
        new("invalid-transition", $"Cannot {command} while the resource is {state}.", state);
}

/// <summary>
/// What a pure decide function concluded: the events to append (possibly none) or the rule that
/// was broken. Decide functions take the current state and a command and return one of these,
/// which is what the domain tests assert on.
/// </summary>
public readonly record struct Decision
{
    private Decision(IReadOnlyList<object> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<object> Events { get; }

    public DomainError? Error { get; }

    public bool IsRejected => Error is not null;

    public static Decision Emit(params object[] events) => new(events, null);

    /// <summary>The command is already satisfied: nothing to append (an idempotent repeat).</summary>
    public static Decision Nothing { get; } = new([], null);

    public static Decision Reject(DomainError error) => new([], error);

    public static implicit operator Decision(DomainError error) => Reject(error);
}
