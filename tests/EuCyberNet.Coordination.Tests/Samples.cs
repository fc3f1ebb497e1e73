using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Coordination.Tests;

/// <summary>Contract events as the publishers build them, with defaults a test overrides where it matters.</summary>
public static class Samples
{
    public static readonly DateOnly Start = new(2027, 3, 1);

    public static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public static ProjectSnapshot Project(
        string country = "KE", string funder = "European Union", string[]? implementers = null, CcbTheme[]? themes = null,
        DateOnly? from = null, DateOnly? to = null, string status = "active", string title = "Cyber resilience for East Africa") =>
        new(title, funder, implementers ?? ["GIZ"], [country], themes ?? [CcbTheme.IncidentManagementAndCip], [Pillar.CrisisPreventionAndManagement],
            1_500_000m, from ?? Start, to ?? Start.AddMonths(12), status, "staff");

    public static ExpertiseRequestSnapshot Request(
        string country = "KE", EcsfRole[]? roles = null, CcbTheme[]? themes = null, DateOnly? from = null, DateOnly? to = null,
        int expertsNeeded = 1, Guid? projectId = null, DateOnly? deadline = null, string requester = "EU Delegation to Kenya") =>
        new(projectId, requester, ActivityType.AdvisoryMission, "National CSIRT set-up", roles ?? [EcsfRole.CyberIncidentResponder], ["en"],
            country, false, from ?? Start.AddMonths(2), to ?? Start.AddMonths(3), deadline ?? DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)),
            expertsNeeded, themes ?? [CcbTheme.IncidentManagementAndCip]);

    public static DeploymentSnapshot Deployment(Guid requestId, Guid expertId, string status, string country = "KE", Guid? projectId = null,
        DateOnly? from = null, DateOnly? to = null) =>
        new(requestId, projectId, expertId, country, [EcsfRole.CyberIncidentResponder], [CcbTheme.IncidentManagementAndCip],
            from ?? Start.AddMonths(2), to ?? Start.AddMonths(3), status);

    public static TrainingSessionSnapshot Session(
        string? country = "KE", EcsfRole[]? roles = null, CcbTheme[]? themes = null, DateOnly? from = null, DateOnly? to = null,
        int capacity = 20, int taken = 0, string status = "scheduled") =>
        new(Guid.NewGuid(), "Incident handling", CourseFormat.Classroom, "en", roles ?? [EcsfRole.CyberIncidentResponder],
            themes ?? [CcbTheme.IncidentManagementAndCip], country, country is null ? null : "Nairobi", country is null,
            from ?? Start.AddMonths(1), to ?? Start.AddMonths(1).AddDays(4), capacity, taken, status);

    public static TrainingRequestSnapshot TrainingRequest(
        string country = "KE", CcbTheme[]? themes = null, DateOnly? from = null, DateOnly? to = null, Guid? sessionId = null, string status = "approved") =>
        new("Kenya ICT Authority", country, "Incident response for CERT staff", [EcsfRole.CyberIncidentResponder],
            themes ?? [CcbTheme.IncidentManagementAndCip], 25, from ?? Start.AddMonths(4), to ?? Start.AddMonths(5), sessionId, status);

    public static ExpertJoinedPool Joined(Guid expertId, EcsfRole[] roles, string citizenship = "SI", DateTimeOffset? at = null) =>
        new(expertId, citizenship, roles, [new LanguageSkill("en", LanguageLevel.C1)], at ?? Now);

    public static ExpertAvailabilityChanged Available(Guid expertId, DateOnly from, DateOnly to, int percent = 100, DateTimeOffset? at = null) =>
        new(expertId, [new AvailabilityWindow(from, to, percent)], at ?? Now);
}
