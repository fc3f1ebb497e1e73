using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Experts.Pool;

// Domain events of the expert record: past-tense facts in the network's words. They hold
// personal data and never leave this service; ExpertsIntegrationEvents decides what others hear,
// and PersonalData says which of their fields erasure masks.
//
// Decisions record the status they moved the expert from (auditors read "accepted from
// profile-submitted" without replaying the stream) and the expert's citizenship, because the
// relay maps one event at a time and the network counts experts by status and citizenship.

/// <summary>Someone applied to join the pool. The first event of every expert's stream.</summary>
public sealed record ExpertApplied(string Name, string Email, string Citizenship, string Organisation, string Motivation);

/// <summary>Staff replied to the application (due within 5 working days of it).</summary>
public sealed record ExpertAcknowledged(ExpertStatus From, string Citizenship);

/// <summary>The expert's first complete profile, which puts the application up for review.</summary>
public sealed record ExpertProfileSubmitted(ExpertStatus From, string Citizenship, ExpertProfile Profile);

/// <summary>
/// A later change of the profile (under review or in the pool). <see cref="CompetencesChanged"/>
/// says whether roles, skills, languages or years changed, which is what the network hears of.
/// </summary>
public sealed record ExpertProfileUpdated(ExpertStatus Status, ExpertProfile Profile, bool CompetencesChanged);

/// <summary>Accepted into the pool, with the competences and availability it was accepted with.</summary>
public sealed record ExpertAccepted(
    ExpertStatus From,
    string Citizenship,
    string? Reason,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<SpokenLanguage> Languages,
    IReadOnlyList<Skill> Skills,
    int YearsOfExperience,
    IReadOnlyList<Window> Availability);

public sealed record ExpertRejected(ExpertStatus From, string Citizenship, string Reason);

public sealed record ExpertSuspended(ExpertStatus From, string Citizenship, string Reason);

public sealed record ExpertReinstated(ExpertStatus From, string Citizenship, string? Reason);

/// <summary>The expert left (or their application was withdrawn); <see cref="ByExpert"/> false means staff did it.</summary>
public sealed record ExpertWithdrawn(ExpertStatus From, string Citizenship, string? Reason, bool ByExpert);

/// <summary>
/// Personal data was erased at the expert's request. Written in the same transaction that masks
/// the personal fields of every earlier event of the stream (see Erasure/PersonalData).
/// </summary>
public sealed record ExpertErased(ExpertStatus From, string Citizenship, bool ByExpert);

/// <summary>The whole new set of availability windows (possibly empty).</summary>
public sealed record ExpertAvailabilityDeclared(ExpertStatus Status, IReadOnlyList<Window> Windows);

public sealed record ExpertConsentGiven(ConsentPurpose Purpose);

public sealed record ExpertConsentWithdrawn(ConsentPurpose Purpose);

/// <summary>
/// What Projects told us about one deployment of this expert, as it stands (the newest snapshot
/// wins; <see cref="DeploymentRecord.SourceVersion"/> orders them).
/// </summary>
public sealed record ExpertDeploymentRecorded(DeploymentRecord Deployment);

/// <summary>What Training told us: the expert completed a course.</summary>
public sealed record ExpertTrainingCompleted(TrainingRecord Training);
