using EuCyberNet.Training.ExpertFacts;

namespace EuCyberNet.Training.Tests.Unit;

/// <summary>The local read model of the pool: duplicates and late messages do not change what is known.</summary>
public sealed class ExpertFactTests
{
    private static readonly Guid ExpertId = Guid.NewGuid();
    private static readonly DateTimeOffset Noon = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_first_observation_is_learned()
    {
        var fact = ExpertFact.Learn(null, ExpertId, "accepted", Noon);
        Assert.Equal(new ExpertFact(ExpertId, "accepted", Noon), fact);
        Assert.True(fact!.MayEnrol);
    }

    [Fact]
    public void A_newer_observation_replaces_an_older_one()
    {
        var accepted = ExpertFact.Learn(null, ExpertId, "accepted", Noon);
        var suspended = ExpertFact.Learn(accepted, ExpertId, "suspended", Noon.AddMinutes(1));

        Assert.Equal("suspended", suspended!.Status);
        Assert.False(suspended.MayEnrol);
    }

    [Fact]
    public void An_older_observation_arriving_late_changes_nothing()
    {
        var reinstated = ExpertFact.Learn(null, ExpertId, "accepted", Noon.AddMinutes(5));
        Assert.Null(ExpertFact.Learn(reinstated, ExpertId, "suspended", Noon));
    }

    [Fact]
    public void A_repeat_of_the_same_moment_changes_nothing()
    {
        var suspended = ExpertFact.Learn(null, ExpertId, "suspended", Noon);
        Assert.Null(ExpertFact.Learn(suspended, ExpertId, "suspended", Noon));
    }

    [Theory]
    [InlineData("suspended")]
    [InlineData("withdrawn")]
    [InlineData("erased")]
    [InlineData("applied")]
    [InlineData("rejected")]
    public void Only_accepted_experts_may_enrol(string status) =>
        Assert.False(new ExpertFact(ExpertId, status, Noon).MayEnrol);
}
