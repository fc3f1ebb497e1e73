using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Experts.Pool;

// The values an expert's record is made of. Own types rather than the contract's records, so the
// stored events do not change shape when a published contract gets a new version.

/// <summary>An ISO 639-1 language and the CEFR level (or native) the expert speaks it at.</summary>
public sealed record SpokenLanguage(string Code, LanguageLevel Level);

/// <summary>A skill of EU CyberNet's framework: free text under a family and a skillset.</summary>
public sealed record Skill(SkillFamily Family, string Skillset, string Name);

/// <summary>A period the expert can work, both days included, at <see cref="Percent"/> of full time.</summary>
public sealed record Window(DateOnly From, DateOnly To, int Percent)
{
    public bool Overlaps(DateOnly from, DateOnly to) => From <= to && from <= To;

    /// <summary>Days of [<paramref name="from"/>, <paramref name="to"/>] this window covers.</summary>
    public int DaysWithin(DateOnly from, DateOnly to)
    {
        var start = From > from ? From : from;
        var end = To < to ? To : to;
        return end < start ? 0 : end.DayNumber - start.DayNumber + 1;
    }
}

/// <summary>What the expert says about themselves (PUT /experts/{id}/profile).</summary>
public sealed record ExpertProfile(
    IReadOnlyList<SpokenLanguage> Languages,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<Skill> Skills,
    int YearsOfExperience,
    string Organisation,
    string? Bio)
{
    /// <summary>Roles, skills, languages and years: what matching and the network care about.</summary>
    public bool HasSameCompetencesAs(ExpertProfile? other) =>
        other is not null
        && YearsOfExperience == other.YearsOfExperience
        && Roles.SequenceEqual(other.Roles)
        && Skills.SequenceEqual(other.Skills)
        && Languages.SequenceEqual(other.Languages);

    public bool IsSameAs(ExpertProfile? other) =>
        HasSameCompetencesAs(other) && Organisation == other!.Organisation && Bio == other.Bio;
}

[JsonConverter(typeof(JsonStringEnumConverter<ConsentPurpose>))]
public enum ConsentPurpose
{
    /// <summary>Processing of the expert's data to run the pool (review, matching, deployment).</summary>
    [JsonStringEnumMemberName("data-processing")] DataProcessing = 1,

    /// <summary>Sharing the expert's profile with EC services (delegations, DGs) outside the network.</summary>
    [JsonStringEnumMemberName("sharing-with-ec-services")] SharingWithEcServices,
}

public sealed record Consent(bool Given, DateTimeOffset At);

/// <summary>How far a deployment got, as learned from Projects' events.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentStage>))]
public enum DeploymentStage
{
    [JsonStringEnumMemberName("confirmed")] Confirmed = 1,
    [JsonStringEnumMemberName("started")] Started,
    [JsonStringEnumMemberName("extended")] Extended,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("evaluated")] Evaluated,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>One deployment of the expert, as Projects last described it.</summary>
public sealed record DeploymentRecord(
    Guid DeploymentId,
    long SourceVersion,
    Guid RequestId,
    Guid? ProjectId,
    string Country,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    DeploymentStage Stage,
    int? Rating)
{
    /// <summary>A confirmed, started or extended deployment makes the expert unavailable for its period.</summary>
    [JsonIgnore]
    public bool BlocksAvailability => Stage is DeploymentStage.Confirmed or DeploymentStage.Started or DeploymentStage.Extended;

    [JsonIgnore]
    public bool IsCompleted => Stage is DeploymentStage.Completed or DeploymentStage.Evaluated;
}

/// <summary>A course the expert completed, as Training described it.</summary>
public sealed record TrainingRecord(
    Guid EnrolmentId,
    Guid SessionId,
    Guid CourseId,
    string CourseTitle,
    IReadOnlyList<EcsfRole> RolesCovered,
    string? CertificateNumber,
    DateTimeOffset CompletedAt);
