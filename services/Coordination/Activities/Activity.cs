using System.Text.Json.Serialization;
using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Overview;

namespace EuCyberNet.Coordination.Activities;

/// <summary>The kinds of CCB activity the coordination picture is made of; slugs are the subject kinds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActivityKind>))]
public enum ActivityKind
{
    [JsonStringEnumMemberName("project")] Project = 1,
    [JsonStringEnumMemberName("expertise-request")] ExpertiseRequest,
    [JsonStringEnumMemberName("deployment")] Deployment,
    [JsonStringEnumMemberName("training-session")] TrainingSession,
    [JsonStringEnumMemberName("training-request")] TrainingRequest,
}

/// <summary>
/// One CCB activity as Coordination knows it: a project, a request for expertise, a deployment, a
/// training session or a training request, folded from what their publishers announced. Every
/// activity has beneficiary countries, themes, a funder and implementers and a period, so that all
/// of them can be listed, filtered and compared for overlaps the same way.
/// <para>
/// Snapshot events carry the source stream's version: the details are taken from the newest
/// snapshot heard (<see cref="SnapshotVersion"/>) and the status from the newest event that stated
/// one (<see cref="StatusVersion"/>), so events heard late or twice never roll anything back.
/// </para>
/// </summary>
public sealed record Activity
{
    /// <summary>The network's own activities (requests, deployments, training) are funded and run by EU CyberNet.</summary>
    public const string Network = "EU CyberNet";

    public Guid Id { get; init; }

    public ActivityKind Kind { get; init; }

    public string Subject => $"{Contracts.Vocabularies.Slug.Of(Kind)}/{Id}";

    /// <summary>False until a snapshot of the activity was heard (only a status change arrived so far).</summary>
    public bool Known => SnapshotVersion > 0;

    public string? Title { get; init; }

    public string Status { get; init; } = "unknown";

    public IReadOnlyList<string> Countries { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    public IReadOnlyList<CcbTheme> Themes { get; init; } = [];

    public IReadOnlyList<Pillar> Pillars { get; init; } = [];

    public string? Funder { get; init; }

    public IReadOnlyList<string> Implementers { get; init; } = [];

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    /// <summary>ECSF roles asked for (requests), brought (deployments) or taught (training).</summary>
    public IReadOnlyList<EcsfRole> Roles { get; init; } = [];

    public Guid? ProjectId { get; init; }

    public Guid? RequestId { get; init; }

    public Guid? ExpertId { get; init; }

    public Guid? SessionId { get; init; }

    public Guid? CourseId { get; init; }

    public ActivityType? ActivityType { get; init; }

    public string? Requester { get; init; }

    public int? ExpertsNeeded { get; init; }

    public DateOnly? ApplicationDeadline { get; init; }

    public bool? Remote { get; init; }

    public decimal? BudgetEur { get; init; }

    /// <summary>Projects: "staff" or the reporting partner's id.</summary>
    public string? Source { get; init; }

    public CourseFormat? Format { get; init; }

    public bool? Online { get; init; }

    public int? Capacity { get; init; }

    public int? SeatsTaken { get; init; }

    public int? AudienceSize { get; init; }

    public int? Rating { get; init; }

    public long SnapshotVersion { get; init; }

    public long StatusVersion { get; init; }

    /// <summary>When the newest fact applied happened at its source.</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>What each event said, for the overview's as-of arithmetic (see <see cref="Overview.Track"/>).</summary>
    public IReadOnlyList<TrackPoint> Track { get; init; } = [];

    /// <summary>Subjects this activity belongs to or serves: never an overlap with it, and part of its story.</summary>
    public IEnumerable<Guid> Links()
    {
        if (ProjectId is { } project) yield return project;
        if (RequestId is { } request) yield return request;
        if (SessionId is { } session) yield return session;
    }
}

/// <summary>What one heard event says about an activity.</summary>
public sealed record ActivityChange(
    ActivityKind Kind,
    Guid Id,
    long Version,
    DateTimeOffset At,
    ActivityDetails? Details,
    string? Status,
    int? Rating = null);

/// <summary>The details every snapshot of an activity carries, whatever its kind.</summary>
public sealed record ActivityDetails(
    string? Title,
    IReadOnlyList<string> Countries,
    IReadOnlyList<CcbTheme> Themes,
    IReadOnlyList<Pillar> Pillars,
    string? Funder,
    IReadOnlyList<string> Implementers,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<EcsfRole> Roles)
{
    public Guid? ProjectId { get; init; }
    public Guid? RequestId { get; init; }
    public Guid? ExpertId { get; init; }
    public Guid? SessionId { get; init; }
    public Guid? CourseId { get; init; }
    public ActivityType? ActivityType { get; init; }
    public string? Requester { get; init; }
    public int? ExpertsNeeded { get; init; }
    public DateOnly? ApplicationDeadline { get; init; }
    public bool? Remote { get; init; }
    public decimal? BudgetEur { get; init; }
    public string? Source { get; init; }
    public CourseFormat? Format { get; init; }
    public bool? Online { get; init; }
    public int? Capacity { get; init; }
    public int? SeatsTaken { get; init; }
    public int? AudienceSize { get; init; }
}

public static class Activities
{
    public static Activity New(ActivityKind kind, Guid id) => new() { Kind = kind, Id = id };

    /// <summary>Applies one change, keeping the newest details and the newest status (pure).</summary>
    public static Activity Apply(Activity current, ActivityChange change)
    {
        var next = current;
        if (change.Details is { } d && change.Version > current.SnapshotVersion)
        {
            next = next with
            {
                SnapshotVersion = change.Version,
                Title = d.Title,
                Countries = d.Countries,
                Regions = Regions.Of(d.Countries),
                Themes = d.Themes,
                Pillars = d.Pillars,
                Funder = d.Funder,
                Implementers = d.Implementers,
                From = d.From,
                To = d.To,
                Roles = d.Roles,
                ProjectId = d.ProjectId,
                RequestId = d.RequestId,
                ExpertId = d.ExpertId,
                SessionId = d.SessionId,
                CourseId = d.CourseId,
                ActivityType = d.ActivityType,
                Requester = d.Requester,
                ExpertsNeeded = d.ExpertsNeeded,
                ApplicationDeadline = d.ApplicationDeadline,
                Remote = d.Remote,
                BudgetEur = d.BudgetEur,
                Source = d.Source,
                Format = d.Format,
                Online = d.Online,
                Capacity = d.Capacity,
                SeatsTaken = d.SeatsTaken,
                AudienceSize = d.AudienceSize,
            };
        }
        if (change.Status is { } status && change.Version > current.StatusVersion)
            next = next with { Status = status, StatusVersion = change.Version };
        if (change.Rating is { } rating) next = next with { Rating = rating }; // a deployment is evaluated once

        return next with
        {
            ChangedAt = current.ChangedAt is { } known && known > change.At ? known : change.At,
            Track = Overview.Track.With(current.Track, new TrackPoint(
                change.Version, change.At, change.Status, change.Details is { } details ? Regions.Of(details.Countries) : null)),
        };
    }
}
