using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.ServiceDefaults.EventSourcing;
using static EuCyberNet.Projects.Tests.Unit.Given;

namespace EuCyberNet.Projects.Tests.Unit;

/// <summary>Draft → Submitted → Published → Closed → Fulfilled; amendments, extensions, cancellation.</summary>
public sealed class RequestLifecycleTests
{
    private static readonly Guid Ana = Guid.NewGuid();
    private static readonly Guid Ben = Guid.NewGuid();

    [Fact]
    public void A_draft_is_submitted_once()
    {
        var draft = Request(new ExpertiseRequestDrafted(Details()));
        Assert.Equal(RequestStatus.Draft, draft.Status);
        Assert.IsType<ExpertiseRequestSubmitted>(Assert.Single(RequestDecisions.Submit(draft).Events));
        Assert.Equal(Decision.Nothing, RequestDecisions.Submit(Request(new ExpertiseRequestDrafted(Details()), new ExpertiseRequestSubmitted(null))));
    }

    [Fact]
    public void Only_a_draft_can_be_submitted_and_the_409_names_the_state()
    {
        var error = RequestDecisions.Submit(Published()).Error!;
        Assert.Equal("invalid-transition", error.Code);
        Assert.Equal("published", error.State);
    }

    [Fact]
    public void Approval_publishes_and_records_who_approved()
    {
        var submitted = Request(new ExpertiseRequestDrafted(Details()), new By("rita.requester", new ExpertiseRequestSubmitted(null)));
        var approved = Assert.IsType<ExpertiseRequestApproved>(Assert.Single(RequestDecisions.Approve(submitted, Today, "ok").Events));
        Assert.Equal("ok", approved.Reason);

        var published = Published();
        Assert.Equal(RequestStatus.Published, published.Status);
        Assert.Equal(Coordinator, published.ApprovedBy);
        Assert.Equal(Officer, published.SubmittedBy);
    }

    [Fact]
    public void A_request_whose_deadline_passed_cannot_be_approved()
    {
        var submitted = Request(new ExpertiseRequestDrafted(Details(deadline: Today)), new ExpertiseRequestSubmitted(null));
        Assert.Equal("deadline-passed", RequestDecisions.Approve(submitted, Today.AddDays(1)).Error!.Code);
        Assert.Equal("invalid-transition", RequestDecisions.Approve(Request(new ExpertiseRequestDrafted(Details())), Today).Error!.Code);
        Assert.Equal(Decision.Nothing, RequestDecisions.Approve(Published(), Today));
    }

    [Fact]
    public void Amending_a_published_request_sends_it_back_to_reapproval_naming_what_changed()
    {
        var published = Published();
        var amended = published.Details with { Title = "CSIRT and SOC assessment", ExpertsNeeded = 3 };

        var e = Assert.IsType<ExpertiseRequestAmended>(Assert.Single(RequestDecisions.Amend(published, amended, "scope grew").Events));
        Assert.True(e.NeedsReapproval);
        Assert.Equal(["title", "expertsNeeded"], e.ChangedFields);

        var after = Published(null, e);
        Assert.Equal(RequestStatus.Submitted, after.Status);
        Assert.Equal(3, after.Details.ExpertsNeeded);
        Assert.Equal(1, after.Amendments);
    }

    [Fact]
    public void Amending_a_draft_keeps_it_a_draft_and_an_unchanged_amendment_is_nothing()
    {
        var draft = Request(new ExpertiseRequestDrafted(Details()));
        var e = Assert.IsType<ExpertiseRequestAmended>(Assert.Single(RequestDecisions.Amend(draft, draft.Details with { Country = "UA" }).Events));
        Assert.False(e.NeedsReapproval);
        Assert.Equal(RequestStatus.Draft, Request(new ExpertiseRequestDrafted(Details()), e).Status);
        Assert.Equal(Decision.Nothing, RequestDecisions.Amend(draft, draft.Details));
    }

    [Fact]
    public void A_closed_request_cannot_be_amended_nor_need_fewer_experts_than_selected()
    {
        var closed = Published(null, new ExpertiseRequestClosed(ClosingCause.Staff, "enough"));
        Assert.Equal("closed", RequestDecisions.Amend(closed, closed.Details with { Title = "x" }).Error!.State);

        var withSelection = Published(Details(expertsNeeded: 2), new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null),
            new ApplicationSelected(Ana, Guid.NewGuid(), null));
        Assert.Equal("places-taken", RequestDecisions.Amend(withSelection, withSelection.Details with { ExpertsNeeded = 0 }).Error!.Code);
    }

    [Fact]
    public void An_extension_moves_the_deadline_only_while_published_and_before_it_passed()
    {
        var published = Published(Details(deadline: new DateOnly(2027, 2, 1)));
        var e = Assert.IsType<ApplicationDeadlineExtended>(Assert.Single(RequestDecisions.Extend(published, new DateOnly(2027, 2, 10), Today).Events));
        Assert.Equal(new DateOnly(2027, 2, 1), e.PreviousDeadline);
        Assert.Equal(new DateOnly(2027, 2, 10), Published(Details(deadline: new DateOnly(2027, 2, 1)), e).Details.ApplicationDeadline);

        Assert.Equal("deadline-passed", RequestDecisions.Extend(published, new DateOnly(2027, 2, 10), new DateOnly(2027, 2, 2)).Error!.Code);
        Assert.Equal("not-an-extension", RequestDecisions.Extend(published, new DateOnly(2027, 1, 20), Today).Error!.Code);
        Assert.Equal("deadline-after-start", RequestDecisions.Extend(published, new DateOnly(2027, 3, 5), Today).Error!.Code);
        Assert.Equal("draft", RequestDecisions.Extend(Request(new ExpertiseRequestDrafted(Details())), new DateOnly(2027, 2, 10), Today).Error!.State);
        Assert.Equal(Decision.Nothing, RequestDecisions.Extend(published, new DateOnly(2027, 2, 1), Today));
    }

    [Fact]
    public void Staff_close_a_published_request_and_closing_twice_is_nothing()
    {
        var e = Assert.IsType<ExpertiseRequestClosed>(Assert.Single(RequestDecisions.Close(Published(), "enough candidates").Events));
        Assert.Equal(ClosingCause.Staff, e.Cause);
        var closed = Published(null, e);
        Assert.Equal(RequestStatus.Closed, closed.Status);
        Assert.Equal(Decision.Nothing, RequestDecisions.Close(closed, null));
        Assert.Equal("draft", RequestDecisions.Close(Request(new ExpertiseRequestDrafted(Details())), null).Error!.State);
    }

    [Fact]
    public void The_deadline_check_closes_a_published_request_the_day_after_its_deadline()
    {
        var published = Published(Details(deadline: new DateOnly(2027, 2, 1)));
        Assert.Equal(Decision.Nothing, RequestDecisions.CloseIfOverdue(published, new DateOnly(2027, 2, 1)));
        var e = Assert.IsType<ExpertiseRequestClosed>(Assert.Single(RequestDecisions.CloseIfOverdue(published, new DateOnly(2027, 2, 2)).Events));
        Assert.Equal(ClosingCause.Deadline, e.Cause);
        Assert.Equal(Decision.Nothing, RequestDecisions.CloseIfOverdue(Published(null, e), new DateOnly(2027, 2, 3)));
        Assert.Equal(Decision.Nothing, RequestDecisions.CloseIfOverdue(Request(new ExpertiseRequestDrafted(Details(deadline: new DateOnly(2027, 2, 1)))), new DateOnly(2027, 3, 1)));
    }

    [Fact]
    public void Cancellation_needs_an_open_request_without_deployments()
    {
        Assert.IsType<ExpertiseRequestCancelled>(Assert.Single(RequestDecisions.Cancel(Request(new ExpertiseRequestDrafted(Details())), "no budget").Events));
        Assert.IsType<ExpertiseRequestCancelled>(Assert.Single(RequestDecisions.Cancel(Published(), "no budget").Events));

        var selected = Published(null, new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, Guid.NewGuid(), null));
        Assert.Equal("has-deployments", RequestDecisions.Cancel(selected, "no budget").Error!.Code);

        var cancelled = Published(null, new ExpertiseRequestCancelled("no budget"));
        Assert.Equal(Decision.Nothing, RequestDecisions.Cancel(cancelled, "again"));
        var fulfilled = Published(null, new ExpertiseRequestClosed(ClosingCause.Filled, "filled"), new ExpertiseRequestFulfilled("all confirmed"));
        Assert.Equal("fulfilled", RequestDecisions.Cancel(fulfilled, "late").Error!.State);
    }

    [Fact]
    public void A_request_is_fulfilled_when_every_place_is_confirmed_and_reopens_if_one_is_cancelled()
    {
        var (d1, d2) = (Guid.NewGuid(), Guid.NewGuid());
        var closed = Published(Details(expertsNeeded: 2),
            new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, d1, null),
            new ApplicationReceived(Ben, false, null), new ApplicationShortlisted(Ben, null), new ApplicationSelected(Ben, d2, null),
            new ExpertiseRequestClosed(ClosingCause.Filled, "filled"));
        Assert.Equal(0, closed.PlacesLeft());

        var first = RequestDecisions.OnDeploymentConfirmed(closed, Ana, d1);
        Assert.IsType<SelectionConfirmed>(Assert.Single(first.Events));
        var oneConfirmed = Published(Details(expertsNeeded: 2),
            new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, d1, null),
            new ApplicationReceived(Ben, false, null), new ApplicationShortlisted(Ben, null), new ApplicationSelected(Ben, d2, null),
            new ExpertiseRequestClosed(ClosingCause.Filled, "filled"), first.Events[0]);
        var second = RequestDecisions.OnDeploymentConfirmed(oneConfirmed, Ben, d2);
        Assert.Equal([typeof(SelectionConfirmed), typeof(ExpertiseRequestFulfilled)], second.Events.Select(e => e.GetType()));
        Assert.Equal(Decision.Nothing, RequestDecisions.OnDeploymentConfirmed(oneConfirmed, Ana, d1));

        var fulfilled = Published(Details(expertsNeeded: 2),
            new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, d1, null),
            new ApplicationReceived(Ben, false, null), new ApplicationShortlisted(Ben, null), new ApplicationSelected(Ben, d2, null),
            new ExpertiseRequestClosed(ClosingCause.Filled, "filled"), first.Events[0], second.Events[0], second.Events[1]);
        Assert.Equal(RequestStatus.Fulfilled, fulfilled.Status);

        var released = RequestDecisions.OnDeploymentCancelled(fulfilled, Ben, d2, "visa refused");
        var reopened = Published(Details(expertsNeeded: 2),
            new ApplicationReceived(Ana, false, null), new ApplicationShortlisted(Ana, null), new ApplicationSelected(Ana, d1, null),
            new ApplicationReceived(Ben, false, null), new ApplicationShortlisted(Ben, null), new ApplicationSelected(Ben, d2, null),
            new ExpertiseRequestClosed(ClosingCause.Filled, "filled"), first.Events[0], second.Events[0], second.Events[1], released.Events[0]);
        Assert.Equal(RequestStatus.Closed, reopened.Status);
        Assert.Equal(1, reopened.PlacesLeft());
    }
}
