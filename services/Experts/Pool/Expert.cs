using System.Text.Json.Serialization;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Experts.Pool;

/// <summary>The expert lifecycle of domain.md; slugs as api.md spells them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExpertStatus>))]
public enum ExpertStatus
{
    [JsonStringEnumMemberName("applied")] Applied = 1,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("profile-submitted")] ProfileSubmitted,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("suspended")] Suspended,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
    [JsonStringEnumMemberName("erased")] Erased,
}

/// <summary>
/// One expert's record, folded from its stream. Stored inline (read-your-writes) by
/// <see cref="Search.ExpertProjection"/>, which also keeps the search table in step.
/// Every state change is one <c>Apply</c> below; the rules that decide them live in
/// <see cref="Lifecycle"/>, <see cref="Profiles.ProfileRules"/> and <see cref="Engagements.EngagementRules"/>.
/// </summary>
public sealed record Expert(
    Guid Id,
    ExpertStatus Status,
    string Name,
    string Email,
    string Citizenship,
    string Organisation,
    string Motivation,
    DateTimeOffset AppliedAt) : IAggregate
{
    /// <summary>Staff must acknowledge an application within this many working days (our rule).</summary>
    public const int AcknowledgementWorkingDays = 5;

    public long Version { get; init; }

    public DateTimeOffset AcknowledgementDue { get; init; }

    public DateTimeOffset StatusChangedAt { get; init; }

    public ExpertProfile? Profile { get; init; }

    public IReadOnlyList<Window> Availability { get; init; } = [];

    public Consent? DataProcessingConsent { get; init; }

    public Consent? SharingWithEcServicesConsent { get; init; }

    public IReadOnlyList<DeploymentRecord> Deployments { get; init; } = [];

    public IReadOnlyList<TrainingRecord> Trainings { get; init; } = [];

    /// <summary>Accepted or suspended: a member of the pool, whom the network hears about.</summary>
    [JsonIgnore]
    public bool InPool => Status is ExpertStatus.Accepted or ExpertStatus.Suspended;

    [JsonIgnore]
    public bool ConsentsToDataProcessing => DataProcessingConsent?.Given == true;

    /// <summary>Applied and not acknowledged by its due time.</summary>
    public bool IsOverdue(DateTimeOffset now) => Status == ExpertStatus.Applied && now > AcknowledgementDue;

    public static Expert Create(IEvent<ExpertApplied> e) =>
        new(e.StreamId, ExpertStatus.Applied, e.Data.Name, e.Data.Email, e.Data.Citizenship, e.Data.Organisation, e.Data.Motivation, e.Timestamp)
        {
            AcknowledgementDue = WorkingDays.Add(e.Timestamp, AcknowledgementWorkingDays),
            StatusChangedAt = e.Timestamp,
        };

    public static Expert Apply(IEvent<ExpertAcknowledged> e, Expert current) => current.MovedTo(ExpertStatus.Acknowledged, e.Timestamp);

    public static Expert Apply(IEvent<ExpertProfileSubmitted> e, Expert current) =>
        current.MovedTo(ExpertStatus.ProfileSubmitted, e.Timestamp) with { Profile = e.Data.Profile, Organisation = e.Data.Profile.Organisation };

    public static Expert Apply(ExpertProfileUpdated e, Expert current) =>
        current with { Profile = e.Profile, Organisation = e.Profile.Organisation };

    public static Expert Apply(IEvent<ExpertAccepted> e, Expert current) => current.MovedTo(ExpertStatus.Accepted, e.Timestamp);

    public static Expert Apply(IEvent<ExpertRejected> e, Expert current) => current.MovedTo(ExpertStatus.Rejected, e.Timestamp);

    public static Expert Apply(IEvent<ExpertSuspended> e, Expert current) => current.MovedTo(ExpertStatus.Suspended, e.Timestamp);

    public static Expert Apply(IEvent<ExpertReinstated> e, Expert current) => current.MovedTo(ExpertStatus.Accepted, e.Timestamp);

    public static Expert Apply(IEvent<ExpertWithdrawn> e, Expert current) => current.MovedTo(ExpertStatus.Withdrawn, e.Timestamp);

    /// <summary>Personal fields go; decisions, competences and what other services taught us stay.</summary>
    public static Expert Apply(IEvent<ExpertErased> e, Expert current) =>
        current.MovedTo(ExpertStatus.Erased, e.Timestamp) with
        {
            Name = "",
            Email = "",
            Organisation = "",
            Motivation = "",
            Profile = current.Profile is null ? null : Erasure.PersonalData.Mask(current.Profile),
            Trainings = [.. current.Trainings.Select(Erasure.PersonalData.Mask)],
        };

    public static Expert Apply(ExpertAvailabilityDeclared e, Expert current) => current with { Availability = e.Windows };

    public static Expert Apply(IEvent<ExpertConsentGiven> e, Expert current) => current.WithConsent(e.Data.Purpose, new Consent(true, e.Timestamp));

    public static Expert Apply(IEvent<ExpertConsentWithdrawn> e, Expert current) => current.WithConsent(e.Data.Purpose, new Consent(false, e.Timestamp));

    public static Expert Apply(ExpertDeploymentRecorded e, Expert current) => current with
    {
        Deployments = [.. current.Deployments.Where(d => d.DeploymentId != e.Deployment.DeploymentId), e.Deployment],
    };

    public static Expert Apply(ExpertTrainingCompleted e, Expert current) => current with
    {
        Trainings = [.. current.Trainings.Where(t => t.EnrolmentId != e.Training.EnrolmentId), e.Training],
    };

    private Expert MovedTo(ExpertStatus status, DateTimeOffset at) => this with { Status = status, StatusChangedAt = at };

    private Expert WithConsent(ConsentPurpose purpose, Consent consent) => purpose switch
    {
        ConsentPurpose.DataProcessing => this with { DataProcessingConsent = consent },
        ConsentPurpose.SharingWithEcServices => this with { SharingWithEcServicesConsent = consent },
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown consent purpose."),
    };
}
