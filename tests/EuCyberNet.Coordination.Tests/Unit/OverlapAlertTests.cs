using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Coordination.Tests.Unit;

/// <summary>The alert lifecycle: given its events, when a command, then these events or this error.</summary>
public sealed class OverlapAlertTests
{
    private static readonly OverlapRaised Raised = new("project/a", "training-session/b", ["KE"], [CcbTheme.Cybercrime],
        new DateOnly(2027, 3, 1), new DateOnly(2027, 4, 1), 1);

    private static OverlapAlert Given(params object[] events)
    {
        var id = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;
        var alert = OverlapAlert.Create(new Event<OverlapRaised>((OverlapRaised)events[0]) { StreamId = id, Timestamp = at });
        foreach (var e in events.Skip(1))
        {
            alert = e switch
            {
                OverlapAcknowledged x => OverlapAlert.Apply(new Event<OverlapAcknowledged>(x) { StreamId = id, Timestamp = at }, alert),
                OverlapResolved x => OverlapAlert.Apply(new Event<OverlapResolved>(x) { StreamId = id, Timestamp = at }, alert),
                OverlapDismissed x => OverlapAlert.Apply(new Event<OverlapDismissed>(x) { StreamId = id, Timestamp = at }, alert),
                _ => throw new ArgumentException(e.GetType().Name),
            };
        }
        return alert;
    }

    [Fact]
    public void A_raised_alert_is_open_and_knows_its_pair()
    {
        var alert = Given(Raised);
        Assert.Equal(OverlapStatus.Raised, alert.Status);
        Assert.True(alert.IsOpen);
        Assert.Equal("project/a|training-session/b", alert.Pair);
        Assert.Equal(OverlapAlert.IdFor(alert.Pair, 1), OverlapAlert.IdFor("project/a|training-session/b", 1));
        Assert.NotEqual(OverlapAlert.IdFor(alert.Pair, 1), OverlapAlert.IdFor(alert.Pair, 2));
    }

    [Fact]
    public void Raised_then_acknowledged_then_resolved()
    {
        var acknowledged = OverlapDecisions.Acknowledge(Given(Raised), "checking");
        Assert.Equal(new object[] { new OverlapAcknowledged("checking") }, acknowledged.Events);

        var resolved = OverlapDecisions.Resolve(Given(Raised, new OverlapAcknowledged("checking")), "Funders agreed to split the work");
        Assert.Equal(new object[] { new OverlapResolved("Funders agreed to split the work", false) }, resolved.Events);
        var alert = Given(Raised, new OverlapAcknowledged("checking"), new OverlapResolved("split", false));
        Assert.Equal((OverlapStatus.Resolved, false), (alert.Status, alert.IsOpen));
    }

    [Fact]
    public void Raised_or_acknowledged_can_be_dismissed_and_the_reason_is_kept()
    {
        Assert.Equal(new object[] { new OverlapDismissed("complementary") }, OverlapDecisions.Dismiss(Given(Raised), "complementary").Events);
        Assert.Equal(new object[] { new OverlapDismissed("complementary") }, OverlapDecisions.Dismiss(Given(Raised, new OverlapAcknowledged(null)), "complementary").Events);
        Assert.Equal("complementary", Given(Raised, new OverlapDismissed("complementary")).Reason);
    }

    [Fact]
    public void Repeating_a_decision_changes_nothing()
    {
        Assert.Empty(OverlapDecisions.Acknowledge(Given(Raised, new OverlapAcknowledged(null)), null).Events);
        Assert.Empty(OverlapDecisions.Resolve(Given(Raised, new OverlapResolved("gone", true)), "again").Events);
        Assert.Empty(OverlapDecisions.Dismiss(Given(Raised, new OverlapDismissed("no")), "no").Events);
    }

    [Theory]
    [InlineData("acknowledge", "resolved")]
    [InlineData("acknowledge", "dismissed")]
    [InlineData("dismiss", "resolved")]
    [InlineData("resolve", "dismissed")]
    public void A_closed_alert_refuses_the_other_decisions_naming_its_state(string command, string state)
    {
        var alert = state == "resolved" ? Given(Raised, new OverlapResolved("gone", true)) : Given(Raised, new OverlapDismissed("no"));
        var decision = command switch
        {
            "acknowledge" => OverlapDecisions.Acknowledge(alert, null),
            "dismiss" => OverlapDecisions.Dismiss(alert, "why"),
            _ => OverlapDecisions.Resolve(alert, "why"),
        };
        Assert.True(decision.IsRejected);
        Assert.Equal(("invalid-transition", state), (decision.Error!.Code, decision.Error.State));
    }

    [Fact]
    public void An_automatic_resolution_is_remembered_so_that_a_returning_overlap_can_be_raised_again()
    {
        Assert.True(Given(Raised, new OverlapResolved("gone", Automatically: true)).ResolvedAutomatically);
        Assert.False(Given(Raised, new OverlapResolved("handled", Automatically: false)).ResolvedAutomatically);
    }
}
