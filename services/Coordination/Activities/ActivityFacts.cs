using System.Collections.Concurrent;
using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;

namespace EuCyberNet.Coordination.Activities;

/// <summary>
/// Reads what a heard integration event says about an activity. The records of contracts/ are
/// matched by type; a record added later by a publisher that carries one of the known snapshots
/// and a Version (say, a new "request extended" event) is still understood: its snapshot is applied
/// by version like any other, and it keeps the status it had.
/// </summary>
public static class ActivityFacts
{
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Version, PropertyInfo Snapshot)?> SnapshotProperties = new();

    private static readonly Type[] SnapshotTypes =
        [typeof(ProjectSnapshot), typeof(ExpertiseRequestSnapshot), typeof(DeploymentSnapshot), typeof(TrainingSessionSnapshot), typeof(TrainingRequestSnapshot)];

    public static ActivityChange? From(IIntegrationEvent e) => e switch
    {
        ProjectRegistered x => Change(ActivityKind.Project, x.ProjectId, x.Version, x.OccurredAt, x.Project),
        ProjectUpdated x => Change(ActivityKind.Project, x.ProjectId, x.Version, x.OccurredAt, x.Project),
        ExpertiseRequestPublished x => Change(ActivityKind.ExpertiseRequest, x.RequestId, x.Version, x.OccurredAt, x.Request, "published"),
        ExpertiseRequestAmended x => Change(ActivityKind.ExpertiseRequest, x.RequestId, x.Version, x.OccurredAt, x.Request, "amended"),
        ExpertiseRequestClosed x => new ActivityChange(ActivityKind.ExpertiseRequest, x.RequestId, x.Version, x.OccurredAt, null, "closed"),
        ExpertiseRequestFulfilled x => new ActivityChange(ActivityKind.ExpertiseRequest, x.RequestId, x.Version, x.OccurredAt, null, "fulfilled"),
        ExpertiseRequestCancelled x => new ActivityChange(ActivityKind.ExpertiseRequest, x.RequestId, x.Version, x.OccurredAt, null, "cancelled"),
        DeploymentEvaluated x => Change(ActivityKind.Deployment, x.DeploymentId, x.Version, x.OccurredAt, x.Deployment) with { Rating = x.Rating },
        DeploymentConfirmed x => Change(ActivityKind.Deployment, x.DeploymentId, x.Version, x.OccurredAt, x.Deployment),
        DeploymentStarted x => Change(ActivityKind.Deployment, x.DeploymentId, x.Version, x.OccurredAt, x.Deployment),
        DeploymentExtended x => Change(ActivityKind.Deployment, x.DeploymentId, x.Version, x.OccurredAt, x.Deployment),
        DeploymentCompleted x => Change(ActivityKind.Deployment, x.DeploymentId, x.Version, x.OccurredAt, x.Deployment),
        DeploymentCancelled x => Change(ActivityKind.Deployment, x.DeploymentId, x.Version, x.OccurredAt, x.Deployment),
        TrainingSessionScheduled x => Change(ActivityKind.TrainingSession, x.SessionId, x.Version, x.OccurredAt, x.Session),
        TrainingSessionUpdated x => Change(ActivityKind.TrainingSession, x.SessionId, x.Version, x.OccurredAt, x.Session),
        TrainingSessionCancelled x => Change(ActivityKind.TrainingSession, x.SessionId, x.Version, x.OccurredAt, x.Session),
        TrainingRequestApproved x => Change(ActivityKind.TrainingRequest, x.TrainingRequestId, x.Version, x.OccurredAt, x.Request),
        TrainingRequestScheduled x => Change(ActivityKind.TrainingRequest, x.TrainingRequestId, x.Version, x.OccurredAt, x.Request),
        TrainingRequestDelivered x => Change(ActivityKind.TrainingRequest, x.TrainingRequestId, x.Version, x.OccurredAt, x.Request),
        _ => FromUnknownRecord(e),
    };

    /// <summary>True when events of this subject kind are about an activity.</summary>
    public static bool IsActivitySubject(string? subject, out ActivityKind kind, out Guid id)
    {
        kind = default;
        return Subjects.TryParse(subject, out var subjectKind, out id) && Contracts.Vocabularies.Slug.TryParse(subjectKind, out kind);
    }

    private static ActivityChange? FromUnknownRecord(IIntegrationEvent e)
    {
        if (!IsActivitySubject(e.Subject, out var kind, out var id)) return null;
        if (SnapshotProperties.GetOrAdd(e.GetType(), FindSnapshot) is not { } found) return null;
        if (found.Version.GetValue(e) is not long version || found.Snapshot.GetValue(e) is not { } snapshot) return null;
        return Change(kind, id, version, e.OccurredAt, snapshot);
    }

    private static (PropertyInfo, PropertyInfo)? FindSnapshot(Type type)
    {
        var version = type.GetProperty("Version", typeof(long));
        var snapshot = type.GetProperties().FirstOrDefault(p => SnapshotTypes.Contains(p.PropertyType));
        return version is null || snapshot is null ? null : (version, snapshot);
    }

    private static ActivityChange Change(ActivityKind kind, Guid id, long version, DateTimeOffset at, object snapshot, string? requestStatus = null)
    {
        var (details, status) = snapshot switch
        {
            ProjectSnapshot p => (new ActivityDetails(p.Title, Upper(p.BeneficiaryCountries ?? []), p.Themes ?? [], p.Pillars ?? [], p.Funder, p.Implementers ?? [],
                p.StartDate, p.EndDate, []) { BudgetEur = p.BudgetEur, Source = p.Source }, p.Status),
            ExpertiseRequestSnapshot r => (new ActivityDetails(r.Title, Upper([r.Country]), r.Themes ?? [], [], Activity.Network, [r.Requester],
                r.StartDate, r.EndDate, r.Roles ?? [])
            {
                ProjectId = r.ProjectId, ActivityType = r.ActivityType, Requester = r.Requester, ExpertsNeeded = r.ExpertsNeeded,
                ApplicationDeadline = r.ApplicationDeadline, Remote = r.Remote,
            }, requestStatus),
            DeploymentSnapshot d => (new ActivityDetails(null, Upper([d.Country]), d.Themes ?? [], [], Activity.Network, [Activity.Network],
                d.StartDate, d.EndDate, d.Roles ?? [])
            { RequestId = d.RequestId, ProjectId = d.ProjectId, ExpertId = d.ExpertId }, d.Status),
            TrainingSessionSnapshot s => (new ActivityDetails(s.CourseTitle, s.Country is { Length: > 0 } c ? Upper([c]) : [], s.Themes ?? [], [],
                Activity.Network, [Activity.Network], s.StartDate, s.EndDate, s.Roles ?? [])
            {
                CourseId = s.CourseId, Format = s.Format, Online = s.Online, Capacity = s.Capacity, SeatsTaken = s.SeatsTaken,
            }, s.Status),
            TrainingRequestSnapshot t => (new ActivityDetails(t.Topic, Upper([t.BeneficiaryCountry]), t.Themes ?? [], [], Activity.Network, [t.Requester],
                t.PreferredFrom, t.PreferredTo, t.Roles ?? [])
            { SessionId = t.SessionId, Requester = t.Requester, AudienceSize = t.AudienceSize }, t.Status),
            _ => throw new ArgumentOutOfRangeException(nameof(snapshot), snapshot.GetType().Name, "not an activity snapshot"),
        };
        return new ActivityChange(kind, id, version, at, details, status);
    }

    private static IReadOnlyList<string> Upper(IEnumerable<string?> countries) =>
        [.. countries.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim().ToUpperInvariant()).Distinct()];
}
