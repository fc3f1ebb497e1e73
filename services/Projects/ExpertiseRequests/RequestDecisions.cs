using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Projects.ExpertiseRequests;

/// <summary>What a selection decided: the request's events, and the deployment and booking it starts.</summary>
public sealed record SelectionDecision(Decision Request, DeploymentPlanned? Deployment, ExpertBooked? Booking);

/// <summary>
/// The rules of a request for expertise, as pure functions: state and command in, events or the
/// broken rule out. Facts from elsewhere (today's date, what Projects knows about the expert) are
/// parameters.
/// </summary>
public static class RequestDecisions
{
    private static readonly RequestStatus[] OpenStates = [RequestStatus.Draft, RequestStatus.Submitted, RequestStatus.Published, RequestStatus.Closed];

    public static Decision Submit(ExpertiseRequest r, string? reason = null) => r.Status switch
    {
        RequestStatus.Draft => Decision.Emit(new ExpertiseRequestSubmitted(reason)),
        RequestStatus.Submitted => Decision.Nothing,
        _ => DomainError.InvalidTransition("submit", r.Status.Slug()),
    };

    /// <summary>A coordinator approves: the request is published and open for applications until its deadline.</summary>
    public static Decision Approve(ExpertiseRequest r, DateOnly today, string? reason = null) => r.Status switch
    {
        RequestStatus.Submitted when today > r.Details.ApplicationDeadline =>
            new DomainError("deadline-passed",
                $"The application deadline {r.Details.ApplicationDeadline:yyyy-MM-dd} has passed; amend the request with a new deadline before approving it.",
                r.Status.Slug()),
        RequestStatus.Submitted => Decision.Emit(new ExpertiseRequestApproved(reason)),
        RequestStatus.Published => Decision.Nothing,
        _ => DomainError.InvalidTransition("approve", r.Status.Slug()),
    };

    /// <summary>
    /// Changes the request's fields. A draft or submitted request stays where it is; a published one
    /// goes back to re-approval (submitted), and the event names every changed field.
    /// </summary>
    public static Decision Amend(ExpertiseRequest r, RequestDetails amended, string? reason = null)
    {
        if (r.Status is not (RequestStatus.Draft or RequestStatus.Submitted or RequestStatus.Published))
            return DomainError.InvalidTransition("amend", r.Status.Slug());
        if (amended.ExpertsNeeded < r.PlacesTaken())
            return new DomainError("places-taken",
                $"{r.PlacesTaken()} experts are already selected; the request cannot need fewer.", r.Status.Slug());
        var changed = amended.ChangedFrom(r.Details);
        if (changed.Count == 0) return Decision.Nothing;
        return Decision.Emit(new ExpertiseRequestAmended(amended, changed, NeedsReapproval: r.Status == RequestStatus.Published, reason));
    }

    /// <summary>Moves the application deadline later; only while published and before the deadline passed.</summary>
    public static Decision Extend(ExpertiseRequest r, DateOnly newDeadline, DateOnly today, string? reason = null)
    {
        if (r.Status != RequestStatus.Published) return DomainError.InvalidTransition("extend", r.Status.Slug());
        var current = r.Details.ApplicationDeadline;
        if (newDeadline == current) return Decision.Nothing;
        if (today > current)
            return new DomainError("deadline-passed",
                $"The application deadline {current:yyyy-MM-dd} has passed; a request can only be extended before it.", r.Status.Slug());
        if (newDeadline < current)
            return new DomainError("not-an-extension",
                $"The new deadline {newDeadline:yyyy-MM-dd} is before the current one ({current:yyyy-MM-dd}).", r.Status.Slug());
        if (newDeadline > r.Details.StartDate)
            return new DomainError("deadline-after-start",
                $"The new deadline {newDeadline:yyyy-MM-dd} is after the activity starts ({r.Details.StartDate:yyyy-MM-dd}).", r.Status.Slug());
        return Decision.Emit(new ApplicationDeadlineExtended(current, newDeadline, reason));
    }

    public static Decision Close(ExpertiseRequest r, string? reason) => r.Status switch
    {
        RequestStatus.Published => Decision.Emit(new ExpertiseRequestClosed(ClosingCause.Staff, reason ?? "closed by staff")),
        RequestStatus.Closed => Decision.Nothing,
        _ => DomainError.InvalidTransition("close", r.Status.Slug()),
    };

    /// <summary>The scheduled check: a published request whose deadline day is over closes by itself.</summary>
    public static Decision CloseIfOverdue(ExpertiseRequest r, DateOnly today) =>
        r.Status == RequestStatus.Published && today > r.Details.ApplicationDeadline
            ? Decision.Emit(new ExpertiseRequestClosed(ClosingCause.Deadline,
                $"The application deadline {r.Details.ApplicationDeadline:yyyy-MM-dd} passed."))
            : Decision.Nothing;

    public static Decision Cancel(ExpertiseRequest r, string reason)
    {
        if (r.Status == RequestStatus.Cancelled) return Decision.Nothing;
        if (!OpenStates.Contains(r.Status)) return DomainError.InvalidTransition("cancel", r.Status.Slug());
        if (r.PlacesTaken() > 0)
            return new DomainError("has-deployments",
                $"{r.PlacesTaken()} selected experts have deployments; cancel those deployments before cancelling the request.", r.Status.Slug());
        return Decision.Emit(new ExpertiseRequestCancelled(reason));
    }

    /// <summary>An expert applies, or staff nominate one: published requests, before the deadline, accepted experts only.</summary>
    public static Decision Apply(ExpertiseRequest r, Guid expertId, bool nominated, KnownExpert? expert, DateOnly today, string? reason = null)
    {
        if (r.Status != RequestStatus.Published)
            return new DomainError("invalid-transition",
                $"Applications are not open while the request is {r.Status.Slug()}.", r.Status.Slug());
        if (today > r.Details.ApplicationDeadline)
            return new DomainError("deadline-passed",
                $"The application deadline {r.Details.ApplicationDeadline:yyyy-MM-dd} has passed.", r.Status.Slug());
        if (ExpertRules.MayNot(expert, expertId, nominated ? "be nominated" : "apply") is { } refused) return refused;
        var existing = r.ApplicationOf(expertId);
        if (existing is not null && existing.Status != ApplicationStatus.Withdrawn) return Decision.Nothing;
        return Decision.Emit(new ApplicationReceived(expertId, nominated, reason));
    }

    public static Decision Shortlist(ExpertiseRequest r, Guid expertId, string? reason = null)
    {
        if (SelectionClosed(r, "shortlist") is { } closed) return closed;
        return r.ApplicationOf(expertId) switch
        {
            null => NoApplication(r, expertId),
            { Status: ApplicationStatus.Applied or ApplicationStatus.Nominated } => Decision.Emit(new ApplicationShortlisted(expertId, reason)),
            { Status: ApplicationStatus.Shortlisted } => Decision.Nothing,
            var a => ApplicationIs(a, "shortlist"),
        };
    }

    public static Decision Decline(ExpertiseRequest r, Guid expertId, string? reason = null)
    {
        if (SelectionClosed(r, "decline") is { } closed) return closed;
        return r.ApplicationOf(expertId) switch
        {
            null => NoApplication(r, expertId),
            { Status: ApplicationStatus.Applied or ApplicationStatus.Nominated or ApplicationStatus.Shortlisted } =>
                Decision.Emit(new ApplicationDeclined(expertId, reason)),
            { Status: ApplicationStatus.NotSelected } => Decision.Nothing,
            var a => ApplicationIs(a, "decline"),
        };
    }

    public static Decision Withdraw(ExpertiseRequest r, Guid expertId, string? reason = null)
    {
        if (SelectionClosed(r, "withdraw") is { } closed) return closed;
        return r.ApplicationOf(expertId) switch
        {
            null => NoApplication(r, expertId),
            { Status: ApplicationStatus.Applied or ApplicationStatus.Nominated or ApplicationStatus.Shortlisted } =>
                Decision.Emit(new ApplicationWithdrawn(expertId, reason)),
            { Status: ApplicationStatus.Withdrawn } => Decision.Nothing,
            var a => ApplicationIs(a, "withdraw"),
        };
    }

    /// <summary>
    /// The requester selects a shortlisted expert: a place must be left, the expert must still be
    /// accepted in the pool and free for the whole period. The selection plans the deployment (which
    /// remembers who requested and approved the request) and books the expert; filling the last
    /// place of a published request closes its applications.
    /// </summary>
    public static SelectionDecision Select(ExpertiseRequest r, Guid expertId, KnownExpert? expert, Guid deploymentId, string? reason = null)
    {
        if (SelectionClosed(r, "select") is { } closed) return Rejected(closed);
        var application = r.ApplicationOf(expertId);
        switch (application)
        {
            case null:
                return Rejected(NoApplication(r, expertId));
            case { Status: ApplicationStatus.Selected }:
                return new SelectionDecision(Decision.Nothing, null, null);
            case { Status: not ApplicationStatus.Shortlisted }:
                return Rejected(ApplicationIs(application, "select"));
        }
        if (r.PlacesLeft() == 0)
            return Rejected(new DomainError("no-places-left",
                $"All {r.Details.ExpertsNeeded} places of the request are filled.", r.Status.Slug()));
        if (ExpertRules.MayNot(expert, expertId, "be selected") is { } refused) return Rejected(refused);
        var d = r.Details;
        if (ExpertRules.Overlapping(expert, d.StartDate, d.EndDate) is { } overlap)
            return Rejected(ExpertRules.OverlapError(expertId, overlap, d.StartDate, d.EndDate));

        var events = new List<object> { new ApplicationSelected(expertId, deploymentId, reason) };
        if (r.Status == RequestStatus.Published && r.PlacesLeft() == 1)
            events.Add(new ExpertiseRequestClosed(ClosingCause.Filled, $"All {d.ExpertsNeeded} places are filled."));
        var planned = new DeploymentPlanned(r.Id, d.ProjectId, expertId, d.Requester, d.ActivityType, d.Title, d.Country, d.Remote,
            d.Roles, d.Themes, d.StartDate, d.EndDate,
            RequestedBy: r.SubmittedBy ?? r.DraftedBy, RequestedAt: r.SubmittedAt ?? r.DraftedAt,
            ApprovedBy: r.ApprovedBy, ApprovedAt: r.ApprovedAt, Reason: reason);
        return new SelectionDecision(Decision.Emit([.. events]), planned, new ExpertBooked(deploymentId, r.Id, d.StartDate, d.EndDate));
    }

    /// <summary>The deployment of a selected expert was confirmed; when every place is confirmed the request is fulfilled.</summary>
    public static Decision OnDeploymentConfirmed(ExpertiseRequest r, Guid expertId, Guid deploymentId)
    {
        var application = r.ApplicationOf(expertId);
        if (application is null || application.DeploymentId != deploymentId || application.DeploymentConfirmed) return Decision.Nothing;
        var events = new List<object> { new SelectionConfirmed(expertId, deploymentId) };
        if (r.Status == RequestStatus.Closed && r.PlacesConfirmed() + 1 >= r.Details.ExpertsNeeded)
            events.Add(new ExpertiseRequestFulfilled($"All {r.Details.ExpertsNeeded} selected experts confirmed their deployments."));
        return Decision.Emit([.. events]);
    }

    /// <summary>The deployment of a selected expert was cancelled: the place is free again.</summary>
    public static Decision OnDeploymentCancelled(ExpertiseRequest r, Guid expertId, Guid deploymentId, string reason)
    {
        var application = r.ApplicationOf(expertId);
        if (application is null || application.DeploymentId != deploymentId || application.DeploymentCancelled) return Decision.Nothing;
        return Decision.Emit(new SelectionReleased(expertId, deploymentId, $"Deployment {deploymentId} was cancelled: {reason}"));
    }

    private static DomainError? SelectionClosed(ExpertiseRequest r, string command) =>
        r.Status is RequestStatus.Published or RequestStatus.Closed ? null : DomainError.InvalidTransition(command, r.Status.Slug());

    private static DomainError NoApplication(ExpertiseRequest r, Guid expertId) =>
        new("no-application", $"Expert {expertId} has not applied to request {r.Id}.", r.Status.Slug());

    private static DomainError ApplicationIs(Application a, string command) =>
        new("invalid-transition", $"Cannot {command} the application of expert {a.ExpertId} while it is {a.Status.Slug()}.", a.Status.Slug());

    private static SelectionDecision Rejected(DomainError error) => new(Decision.Reject(error), null, null);
}
