using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.Projects;

public sealed record ProjectView(
    Guid Id,
    long Version,
    string Title,
    string Funder,
    IReadOnlyList<string> Implementers,
    IReadOnlyList<string> BeneficiaryCountries,
    IReadOnlyList<CcbTheme> Themes,
    IReadOnlyList<Pillar> Pillars,
    decimal? BudgetEur,
    DateOnly StartDate,
    DateOnly EndDate,
    ProjectStatus Status,
    string Source,
    string? PartnerRef,
    IReadOnlyList<ReportedActivity> Activities,
    DateOnly? ClosedOn,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt)
{
    public static ProjectView From(Project p) => new(
        p.Id, p.Version, p.Details.Title, p.Details.Funder, p.Details.Implementers, p.Details.BeneficiaryCountries,
        p.Details.Themes, p.Details.Pillars, p.Details.BudgetEur, p.Details.StartDate, p.Details.EndDate, p.Details.Status,
        p.Source, p.PartnerRef, p.Activities, p.ClosedOn, p.RegisteredAt, p.UpdatedAt);
}

public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsRegistryApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/projects").WithTags("Projects");

        projects.MapPost("/", Register).WithSummary("Register a CCB project (staff)")
            .AllowRoles(Access.Staff);
        projects.MapPut("/{id:guid}", Replace).WithSummary("Replace a staff-registered project's fields")
            .AllowRoles(Access.Staff);
        projects.MapGet("/", List).WithSummary("Projects, filtered by country, theme, funder, status, activeOn and source")
            .AllowRoles([.. Access.Readers, Roles.Partner], ownOnly: [Roles.Partner], note: "partner: ?source= its own id").OwnInQuery("source");
        projects.MapGet("/{id:guid}", Get).WithSummary("A project; ?asOf= gives it as it was then")
            .AllowRoles([.. Access.Readers, Roles.Partner], ownOnly: [Roles.Partner]).OwnRecord<RouteHandlerBuilder, Project>(Owners.IsPartnerOf);
        projects.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Project>(id, ct))
            .WithSummary("Every event of the project, oldest first")
            .AllowRoles([.. Access.Readers, Roles.Partner], ownOnly: [Roles.Partner]).OwnRecord<RouteHandlerBuilder, Project>(Owners.IsPartnerOf);
        return app;
    }

    private static async Task<Results<Created<ProjectView>, ValidationProblem>> Register(
        ProjectRequest request, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var details = ProjectRules.Validate(request, v);
        if (!v.IsValid) return v.ToProblem();
        return await session.CreateAsync<Project, ProjectView>(http, "projects", [new ProjectRegistered(details)], ProjectView.From, ct);
    }

    private static async Task<Results<Ok<ProjectView>, ProblemHttpResult, ValidationProblem>> Replace(
        Guid id, ProjectRequest request, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var details = ProjectRules.Validate(request, v);
        if (!v.IsValid) return v.ToProblem();
        return (await session.DecideAsync<Project, ProjectView>(http, id, p => ProjectRules.Change(p, details), ProjectView.From, ct)).Widen();
    }

    private static Task<Results<Ok<ProjectView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<Project, ProjectView>(id, when, ProjectView.From, ct)
            : session.CurrentAsync<Project, ProjectView>(http, id, ProjectView.From, ct);

    private static async Task<Results<Ok<Page<ProjectView>>, ValidationProblem>> List(
        string? country, string? theme, string? funder, string? status, string? activeOn, string? source,
        int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        var countryCode = country is null ? null : v.Country("country", country);
        CcbTheme? themeValue = theme is null ? null : v.Slug<CcbTheme>("theme", theme);
        ProjectStatus? statusValue = status is null ? null : v.Slug<ProjectStatus>("status", status);
        var activeDay = v.OptionalDate("activeOn", activeOn);
        var funderText = funder is null ? null : v.Text("funder", funder, 200);
        if (source is not null && source != Project.StaffSource && !Guid.TryParse(source, out _))
            v.Add("source", "must be 'staff' or a partner id");
        if (!v.IsValid) return v.ToProblem();

        IQueryable<Project> query = session.Query<Project>();
        if (countryCode is not null) query = query.Where(p => p.Details.BeneficiaryCountries.Contains(countryCode));
        if (themeValue is { } t) query = query.Where(p => p.Details.Themes.Contains(t));
        if (funderText is not null) query = query.Where(p => p.Details.Funder.Equals(funderText, StringComparison.OrdinalIgnoreCase));
        if (statusValue is { } s) query = query.Where(p => p.Details.Status == s);
        if (activeDay is { } day) query = query.Where(p => p.Details.StartDate <= day && p.Details.EndDate >= day);
        if (source is not null)
        {
            var normalised = Guid.TryParse(source, out var partner) ? partner.ToString() : source;
            query = query.Where(p => p.Source == normalised);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(p => p.Details.StartDate).ThenBy(p => p.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<ProjectView>([.. items.Select(ProjectView.From)], total));
    }
}
