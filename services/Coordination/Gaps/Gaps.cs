using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Coordination.Gaps;

/// <summary>The gap of one ECSF role: demand against what the pool and the training calendar can give.</summary>
/// <param name="OpenRequests">Open requests (published, deadline not passed) that ask for the role.</param>
/// <param name="OpenDemand">Experts those requests still need (asked for, minus those already selected).</param>
/// <param name="AvailableSupply">Accepted experts with the role and availability within the horizon.</param>
/// <param name="UpcomingSessions">Sessions covering the role that start within the horizon.</param>
/// <param name="UpcomingTrainingSeats">Their seats (capacity).</param>
/// <param name="ShortfallBeforeTraining">Demand the pool cannot meet today: max(0, demand − supply).</param>
/// <param name="Gap">What remains when the upcoming seats are counted too: max(0, demand − supply − seats).</param>
public sealed record RoleGap(
    EcsfRole Role,
    int OpenRequests,
    long OpenDemand,
    long AvailableSupply,
    int UpcomingSessions,
    long UpcomingTrainingSeats,
    long ShortfallBeforeTraining,
    long Gap);

/// <summary>An open request's demand: its roles and the experts it still needs.</summary>
public sealed record OpenDemand(Guid RequestId, IReadOnlyList<EcsfRole> Roles, int ExpertsNeeded, int ExpertsSelected)
{
    public int Remaining => Math.Max(0, ExpertsNeeded - ExpertsSelected);
}

/// <summary>An upcoming session's seats and the roles its course covers.</summary>
public sealed record UpcomingSeats(Guid SessionId, IReadOnlyList<EcsfRole> Roles, int Capacity);

/// <summary>The gap arithmetic, pure (docs/coordination.md explains it).</summary>
public static class GapArithmetic
{
    /// <summary>
    /// One row per ECSF role, all twelve. A request asking for several roles adds its remaining
    /// demand to each of them (it does not say which expert brings which role); the same holds for a
    /// session's seats and for an expert with several roles.
    /// </summary>
    public static IReadOnlyList<RoleGap> Compute(
        IReadOnlyCollection<OpenDemand> demand,
        IReadOnlyDictionary<EcsfRole, long> supply,
        IReadOnlyCollection<UpcomingSeats> sessions)
    {
        var rows = new List<RoleGap>();
        foreach (var role in Enum.GetValues<EcsfRole>())
        {
            var requests = demand.Where(d => d.Roles.Contains(role) && d.Remaining > 0).ToList();
            var needed = requests.Sum(d => (long)d.Remaining);
            var available = supply.GetValueOrDefault(role);
            var covering = sessions.Where(s => s.Roles.Contains(role)).ToList();
            var seats = covering.Sum(s => (long)Math.Max(0, s.Capacity));
            rows.Add(new RoleGap(role, requests.Count, needed, available, covering.Count, seats,
                Math.Max(0, needed - available), Math.Max(0, needed - available - seats)));
        }
        return rows;
    }
}
