using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Coordination.Experts;

/// <summary>
/// One seat in a training session, as Training announced it: which session, which expert (null for
/// external participants) and how it ended. It links an expert's story to the training that followed.
/// </summary>
public sealed record Enrolment
{
    public Guid Id { get; init; }

    public Guid SessionId { get; init; }

    public Guid? ExpertId { get; init; }

    public string Status { get; init; } = "confirmed";

    public IReadOnlyList<EcsfRole> RolesCovered { get; init; } = [];

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Source timestamp (ticks) of the newest status heard.</summary>
    public long StatusKey { get; init; }
}

public static class Enrolments
{
    public static bool IsEnrolmentEvent(IIntegrationEvent e, out Guid id)
    {
        id = Guid.Empty;
        return Subjects.TryParse(e.Subject, out var kind, out id) && kind == "enrolment";
    }

    /// <summary>Applies one enrolment event; completion is final, the rest keeps the newest (pure).</summary>
    public static Enrolment Apply(Enrolment current, IIntegrationEvent e)
    {
        var key = e.OccurredAt.UtcTicks;
        return e switch
        {
            EnrolmentConfirmed x => Newer(current with { SessionId = x.SessionId, ExpertId = x.ExpertId ?? current.ExpertId }, "confirmed", key),
            EnrolmentCancelled x => Newer(current with { SessionId = x.SessionId, ExpertId = x.ExpertId ?? current.ExpertId }, "cancelled", key),
            TrainingCompleted x => current with
            {
                SessionId = x.SessionId,
                ExpertId = x.ExpertId ?? current.ExpertId,
                Status = "completed",
                StatusKey = Math.Max(key, current.StatusKey),
                RolesCovered = x.RolesCovered ?? [],
                CompletedAt = current.CompletedAt is { } at && at < x.OccurredAt ? at : x.OccurredAt,
            },
            _ => current,
        };
    }

    private static Enrolment Newer(Enrolment e, string status, long key) =>
        e.Status == "completed" || key <= e.StatusKey ? e : e with { Status = status, StatusKey = key };
}
