using EuCyberNet.Training.Common;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Training.Courses;

public sealed record CourseView(
    Guid Id,
    long Version,
    string Title,
    string Provider,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int DurationDays,
    IReadOnlyList<Prerequisite> Prerequisites,
    string? Description)
{
    public static CourseView From(Course c) =>
        new(c.Id, c.Version, c.Title, c.Provider, c.Format, c.Language, c.Roles, c.Themes, c.DurationDays, c.Prerequisites, c.Description);
}

public static class CoursesApi
{
    public static IEndpointRouteBuilder MapCoursesApi(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup("/courses").WithTags("Courses");

        courses.MapPost("", Add).WithSummary("Add a course to the catalogue")
            .AllowRoles(Roles.TrainingManager);
        courses.MapPut("/{id:guid}", Revise).WithSummary("Replace a course's description (If-Match for optimistic concurrency)")
            .AllowRoles(Roles.TrainingManager);
        courses.MapGet("", Search).WithSummary("Search the catalogue by role, theme, format, language and title")
            .AllowRoles(Access.Everyone);
        courses.MapGet("/{id:guid}", Get).WithSummary("A course; ?asOf= gives it as it was then")
            .AllowRoles(Access.Everyone);
        courses.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Course>(id, ct))
            .WithSummary("Every event of the course, oldest first")
            .AllowRoles(Roles.TrainingManager, Roles.Coordinator, Roles.Auditor);
        return app;
    }

    private static async Task<Results<Created<CourseView>, ValidationProblem>> Add(
        CourseRequest request, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var (details, v) = Catalogue.Validate(request);
        Catalogue.CheckPrerequisites(null, request.Prerequisites, await ReachableCoursesAsync(session, request, ct), v);
        if (details is null || !v.IsValid) return v.ToProblem();

        return await session.CreateAsync<Course, CourseView>(http, "courses", Catalogue.Add(details).Events, CourseView.From, ct);
    }

    private static async Task<Results<Ok<CourseView>, ProblemHttpResult, ValidationProblem>> Revise(
        Guid id, CourseRequest request, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var (details, v) = Catalogue.Validate(request);
        Catalogue.CheckPrerequisites(id, request.Prerequisites, await ReachableCoursesAsync(session, request, ct), v);
        if (details is null || !v.IsValid) return v.ToProblem();

        var result = await session.DecideAsync<Course, CourseView>(http, id, course => Catalogue.Revise(course, details), CourseView.From, ct);
        return result.Result switch
        {
            Ok<CourseView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result"),
        };
    }

    private static async Task<Results<Ok<Page<CourseView>>, ValidationProblem>> Search(
        string? role, string? theme, string? format, string? language, string? q, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        IQueryable<Course> query = session.Query<Course>();
        if (role is not null)
        {
            var r = v.Slug<EcsfRole>("role", role);
            query = query.Where(c => c.Roles.Contains(r));
        }
        if (theme is not null)
        {
            var t = v.Slug<CcbTheme>("theme", theme);
            query = query.Where(c => c.Themes.Contains(t));
        }
        if (format is not null)
        {
            var f = v.Slug<CourseFormat>("format", format);
            query = query.Where(c => c.Format == f);
        }
        if (language is not null)
        {
            var l = v.Language("language", language);
            query = query.Where(c => c.Language == l);
        }
        if (q is not null)
        {
            var text = v.Text("q", q, 200);
            query = query.Where(c => c.Title.Contains(text, StringComparison.OrdinalIgnoreCase));
        }
        if (!v.IsValid) return v.ToProblem();

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(c => c.Title).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<CourseView>([.. items.Select(CourseView.From)], total));
    }

    private static Task<Results<Ok<CourseView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<Course, CourseView>(id, when, CourseView.From, ct)
            : session.CurrentAsync<Course, CourseView>(http, id, CourseView.From, ct);

    /// <summary>The courses reachable from the requested prerequisites, for the existence and cycle checks.</summary>
    private static async Task<IReadOnlyDictionary<Guid, Course>> ReachableCoursesAsync(IQuerySession session, CourseRequest request, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Course>();
        var next = (request.Prerequisites ?? []).Select(p => p?.CourseId).OfType<Guid>().Where(id => id != Guid.Empty).Distinct().ToList();
        while (next.Count > 0 && found.Count < 1000)
        {
            var courses = await session.LoadManyAsync<Course>(ct, next);
            foreach (var c in courses) found[c.Id] = c;
            next = [.. courses.SelectMany(c => c.Details.PrerequisiteCourseIds).Distinct().Where(id => !found.ContainsKey(id))];
        }
        return found;
    }
}
