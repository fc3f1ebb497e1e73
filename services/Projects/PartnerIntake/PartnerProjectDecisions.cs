using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Projects.PartnerIntake;

/// <summary>What a valid partner event does to the registry, as pure functions; a broken rule names the field it is about.</summary>
public static class PartnerProjectDecisions
{
    /// <summary>
    /// The project a partner's reference names: a name-based id of (partner, reference), so a
    /// partner can only ever name its own projects by reference, and a repeated report is the same stream.
    /// </summary>
    public static Guid ProjectIdFor(Guid partnerId, string projectRef) => StreamIds.NameBased($"partner-project/{partnerId:N}/{projectRef}");

    public static Guid TargetOf(PartnerEvent e, Guid partnerId) => e.ProjectId ?? ProjectIdFor(partnerId, e.ProjectRef!);

    public static (Decision Decision, string Field) Decide(Project? project, PartnerEvent e, Guid partnerId)
    {
        var field = e.ProjectId is null ? "projectRef" : "projectId";
        var named = e.ProjectId is { } id ? $"project {id}" : $"project '{e.ProjectRef}'";

        if (e.Type == PartnerEventType.ProjectReported)
        {
            return project is null
                ? (Decision.Emit(new ProjectReportedByPartner(e.Project!, partnerId, e.ProjectRef!, e.EventId)), field)
                : (new DomainError("already-reported", $"You already reported {named} (project {project.Id}); send project-updated to change it."), field);
        }

        if (project is null)
            return (new DomainError("unknown-project", $"You have not reported {named}; report it with project-reported first."), field);
        if (project.PartnerId != partnerId)
            return (new DomainError("not-your-project", $"Project {project.Id} was not reported by you; a partner may only change projects it reported."), field);
        if (e.ProjectRef is { } reference && e.ProjectId is not null && project.PartnerRef != reference)
            return (new DomainError("reference-mismatch", $"Project {project.Id} is your '{project.PartnerRef}', not '{reference}'."), "projectRef");
        if (project.Details.Status == ProjectStatus.Closed)
            return (new DomainError("project-closed", $"Project {project.Id} was closed on {project.ClosedOn:yyyy-MM-dd}; it takes no more events."), "type");

        switch (e.Type)
        {
            case PartnerEventType.ProjectUpdated:
                var changed = e.Project!.ChangedFrom(project.Details);
                return (changed.Count == 0 ? Decision.Nothing : Decision.Emit(new ProjectUpdatedByPartner(e.Project, changed, e.EventId)), field);
            case PartnerEventType.ActivityReported:
                var same = project.Activities.FirstOrDefault(a => a.ActivityRef == e.Activity!.ActivityRef);
                return (same is not null && same with { Themes = e.Activity!.Themes } == e.Activity && same.Themes.SequenceEqual(e.Activity.Themes)
                    ? Decision.Nothing
                    : Decision.Emit(new ProjectActivityReported(e.Activity!, e.EventId)), field);
            case PartnerEventType.ProjectClosed:
                return (Decision.Emit(new ProjectClosedByPartner(e.ClosedOn!.Value, e.Reason, e.EventId)), field);
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Type, "Unknown partner event type.");
        }
    }
}
