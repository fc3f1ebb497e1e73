using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Gaps;

namespace EuCyberNet.Coordination.Tests.Unit;

public sealed class GapArithmeticTests
{
    private static RoleGap Row(IReadOnlyList<RoleGap> rows, EcsfRole role) => rows.Single(r => r.Role == role);

    [Fact]
    public void Every_role_gets_a_row_and_an_empty_network_has_no_gap()
    {
        var rows = GapArithmetic.Compute([], new Dictionary<EcsfRole, long>(), []);
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal(0, r.Gap + r.OpenDemand + r.AvailableSupply + r.UpcomingTrainingSeats));
    }

    [Fact]
    public void The_gap_is_demand_minus_supply_minus_upcoming_seats_never_below_zero()
    {
        var demand = new[]
        {
            new OpenDemand(Guid.NewGuid(), [EcsfRole.PenetrationTester], ExpertsNeeded: 4, ExpertsSelected: 1),
            new OpenDemand(Guid.NewGuid(), [EcsfRole.PenetrationTester, EcsfRole.CybersecurityAuditor], ExpertsNeeded: 2, ExpertsSelected: 0),
        };
        var supply = new Dictionary<EcsfRole, long> { [EcsfRole.PenetrationTester] = 1, [EcsfRole.CybersecurityAuditor] = 5 };
        var seats = new[] { new UpcomingSeats(Guid.NewGuid(), [EcsfRole.PenetrationTester], 2) };

        var rows = GapArithmetic.Compute(demand, supply, seats);

        var tester = Row(rows, EcsfRole.PenetrationTester);
        Assert.Equal((2, 5L, 1L, 1, 2L, 4L, 2L),
            (tester.OpenRequests, tester.OpenDemand, tester.AvailableSupply, tester.UpcomingSessions, tester.UpcomingTrainingSeats, tester.ShortfallBeforeTraining, tester.Gap));
        var auditor = Row(rows, EcsfRole.CybersecurityAuditor);
        Assert.Equal((2L, 5L, 0L, 0L), (auditor.OpenDemand, auditor.AvailableSupply, auditor.ShortfallBeforeTraining, auditor.Gap));
    }

    [Fact]
    public void A_request_whose_experts_are_all_selected_is_no_demand()
    {
        var filled = new OpenDemand(Guid.NewGuid(), [EcsfRole.ChiefInformationSecurityOfficer], ExpertsNeeded: 2, ExpertsSelected: 3);
        var ciso = Row(GapArithmetic.Compute([filled], new Dictionary<EcsfRole, long>(), []), EcsfRole.ChiefInformationSecurityOfficer);
        Assert.Equal((0, 0L), (ciso.OpenRequests, ciso.OpenDemand));
    }
}
