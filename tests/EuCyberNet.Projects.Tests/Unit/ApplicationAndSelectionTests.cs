using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.ServiceDefaults.EventSourcing;
using static EuCyberNet.Projects.Tests.Unit.Given;

namespace EuCyberNet.Projects.Tests.Unit;

/// <summary>Applied | Nominated → Shortlisted → Selected | NotSelected; Withdrawn — and the rules that cross services.</summary>
public sealed class ApplicationAndSelectionTests
{
    private static readonly Guid Ana = Guid.NewGuid();
    private static readonly Guid Ben = Guid.NewGuid();

    private static ExpertiseRequest Shortlisted(int expertsNeeded = 2, params Guid[] experts) =>
        Published(Details(expertsNeeded: expertsNeeded),
        [.. experts.SelectMany(e => new object[] { new ApplicationReceived(e, false, null), new ApplicationShortlisted(e, null) })]);

    [Fact]
    public void An_accepted_expert_applies_to_a_published_request_once()
    {
        var e = Assert.IsType<ApplicationReceived>(Assert.Single(RequestDecisions.Apply(Published(), Ana, false, Accepted(Ana), Today).Events));
        Assert.False(e.Nominated);
        var applied = Published(null, e);
        Assert.Equal(ApplicationStatus.Applied, applied.ApplicationOf(Ana)!.Status);
        Assert.Equal(Decision.Nothing, RequestDecisions.Apply(applied, Ana, false, Accepted(Ana), Today));
    }

    [Fact]
    public void Staff_nominate_an_expert()
    {
        var e = RequestDecisions.Apply(Published(), Ana, true, Accepted(Ana), Today, "known from the 2026 mission").Events[0];
        Assert.Equal(ApplicationStatus.Nominated, Published(null, e).ApplicationOf(Ana)!.Status);
    }

    [Fact]
    public void Experts_not_accepted_suspended_or_gone_cannot_apply()
    {
        Assert.Equal("expert-suspended", RequestDecisions.Apply(Published(), Ana, false, Suspended(Ana), Today).Error!.Code);
        Assert.Equal("expert-not-accepted", RequestDecisions.Apply(Published(), Ana, false, null, Today).Error!.Code);
        var gone = Accepted(Ana, new ExpertLeftPool(Ana, PoolDeparture.Withdrawn, Start.AddDays(2)));
        Assert.Equal("expert-left-pool", RequestDecisions.Apply(Published(), Ana, false, gone, Today).Error!.Code);
        var pending = Fold<KnownExpert>(Ana, new ExpertStatusChanged(Ana, "profile-submitted", "acknowledged", "SI", Start));
        Assert.Equal("expert-not-accepted", RequestDecisions.Apply(Published(), Ana, false, pending, Today).Error!.Code);
    }

    [Fact]
    public void Applications_open_only_while_published_and_before_the_deadline()
    {
        Assert.Equal("draft", RequestDecisions.Apply(Request(new ExpertiseRequestDrafted(Details())), Ana, false, Accepted(Ana), Today).Error!.State);
        Assert.Equal("deadline-passed",
            RequestDecisions.Apply(Published(Details(deadline: Today)), Ana, false, Accepted(Ana), Today.AddDays(1)).Error!.Code);
        Assert.Single(RequestDecisions.Apply(Published(Details(deadline: Today)), Ana, false, Accepted(Ana), Today).Events);
    }

    [Fact]
    public void Shortlisting_declining_and_withdrawing_follow_the_application_lifecycle()
    {
        var applied = Published(null, new ApplicationReceived(Ana, false, null));
        var shortlisted = Published(null, new ApplicationReceived(Ana, false, null), RequestDecisions.Shortlist(applied, Ana).Events[0]);
        Assert.Equal(ApplicationStatus.Shortlisted, shortlisted.ApplicationOf(Ana)!.Status);
        Assert.Equal(Decision.Nothing, RequestDecisions.Shortlist(shortlisted, Ana));
        Assert.Equal("no-application", RequestDecisions.Shortlist(applied, Ben).Error!.Code);

        var declined = Published(null, new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null),
            RequestDecisions.Decline(shortlisted, Ana, "less experience").Events[0]);
        Assert.Equal(ApplicationStatus.NotSelected, declined.ApplicationOf(Ana)!.Status);
        Assert.Equal("not-selected", RequestDecisions.Shortlist(declined, Ana).Error!.State);

        var withdrawn = Published(null, new ApplicationReceived(Ana, false, null), RequestDecisions.Withdraw(applied, Ana, "ill").Events[0]);
        Assert.Equal(ApplicationStatus.Withdrawn, withdrawn.ApplicationOf(Ana)!.Status);
        Assert.Single(RequestDecisions.Apply(withdrawn, Ana, false, Accepted(Ana), Today).Events); // may apply again
    }

    [Fact]
    public void Selecting_a_shortlisted_expert_plans_the_deployment_with_its_provenance_and_books_the_expert()
    {
        var request = Shortlisted(2, Ana);
        var deploymentId = Guid.NewGuid();

        var selection = RequestDecisions.Select(request, Ana, Accepted(Ana), deploymentId, "best SIM3 experience");

        Assert.IsType<ApplicationSelected>(Assert.Single(selection.Request.Events));
        var planned = selection.Deployment!;
        Assert.Equal((request.Id, Ana, "MD"), (planned.RequestId, planned.ExpertId, planned.Country));
        Assert.Equal((Officer, Coordinator), (planned.RequestedBy, planned.ApprovedBy));
        Assert.Equal("best SIM3 experience", planned.Reason);
        Assert.Equal(new ExpertBooked(deploymentId, request.Id, request.Details.StartDate, request.Details.EndDate), selection.Booking);
    }

    [Fact]
    public void Filling_the_last_place_closes_applications()
    {
        var selection = RequestDecisions.Select(Shortlisted(1, Ana), Ana, Accepted(Ana), Guid.NewGuid());
        Assert.Equal([typeof(ApplicationSelected), typeof(ExpertiseRequestClosed)], selection.Request.Events.Select(e => e.GetType()));
        Assert.Equal(ClosingCause.Filled, ((ExpertiseRequestClosed)selection.Request.Events[1]).Cause);
    }

    [Fact]
    public void No_selection_beyond_the_places_needed()
    {
        var full = Published(Details(expertsNeeded: 1),
            new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, Guid.NewGuid(), null),
            new ApplicationReceived(Ben, false, null), new ApplicationShortlisted(Ben, null));
        var refused = RequestDecisions.Select(full, Ben, Accepted(Ben), Guid.NewGuid());
        Assert.Equal("no-places-left", refused.Request.Error!.Code);
        Assert.Null(refused.Deployment);
    }

    [Fact]
    public void Only_shortlisted_applications_are_selected_and_a_repeated_selection_is_nothing()
    {
        var applied = Published(null, new ApplicationReceived(Ana, false, null));
        Assert.Equal("applied", RequestDecisions.Select(applied, Ana, Accepted(Ana), Guid.NewGuid()).Request.Error!.State);
        Assert.Equal("no-application", RequestDecisions.Select(applied, Ben, Accepted(Ben), Guid.NewGuid()).Request.Error!.Code);

        var selected = Published(null, new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, Guid.NewGuid(), null));
        Assert.Equal(Decision.Nothing, RequestDecisions.Select(selected, Ana, Accepted(Ana), Guid.NewGuid()).Request);
        Assert.Equal("selected", RequestDecisions.Decline(selected, Ana).Error!.State);
    }

    [Fact]
    public void A_suspended_expert_cannot_be_selected()
    {
        Assert.Equal("expert-suspended", RequestDecisions.Select(Shortlisted(2, Ana), Ana, Suspended(Ana), Guid.NewGuid()).Request.Error!.Code);
    }

    [Fact]
    public void An_expert_cannot_be_selected_for_a_period_overlapping_another_deployment()
    {
        var request = Shortlisted(2, Ana); // 2027-03-01 .. 2027-03-12
        var other = Guid.NewGuid();
        var busy = Accepted(Ana, new ExpertBooked(other, Guid.NewGuid(), new DateOnly(2027, 3, 12), new DateOnly(2027, 3, 20)));

        var refused = RequestDecisions.Select(request, Ana, busy, Guid.NewGuid());
        Assert.Equal("overlapping-deployment", refused.Request.Error!.Code);
        Assert.Contains(other.ToString(), refused.Request.Error.Message, StringComparison.Ordinal);

        var adjacent = Accepted(Ana, new ExpertBooked(other, Guid.NewGuid(), new DateOnly(2027, 3, 13), new DateOnly(2027, 3, 20)));
        Assert.Null(RequestDecisions.Select(request, Ana, adjacent, Guid.NewGuid()).Request.Error);

        var released = Accepted(Ana, new ExpertBooked(other, Guid.NewGuid(), new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 20)),
            new ExpertBookingReleased(other, "cancelled"));
        Assert.Null(RequestDecisions.Select(request, Ana, released, Guid.NewGuid()).Request.Error);
    }

    [Fact]
    public void Selection_is_only_possible_while_published_or_closed()
    {
        var cancelled = Published(null, new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ExpertiseRequestCancelled("no budget"));
        Assert.Equal("cancelled", RequestDecisions.Select(cancelled, Ana, Accepted(Ana), Guid.NewGuid()).Request.Error!.State);

        var closed = Published(null, new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null),
            new ExpertiseRequestClosed(ClosingCause.Deadline, "deadline"));
        var selection = RequestDecisions.Select(closed, Ana, Accepted(Ana), Guid.NewGuid());
        Assert.IsType<ApplicationSelected>(Assert.Single(selection.Request.Events)); // no second close
        Assert.IsType<DeploymentPlanned>(selection.Deployment);
    }
}
