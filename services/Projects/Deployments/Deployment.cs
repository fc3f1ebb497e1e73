using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Projects.Deployments;

public enum DeploymentStatus
{
    [JsonStringEnumMemberName("planned")] Planned = 1,
    [JsonStringEnumMemberName("confirmed")] Confirmed,
    [JsonStringEnumMemberName("started")] Started,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("evaluated")] Evaluated,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>Who decided what on a deployment, and when (from the events' metadata).</summary>
public sealed record DecisionRecord(string? By, DateTimeOffset At, string? Reason);

public sealed record Extension(DateOnly PreviousEndDate, DateOnly NewEndDate, string? By, DateTimeOffset At, string? Reason);

// Domain events of a deployment. DeploymentPlanned carries the request's provenance (who asked for
// the expertise and who approved it), so the deployment's own history answers "who requested,
// approved, selected, confirmed, extended and evaluated, when and why".

public sealed record DeploymentPlanned(
    Guid RequestId,
    Guid? ProjectId,
    Guid ExpertId,
    string Requester,
    ActivityType ActivityType,
    string Title,
    string Country,
    bool Remote,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    string? RequestedBy,
    DateTimeOffset? RequestedAt,
    string? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    string? Reason);

public sealed record DeploymentConfirmed(string? Reason);

public sealed record DeploymentStarted(string? Reason);

public sealed record DeploymentExtended(DateOnly PreviousEndDate, DateOnly NewEndDate, string? Reason);

public sealed record DeploymentCompleted(string Debrief);

public sealed record DeploymentEvaluated(int Rating, string? Feedback);

public sealed record DeploymentCancelled(string Reason);

/// <summary>One expert's deployment for one request (inline snapshot).</summary>
public sealed record Deployment(
    Guid Id,
    DeploymentStatus Status,
    Guid RequestId,
    Guid? ProjectId,
    Guid ExpertId,
    string Requester,
    ActivityType ActivityType,
    string Title,
    string Country,
    bool Remote,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    DecisionRecord? Requested,
    DecisionRecord? Approved,
    DecisionRecord Selected,
    DecisionRecord? Confirmed,
    DecisionRecord? Started,
    IReadOnlyList<Extension> Extensions,
    DecisionRecord? Completed,
    string? Debrief,
    DecisionRecord? Evaluated,
    int? Rating,
    string? Feedback,
    DecisionRecord? Cancelled) : IAggregate
{
    public long Version { get; init; }

    public static Deployment Create(IEvent<DeploymentPlanned> e)
    {
        var p = e.Data;
        return new Deployment(e.StreamId, DeploymentStatus.Planned, p.RequestId, p.ProjectId, p.ExpertId, p.Requester, p.ActivityType,
            p.Title, p.Country, p.Remote, p.Roles, p.Themes, p.StartDate, p.EndDate,
            p.RequestedAt is { } requestedAt ? new DecisionRecord(p.RequestedBy, requestedAt, null) : null,
            p.ApprovedAt is { } approvedAt ? new DecisionRecord(p.ApprovedBy, approvedAt, null) : null,
            new DecisionRecord(e.UserName, e.Timestamp, p.Reason),
            null, null, [], null, null, null, null, null, null);
    }

    public static Deployment Apply(IEvent<DeploymentConfirmed> e, Deployment d) =>
        d with { Status = DeploymentStatus.Confirmed, Confirmed = new DecisionRecord(e.UserName, e.Timestamp, e.Data.Reason) };

    public static Deployment Apply(IEvent<DeploymentStarted> e, Deployment d) =>
        d with { Status = DeploymentStatus.Started, Started = new DecisionRecord(e.UserName, e.Timestamp, e.Data.Reason) };

    public static Deployment Apply(IEvent<DeploymentExtended> e, Deployment d) =>
        d with
        {
            EndDate = e.Data.NewEndDate,
            Extensions = [.. d.Extensions, new Extension(e.Data.PreviousEndDate, e.Data.NewEndDate, e.UserName, e.Timestamp, e.Data.Reason)],
        };

    public static Deployment Apply(IEvent<DeploymentCompleted> e, Deployment d) =>
        d with { Status = DeploymentStatus.Completed, Completed = new DecisionRecord(e.UserName, e.Timestamp, null), Debrief = e.Data.Debrief };

    public static Deployment Apply(IEvent<DeploymentEvaluated> e, Deployment d) =>
        d with
        {
            Status = DeploymentStatus.Evaluated,
            Evaluated = new DecisionRecord(e.UserName, e.Timestamp, null),
            Rating = e.Data.Rating,
            Feedback = e.Data.Feedback,
        };

    public static Deployment Apply(IEvent<DeploymentCancelled> e, Deployment d) =>
        d with { Status = DeploymentStatus.Cancelled, Cancelled = new DecisionRecord(e.UserName, e.Timestamp, e.Data.Reason) };
}
