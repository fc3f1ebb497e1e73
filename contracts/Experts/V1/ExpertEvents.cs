using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Contracts.Experts.V1;

// What the network hears about experts. Ids and vocabulary values only: names, e-mails,
// organisations, biographies and motivations never leave the Experts service.

/// <summary>Someone applied to join the expert pool. Citizenship is an EU Member State code.</summary>
public sealed record ExpertApplicationReceived(Guid ExpertId, string Citizenship, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

/// <summary>
/// The expert's lifecycle status changed (every transition, slugs of domain.md:
/// applied, acknowledged, profile-submitted, accepted, rejected, suspended, withdrawn, erased).
/// Coordination counts experts by status and citizenship from these.
/// </summary>
public sealed record ExpertStatusChanged(Guid ExpertId, string Status, string PreviousStatus, string Citizenship, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

/// <summary>The expert was accepted into the pool and can now apply, be nominated and be deployed.</summary>
public sealed record ExpertJoinedPool(
    Guid ExpertId,
    string Citizenship,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<LanguageSkill> Languages,
    DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

/// <summary>The expert left the pool for good: withdrawn, or erased at their request.</summary>
public sealed record ExpertLeftPool(Guid ExpertId, PoolDeparture Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

/// <summary>The expert may not apply, be selected or deployed until reinstated.</summary>
public sealed record ExpertSuspended(Guid ExpertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

public sealed record ExpertReinstated(Guid ExpertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

/// <summary>The expert's roles, skills or languages changed (the whole new set, not a diff).</summary>
public sealed record ExpertCompetencesChanged(
    Guid ExpertId,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<SkillRef> Skills,
    IReadOnlyList<LanguageSkill> Languages,
    int? YearsOfExperience,
    DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

/// <summary>The expert's availability windows changed (the whole new set).</summary>
public sealed record ExpertAvailabilityChanged(Guid ExpertId, IReadOnlyList<AvailabilityWindow> Windows, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string Subject => Subjects.Expert(ExpertId);
}

public sealed record LanguageSkill(string Code, LanguageLevel Level);

public sealed record SkillRef(SkillFamily Family, string Skillset, string Name);

/// <summary>A period the expert can work, at <see cref="Percent"/> of full time (1–100).</summary>
public sealed record AvailabilityWindow(DateOnly From, DateOnly To, int Percent);

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PoolDeparture>))]
public enum PoolDeparture
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("withdrawn")] Withdrawn = 1,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("erased")] Erased,
}
