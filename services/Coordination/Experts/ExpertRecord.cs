using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Overview;

namespace EuCyberNet.Coordination.Experts;

/// <summary>
/// What the network picture needs to know about one expert: status, citizenship, ECSF roles and
/// availability; ids and vocabularies only (names and e-mails never leave the Experts service).
/// Expert events carry no stream version, so their order is their source timestamp: each group of
/// facts keeps the newest statement heard (<see cref="StatusKey"/>, <see cref="RolesKey"/>,
/// <see cref="AvailabilityKey"/>, in ticks).
/// </summary>
public sealed record ExpertRecord
{
    public Guid Id { get; init; }

    public string Status { get; init; } = "unknown";

    public string? Citizenship { get; init; }

    public IReadOnlyList<EcsfRole> Roles { get; init; } = [];

    public IReadOnlyList<AvailabilityWindow> Availability { get; init; } = [];

    public DateTimeOffset? AppliedAt { get; init; }

    public long StatusKey { get; init; }

    public long CitizenshipKey { get; init; }

    public long RolesKey { get; init; }

    public long AvailabilityKey { get; init; }

    public IReadOnlyList<TrackPoint> Track { get; init; } = [];

    /// <summary>Accepted (not suspended, withdrawn or erased): may be selected and deployed.</summary>
    public bool InPool => Status == ExpertStatuses.Accepted;
}

public static class ExpertStatuses
{
    public const string Applied = "applied";
    public const string Accepted = "accepted";
    public const string Suspended = "suspended";
    public const string Erased = "erased";
}

public static class ExpertRecords
{
    /// <summary>True for the expert events of contracts/Experts; <paramref name="id"/> is the expert.</summary>
    public static bool IsExpertEvent(IIntegrationEvent e, out Guid id)
    {
        id = Guid.Empty;
        return Subjects.TryParse(e.Subject, out var kind, out id) && kind == "expert";
    }

    /// <summary>Applies one expert event, keeping the newest statement of each fact (pure).</summary>
    public static ExpertRecord Apply(ExpertRecord current, IIntegrationEvent e)
    {
        var key = e.OccurredAt.UtcTicks;
        (string? Status, string? Citizenship, IReadOnlyList<EcsfRole>? Roles, IReadOnlyList<AvailabilityWindow>? Windows, bool Applied) facts = e switch
        {
            ExpertApplicationReceived x => (ExpertStatuses.Applied, x.Citizenship, null, null, true),
            ExpertStatusChanged x => (x.Status, x.Citizenship, null, null, false),
            ExpertJoinedPool x => (ExpertStatuses.Accepted, x.Citizenship, x.Roles, null, false),
            ExpertSuspended => (ExpertStatuses.Suspended, null, null, null, false),
            ExpertReinstated => (ExpertStatuses.Accepted, null, null, null, false),
            ExpertLeftPool x => (x.Reason == PoolDeparture.Erased ? ExpertStatuses.Erased : "withdrawn", null, null, null, false),
            ExpertCompetencesChanged x => (null, null, x.Roles, null, false),
            ExpertAvailabilityChanged x => (null, null, null, x.Windows, false),
            _ => (null, null, null, null, false),
        };
        var (status, citizenship, roles, windows, applied) = facts;

        var next = current;
        if (status is not null && key > current.StatusKey) next = next with { Status = status, StatusKey = key };
        if (citizenship is { Length: > 0 } && key > current.CitizenshipKey) next = next with { Citizenship = citizenship.ToUpperInvariant(), CitizenshipKey = key };
        if (roles is not null && key > current.RolesKey) next = next with { Roles = roles, RolesKey = key };
        if (windows is not null && key > current.AvailabilityKey) next = next with { Availability = windows, AvailabilityKey = key };
        if (applied && (current.AppliedAt is null || e.OccurredAt < current.AppliedAt)) next = next with { AppliedAt = e.OccurredAt };
        // Erasure: the record keeps the decision, not the person's citizenship.
        if (next.Status == ExpertStatuses.Erased) next = next with { Citizenship = null };

        return next with
        {
            Track = Track.With(current.Track, new TrackPoint(key, e.OccurredAt, status, Citizenship: citizenship?.ToUpperInvariant(), Applied: applied)),
        };
    }

    /// <summary>Has at least one availability window (at more than 0 %) that touches [from, to].</summary>
    public static bool IsAvailable(ExpertRecord expert, DateOnly from, DateOnly to) =>
        expert.Availability.Any(w => w.Percent > 0 && w.From <= to && w.To >= from);
}
