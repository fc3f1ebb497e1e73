using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Projects.ExpertFacts;

/// <summary>Where an expert stands in the pool, as far as Projects has heard from Experts.</summary>
public enum PoolStanding
{
    /// <summary>Nothing heard yet: the expert is not (yet) known to be accepted.</summary>
    Unknown = 0,
    Pending,
    Accepted,
    Suspended,
    Rejected,
    Left,
}

/// <summary>A period the expert is committed to by one of this service's deployments.</summary>
public sealed record Booking(Guid DeploymentId, Guid RequestId, DateOnly StartDate, DateOnly EndDate)
{
    public bool Overlaps(DateOnly start, DateOnly end) => StartDate <= end && start <= EndDate;
}

/// <summary>
/// What the Experts service announced about an expert's standing, reduced to the standing and when
/// it happened there (<see cref="Fact"/> names the message it came from). Only ids and status are kept.
/// </summary>
public sealed record ExpertStandingHeard(PoolStanding Standing, DateTimeOffset OccurredAt, string Fact)
{
    public static ExpertStandingHeard From(ExpertJoinedPool e) => new(PoolStanding.Accepted, e.OccurredAt, nameof(ExpertJoinedPool));

    public static ExpertStandingHeard From(ExpertStatusChanged e) =>
        new(KnownExpert.StandingOf(e.Status), e.OccurredAt, $"{nameof(ExpertStatusChanged)}:{Common.Fields.Clip(e.Status)}");

    public static ExpertStandingHeard From(ExpertSuspended e) => new(PoolStanding.Suspended, e.OccurredAt, nameof(ExpertSuspended));

    public static ExpertStandingHeard From(ExpertReinstated e) => new(PoolStanding.Accepted, e.OccurredAt, nameof(ExpertReinstated));

    public static ExpertStandingHeard From(ExpertLeftPool e) => new(PoolStanding.Left, e.OccurredAt, nameof(ExpertLeftPool));
}

// Projects' own facts about an expert's time, appended on the same stream as what Experts told us,
// so that one stream version guards both cross-service rules (standing and overlaps).

public sealed record ExpertBooked(Guid DeploymentId, Guid RequestId, DateOnly StartDate, DateOnly EndDate);

public sealed record ExpertBookingChanged(Guid DeploymentId, DateOnly StartDate, DateOnly EndDate);

public sealed record ExpertBookingReleased(Guid DeploymentId, string Reason);

/// <summary>
/// Everything Projects knows about one expert: ids and standing only (no personal data), folded
/// from what the Experts service announced (recorded as it arrived) and this service's bookings.
/// Experts' events may arrive twice or out of order: the standing is the one of the newest fact by
/// its <c>OccurredAt</c>, and leaving the pool is final whatever the order.
/// </summary>
public sealed record KnownExpert(Guid Id, PoolStanding Standing, DateTimeOffset? StandingSince, IReadOnlyList<Booking> Bookings) : IAggregate
{
    public long Version { get; init; }

    public static KnownExpert Unknown(Guid id) => new(id, PoolStanding.Unknown, null, []);

    public static KnownExpert Create(IEvent<ExpertStandingHeard> e) => Apply(e.Data, Unknown(e.StreamId));

    public static KnownExpert Apply(ExpertStandingHeard e, KnownExpert current) => current.Heard(e.Standing, e.OccurredAt);

    public static KnownExpert Apply(ExpertBooked e, KnownExpert current) =>
        current with { Bookings = [.. current.Bookings.Where(b => b.DeploymentId != e.DeploymentId), new Booking(e.DeploymentId, e.RequestId, e.StartDate, e.EndDate)] };

    public static KnownExpert Apply(ExpertBookingChanged e, KnownExpert current) =>
        current with { Bookings = [.. current.Bookings.Select(b => b.DeploymentId == e.DeploymentId ? b with { StartDate = e.StartDate, EndDate = e.EndDate } : b)] };

    public static KnownExpert Apply(ExpertBookingReleased e, KnownExpert current) =>
        current with { Bookings = [.. current.Bookings.Where(b => b.DeploymentId != e.DeploymentId)] };

    /// <summary>Experts' status slugs (domain.md) as a standing.</summary>
    public static PoolStanding StandingOf(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        "accepted" => PoolStanding.Accepted,
        "suspended" => PoolStanding.Suspended,
        "rejected" => PoolStanding.Rejected,
        "withdrawn" or "erased" => PoolStanding.Left,
        _ => PoolStanding.Pending,
    };

    /// <summary>A fact heard from Experts: newer facts win, late older ones are ignored, leaving is final.</summary>
    public KnownExpert Heard(PoolStanding standing, DateTimeOffset occurredAt)
    {
        if (Standing == PoolStanding.Left) return this;
        if (standing == PoolStanding.Left) return this with { Standing = standing, StandingSince = occurredAt };
        if (StandingSince is { } since && occurredAt < since) return this;
        return this with { Standing = standing, StandingSince = occurredAt };
    }
}

/// <summary>The cross-service rules, as pure functions of what Projects knows.</summary>
public static class ExpertRules
{
    /// <summary>
    /// Why the expert may not <paramref name="action"/> (apply, be selected, be deployed), or null
    /// when they may: only accepted experts, never suspended ones or those who left the pool.
    /// </summary>
    public static DomainError? MayNot(KnownExpert? expert, Guid expertId, string action) => (expert?.Standing ?? PoolStanding.Unknown) switch
    {
        PoolStanding.Accepted => null,
        PoolStanding.Suspended => new DomainError("expert-suspended", $"Expert {expertId} is suspended and cannot {action}.", "suspended"),
        PoolStanding.Left => new DomainError("expert-left-pool", $"Expert {expertId} has left the pool and cannot {action}.", "left"),
        PoolStanding.Rejected => new DomainError("expert-not-accepted", $"Expert {expertId} was not accepted into the pool and cannot {action}.", "rejected"),
        PoolStanding.Pending => new DomainError("expert-not-accepted", $"Expert {expertId} is not yet accepted into the pool and cannot {action}.", "pending"),
        _ => new DomainError("expert-not-accepted", $"Expert {expertId} is not known as an accepted member of the pool and cannot {action}.", "unknown"),
    };

    /// <summary>The expert's booking that overlaps the period, other than <paramref name="except"/>.</summary>
    public static Booking? Overlapping(KnownExpert? expert, DateOnly start, DateOnly end, Guid? except = null) =>
        expert?.Bookings.FirstOrDefault(b => b.DeploymentId != except && b.Overlaps(start, end));

    public static DomainError OverlapError(Guid expertId, Booking booking, DateOnly start, DateOnly end) =>
        new("overlapping-deployment",
            $"Expert {expertId} is already deployed from {booking.StartDate:yyyy-MM-dd} to {booking.EndDate:yyyy-MM-dd} " +
            $"(deployment {booking.DeploymentId}), which overlaps {start:yyyy-MM-dd} to {end:yyyy-MM-dd}.");
}
