using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Projects.ExpertiseRequests;

public enum RequestStatus
{
    [JsonStringEnumMemberName("draft")] Draft = 1,
    [JsonStringEnumMemberName("submitted")] Submitted,
    [JsonStringEnumMemberName("published")] Published,
    [JsonStringEnumMemberName("closed")] Closed,
    [JsonStringEnumMemberName("fulfilled")] Fulfilled,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

public enum ApplicationStatus
{
    [JsonStringEnumMemberName("applied")] Applied = 1,
    [JsonStringEnumMemberName("nominated")] Nominated,
    [JsonStringEnumMemberName("shortlisted")] Shortlisted,
    [JsonStringEnumMemberName("selected")] Selected,
    [JsonStringEnumMemberName("not-selected")] NotSelected,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}

/// <summary>Why applications closed.</summary>
public enum ClosingCause
{
    /// <summary>Staff closed it.</summary>
    Staff = 1,

    /// <summary>The application deadline passed (the scheduled check).</summary>
    Deadline,

    /// <summary>Every place was filled.</summary>
    Filled,
}

/// <summary>What a request for expertise asks for.</summary>
public sealed record RequestDetails(
    Guid? ProjectId,
    string Requester,
    ActivityType ActivityType,
    string Title,
    string Tasks,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Languages,
    IReadOnlyList<CcbTheme> Themes,
    string Country,
    bool Remote,
    DateOnly StartDate,
    DateOnly EndDate,
    DateOnly ApplicationDeadline,
    bool Paid,
    bool Travel,
    int ExpertsNeeded)
{
    public IReadOnlyList<string> ChangedFrom(RequestDetails other)
    {
        var changed = new List<string>();
        if (ProjectId != other.ProjectId) changed.Add("projectId");
        if (Requester != other.Requester) changed.Add("requester");
        if (ActivityType != other.ActivityType) changed.Add("activityType");
        if (Title != other.Title) changed.Add("title");
        if (Tasks != other.Tasks) changed.Add("tasks");
        if (!Roles.SequenceEqual(other.Roles)) changed.Add("roles");
        if (!Skills.SequenceEqual(other.Skills)) changed.Add("skills");
        if (!Languages.SequenceEqual(other.Languages)) changed.Add("languages");
        if (!Themes.SequenceEqual(other.Themes)) changed.Add("themes");
        if (Country != other.Country) changed.Add("country");
        if (Remote != other.Remote) changed.Add("remote");
        if (StartDate != other.StartDate) changed.Add("startDate");
        if (EndDate != other.EndDate) changed.Add("endDate");
        if (ApplicationDeadline != other.ApplicationDeadline) changed.Add("applicationDeadline");
        if (Paid != other.Paid) changed.Add("paid");
        if (Travel != other.Travel) changed.Add("travel");
        if (ExpertsNeeded != other.ExpertsNeeded) changed.Add("expertsNeeded");
        return changed;
    }
}

/// <summary>One expert's application or nomination, and what became of it.</summary>
public sealed record Application(
    Guid ExpertId,
    ApplicationStatus Status,
    bool Nominated,
    DateTimeOffset ReceivedAt,
    string? ReceivedBy,
    Guid? DeploymentId,
    bool DeploymentConfirmed,
    bool DeploymentCancelled)
{
    /// <summary>Holds a place: selected, and the deployment not cancelled.</summary>
    public bool HoldsPlace() => Status == ApplicationStatus.Selected && !DeploymentCancelled;
}

// Domain events of a request for expertise. Decisions carry their reason when there is one.

public sealed record ExpertiseRequestDrafted(RequestDetails Request);

public sealed record ExpertiseRequestSubmitted(string? Reason);

public sealed record ExpertiseRequestApproved(string? Reason);

/// <summary>The request's fields changed; after publication this sends it back to re-approval.</summary>
public sealed record ExpertiseRequestAmended(RequestDetails Request, IReadOnlyList<string> ChangedFields, bool NeedsReapproval, string? Reason);

public sealed record ApplicationDeadlineExtended(DateOnly PreviousDeadline, DateOnly NewDeadline, string? Reason);

public sealed record ExpertiseRequestClosed(ClosingCause Cause, string Reason);

public sealed record ExpertiseRequestFulfilled(string Reason);

public sealed record ExpertiseRequestCancelled(string Reason);

public sealed record ApplicationReceived(Guid ExpertId, bool Nominated, string? Reason);

public sealed record ApplicationShortlisted(Guid ExpertId, string? Reason);

public sealed record ApplicationSelected(Guid ExpertId, Guid DeploymentId, string? Reason);

public sealed record ApplicationDeclined(Guid ExpertId, string? Reason);

public sealed record ApplicationWithdrawn(Guid ExpertId, string? Reason);

/// <summary>The selected expert's deployment was confirmed.</summary>
public sealed record SelectionConfirmed(Guid ExpertId, Guid DeploymentId);

/// <summary>The selected expert's deployment was cancelled: the place is free again.</summary>
public sealed record SelectionReleased(Guid ExpertId, Guid DeploymentId, string Reason);

/// <summary>One request for expertise (inline snapshot).</summary>
public sealed record ExpertiseRequest(
    Guid Id,
    RequestStatus Status,
    RequestDetails Details,
    IReadOnlyList<Application> Applications,
    string? DraftedBy,
    DateTimeOffset DraftedAt,
    string? SubmittedBy,
    DateTimeOffset? SubmittedAt,
    string? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    int Amendments,
    int Extensions,
    string? ClosedReason,
    string? CancelledReason) : IAggregate
{
    public long Version { get; init; }

    public int PlacesTaken() => Applications.Count(a => a.HoldsPlace());

    public int PlacesLeft() => Math.Max(0, Details.ExpertsNeeded - PlacesTaken());

    public int PlacesConfirmed() => Applications.Count(a => a.HoldsPlace() && a.DeploymentConfirmed);

    public Application? ApplicationOf(Guid expertId) => Applications.FirstOrDefault(a => a.ExpertId == expertId);

    public static ExpertiseRequest Create(IEvent<ExpertiseRequestDrafted> e) =>
        new(e.StreamId, RequestStatus.Draft, e.Data.Request, [], e.UserName, e.Timestamp, null, null, null, null, 0, 0, null, null);

    public static ExpertiseRequest Apply(IEvent<ExpertiseRequestSubmitted> e, ExpertiseRequest r) =>
        r with { Status = RequestStatus.Submitted, SubmittedBy = e.UserName, SubmittedAt = e.Timestamp };

    public static ExpertiseRequest Apply(IEvent<ExpertiseRequestApproved> e, ExpertiseRequest r) =>
        r with { Status = RequestStatus.Published, ApprovedBy = e.UserName, ApprovedAt = e.Timestamp };

    public static ExpertiseRequest Apply(IEvent<ExpertiseRequestAmended> e, ExpertiseRequest r) =>
        r with
        {
            Details = e.Data.Request,
            Amendments = r.Amendments + 1,
            Status = e.Data.NeedsReapproval ? RequestStatus.Submitted : r.Status,
            SubmittedBy = e.Data.NeedsReapproval ? e.UserName : r.SubmittedBy,
            SubmittedAt = e.Data.NeedsReapproval ? e.Timestamp : r.SubmittedAt,
        };

    public static ExpertiseRequest Apply(ApplicationDeadlineExtended e, ExpertiseRequest r) =>
        r with { Details = r.Details with { ApplicationDeadline = e.NewDeadline }, Extensions = r.Extensions + 1 };

    public static ExpertiseRequest Apply(ExpertiseRequestClosed e, ExpertiseRequest r) =>
        r with { Status = RequestStatus.Closed, ClosedReason = e.Reason };

    public static ExpertiseRequest Apply(ExpertiseRequestFulfilled e, ExpertiseRequest r) => r with { Status = RequestStatus.Fulfilled };

    public static ExpertiseRequest Apply(ExpertiseRequestCancelled e, ExpertiseRequest r) =>
        r with { Status = RequestStatus.Cancelled, CancelledReason = e.Reason };

    public static ExpertiseRequest Apply(IEvent<ApplicationReceived> e, ExpertiseRequest r) =>
        r with
        {
            Applications =
            [
                .. r.Applications.Where(a => a.ExpertId != e.Data.ExpertId),
                new Application(e.Data.ExpertId, e.Data.Nominated ? ApplicationStatus.Nominated : ApplicationStatus.Applied,
                    e.Data.Nominated, e.Timestamp, e.UserName, null, false, false),
            ],
        };

    public static ExpertiseRequest Apply(ApplicationShortlisted e, ExpertiseRequest r) =>
        r.WithApplication(e.ExpertId, a => a with { Status = ApplicationStatus.Shortlisted });

    public static ExpertiseRequest Apply(ApplicationSelected e, ExpertiseRequest r) =>
        r.WithApplication(e.ExpertId, a => a with { Status = ApplicationStatus.Selected, DeploymentId = e.DeploymentId });

    public static ExpertiseRequest Apply(ApplicationDeclined e, ExpertiseRequest r) =>
        r.WithApplication(e.ExpertId, a => a with { Status = ApplicationStatus.NotSelected });

    public static ExpertiseRequest Apply(ApplicationWithdrawn e, ExpertiseRequest r) =>
        r.WithApplication(e.ExpertId, a => a with { Status = ApplicationStatus.Withdrawn });

    public static ExpertiseRequest Apply(SelectionConfirmed e, ExpertiseRequest r) =>
        r.WithApplication(e.ExpertId, a => a with { DeploymentConfirmed = true });

    /// <summary>A released place reopens a fulfilled request (closed, one place to fill again).</summary>
    public static ExpertiseRequest Apply(SelectionReleased e, ExpertiseRequest r)
    {
        var released = r.WithApplication(e.ExpertId, a => a with { DeploymentCancelled = true });
        return released.Status == RequestStatus.Fulfilled ? released with { Status = RequestStatus.Closed, ClosedReason = e.Reason } : released;
    }

    private ExpertiseRequest WithApplication(Guid expertId, Func<Application, Application> change) =>
        this with { Applications = [.. Applications.Select(a => a.ExpertId == expertId ? change(a) : a)] };
}
