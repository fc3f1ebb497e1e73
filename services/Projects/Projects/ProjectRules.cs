using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Projects.Projects;

/// <summary>What staff send to register or replace a project. Texts, so every bad field is reported at once.</summary>
public sealed record ProjectRequest(
    string? Title,
    string? Funder,
    IReadOnlyList<string?>? Implementers,
    IReadOnlyList<string?>? BeneficiaryCountries,
    IReadOnlyList<string?>? Themes,
    IReadOnlyList<string?>? Pillars,
    decimal? BudgetEur,
    string? StartDate,
    string? EndDate,
    string? Status);

public static class ProjectRules
{
    public const decimal MaxBudgetEur = 100_000_000_000m;

    /// <summary>Validates a project's fields (staff request or partner event alike) into its details.</summary>
    public static ProjectDetails Validate(ProjectRequest request, Validator v, string prefix = "")
    {
        var start = v.Date(prefix + "startDate", request.StartDate);
        var end = v.Date(prefix + "endDate", request.EndDate);
        v.Period(prefix + "endDate", start, end);
        if (request.BudgetEur is < 0 or > MaxBudgetEur) v.Add(prefix + "budgetEur", $"must be between 0 and {MaxBudgetEur:0}");
        var status = request.Status is null ? ProjectStatus.Planned : v.Slug<ProjectStatus>(prefix + "status", request.Status);
        return new ProjectDetails(
            Title: v.Text(prefix + "title", request.Title, maxLength: 300),
            Funder: v.Text(prefix + "funder", request.Funder, maxLength: 200),
            Implementers: v.Texts(prefix + "implementers", request.Implementers, maxLength: 200, maxCount: 20),
            BeneficiaryCountries: v.Countries(prefix + "beneficiaryCountries", request.BeneficiaryCountries, maxCount: 60, required: true),
            Themes: v.Slugs<CcbTheme>(prefix + "themes", request.Themes, maxCount: 5),
            Pillars: v.Slugs<Pillar>(prefix + "pillars", request.Pillars, maxCount: 5),
            BudgetEur: request.BudgetEur,
            StartDate: start,
            EndDate: end,
            Status: status);
    }

    /// <summary>Staff replace a project's fields. Projects a partner reported change only through that partner's events.</summary>
    public static Decision Change(Project project, ProjectDetails details)
    {
        if (project.PartnerId is { } partner)
            return new DomainError("partner-maintained",
                $"Project {project.Id} is maintained by partner {partner}'s system; it changes through that partner's events.",
                "reported-by-partner");
        var changed = details.ChangedFrom(project.Details);
        return changed.Count == 0 ? Decision.Nothing : Decision.Emit(new ProjectDetailsChanged(details, changed));
    }
}
