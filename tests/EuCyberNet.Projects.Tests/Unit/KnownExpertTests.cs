using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.ExpertFacts;
using static EuCyberNet.Projects.Tests.Unit.Given;

namespace EuCyberNet.Projects.Tests.Unit;

/// <summary>The local read model of Experts' facts: duplicates and out-of-order delivery change nothing.</summary>
public sealed class KnownExpertTests
{
    private static readonly Guid Ana = Guid.NewGuid();
    private static readonly DateTimeOffset T1 = Start;
    private static readonly DateTimeOffset T2 = Start.AddDays(1);
    private static readonly DateTimeOffset T3 = Start.AddDays(2);

    private static KnownExpert Heard(params object[] facts) => Fold<KnownExpert>(Ana, facts);

    private static ExpertJoinedPool Joined(DateTimeOffset at) => new(Ana, "SI", [EcsfRole.PenetrationTester], [], at);

    [Fact]
    public void Joining_suspension_and_reinstatement_set_the_standing()
    {
        Assert.Equal(PoolStanding.Accepted, Heard(Joined(T1)).Standing);
        Assert.Equal(PoolStanding.Suspended, Heard(Joined(T1), new ExpertSuspended(Ana, T2)).Standing);
        Assert.Equal(PoolStanding.Accepted, Heard(Joined(T1), new ExpertSuspended(Ana, T2), new ExpertReinstated(Ana, T3)).Standing);
    }

    [Fact]
    public void A_late_older_fact_does_not_undo_a_newer_one()
    {
        Assert.Equal(PoolStanding.Suspended, Heard(new ExpertSuspended(Ana, T2), Joined(T1)).Standing);
        Assert.Equal(PoolStanding.Accepted, Heard(new ExpertReinstated(Ana, T3), new ExpertSuspended(Ana, T2), Joined(T1)).Standing);
        Assert.Equal(T3, Heard(new ExpertReinstated(Ana, T3), new ExpertSuspended(Ana, T2)).StandingSince);
    }

    [Fact]
    public void Duplicates_change_nothing()
    {
        var once = Heard(Joined(T1), new ExpertSuspended(Ana, T2));
        var twice = Heard(Joined(T1), new ExpertSuspended(Ana, T2), new ExpertSuspended(Ana, T2), Joined(T1));
        Assert.Equal((once.Standing, once.StandingSince), (twice.Standing, twice.StandingSince));
    }

    [Fact]
    public void Leaving_the_pool_is_final_whatever_the_order()
    {
        Assert.Equal(PoolStanding.Left, Heard(Joined(T1), new ExpertLeftPool(Ana, PoolDeparture.Withdrawn, T2), new ExpertReinstated(Ana, T3)).Standing);
        Assert.Equal(PoolStanding.Left, Heard(new ExpertLeftPool(Ana, PoolDeparture.Erased, T1), Joined(T3)).Standing);
        Assert.Equal(PoolStanding.Left, Heard(Joined(T1), new ExpertStatusChanged(Ana, "erased", "accepted", "SI", T2)).Standing);
    }

    [Theory]
    [InlineData("accepted", PoolStanding.Accepted)]
    [InlineData("suspended", PoolStanding.Suspended)]
    [InlineData("rejected", PoolStanding.Rejected)]
    [InlineData("withdrawn", PoolStanding.Left)]
    [InlineData("erased", PoolStanding.Left)]
    [InlineData("applied", PoolStanding.Pending)]
    [InlineData("acknowledged", PoolStanding.Pending)]
    [InlineData("profile-submitted", PoolStanding.Pending)]
    public void Status_changes_map_to_a_standing(string status, PoolStanding standing) =>
        Assert.Equal(standing, Heard(new ExpertStatusChanged(Ana, status, "applied", "SI", T1)).Standing);

    [Fact]
    public void Bookings_follow_the_deployments()
    {
        var (d1, d2) = (Guid.NewGuid(), Guid.NewGuid());
        var expert = Heard(Joined(T1),
            new ExpertBooked(d1, Guid.NewGuid(), new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 10)),
            new ExpertBooked(d2, Guid.NewGuid(), new DateOnly(2027, 4, 1), new DateOnly(2027, 4, 10)),
            new ExpertBookingChanged(d1, new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 15)),
            new ExpertBookingReleased(d2, "cancelled"));

        var booking = Assert.Single(expert.Bookings);
        Assert.Equal((d1, new DateOnly(2027, 3, 15)), (booking.DeploymentId, booking.EndDate));
        Assert.Equal(d1, ExpertRules.Overlapping(expert, new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 20))!.DeploymentId);
        Assert.Null(ExpertRules.Overlapping(expert, new DateOnly(2027, 3, 16), new DateOnly(2027, 3, 20)));
        Assert.Null(ExpertRules.Overlapping(expert, new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 20), except: d1));
    }
}
