using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Projects;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.ExpertiseRequests;

public sealed record ApplicationView(
    Guid ExpertId, ApplicationStatus Status, bool Nominated, DateTimeOffset ReceivedAt, Guid? DeploymentId, bool DeploymentConfirmed, bool DeploymentCancelled)
{
    public static ApplicationView From(Application a) =>
        new(a.ExpertId, a.Status, a.Nominated, a.ReceivedAt, a.DeploymentId, a.DeploymentConfirmed, a.DeploymentCancelled);
}

public sealed record RequestView(
    Guid Id,
    long Version,
    RequestStatus Status,
    Guid? ProjectId,
    string Requester,
    ActivityType ActivityType,
    string Title,
    string Tasks,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Languages,
    IReadOnlyList<CcbTheme> Themes,
    string Country,
    bool Remote,
    DateOnly StartDate,
    DateOnly EndDate,
    DateOnly ApplicationDeadline,
    bool Paid,
    bool Travel,
    int ExpertsNeeded,
    int PlacesTaken,
    int PlacesLeft,
    IReadOnlyList<ApplicationView> Applications,
    string? DraftedBy,
    DateTimeOffset DraftedAt,
    string? SubmittedBy,
    DateTimeOffset? SubmittedAt,
    string? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    int Amendments,
    int Extensions,
    string? ClosedReason,
    string? CancelledReason)
{
    public static RequestView From(ExpertiseRequest r)
    {
        var d = r.Details;
        return new RequestView(r.Id, r.Version, r.Status, d.ProjectId, d.Requester, d.ActivityType, d.Title, d.Tasks, d.Roles, d.Skills,
            d.Languages, d.Themes, d.Country, d.Remote, d.StartDate, d.EndDate, d.ApplicationDeadline, d.Paid, d.Travel, d.ExpertsNeeded,
            r.PlacesTaken(), r.PlacesLeft(), [.. r.Applications.Select(ApplicationView.From)], r.DraftedBy, r.DraftedAt, r.SubmittedBy,
            r.SubmittedAt, r.ApprovedBy, r.ApprovedAt, r.Amendments, r.Extensions, r.ClosedReason, r.CancelledReason);
    }
}

public sealed record ExtendRequestBody(string? ApplicationDeadline, string? Reason);

public static class ExpertiseRequestsApi
{
    public static IEndpointRouteBuilder MapExpertiseRequestsApi(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/expertise-requests").WithTags("Requests for expertise");

        requests.MapPost("/", Create).WithSummary("Draft a request for expertise")
            .AllowRoles(Access.Staff);
        requests.MapGet("/", List).WithSummary("Requests, filtered by status, country, projectId, role and activityType")
            .AllowRoles([.. Access.Readers, Roles.Expert], ownOnly: [Roles.Expert], note: "expert: ?status=published").OwnedBy(Owners.ListsPublishedOnly);
        requests.MapGet("/{id:guid}", Get).WithSummary("A request; ?asOf= gives it as it was then")
            .AllowRoles([.. Access.Readers, Roles.Expert], ownOnly: [Roles.Expert], note: "expert: published ones and those they applied to").OwnRecord<RouteHandlerBuilder, ExpertiseRequest>(Owners.ExpertMaySee);
        requests.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<ExpertiseRequest>(id, ct))
            .WithSummary("Every event of the request, oldest first")
            .AllowRoles(Access.Readers);

        requests.MapPost("/{id:guid}/submit", (Guid id, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                Command(id, body?.Reason, http, session, (r, reason) => RequestDecisions.Submit(r, reason), ct))
            .WithSummary("Submit a draft for approval")
            .AllowRoles(Roles.ProjectOfficer, Roles.Coordinator);
        requests.MapPost("/{id:guid}/approve", (Guid id, ReasonBody? body, HttpContext http, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
                Command(id, body?.Reason, http, session, (r, reason) => RequestDecisions.Approve(r, time.Today(), reason), ct))
            .WithSummary("Approve (publish) a submitted request (coordinator)")
            .AllowRoles(Roles.Coordinator);
        requests.MapPost("/{id:guid}/amend", Amend).WithSummary("Change fields; a published request goes back to re-approval")
            .AllowRoles(Access.Staff);
        requests.MapPost("/{id:guid}/extend", Extend).WithSummary("Move the application deadline later, before it passed")
            .AllowRoles(Access.Staff);
        requests.MapPost("/{id:guid}/close", (Guid id, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                Command(id, body?.Reason, http, session, RequestDecisions.Close, ct))
            .WithSummary("Close applications")
            .AllowRoles(Access.Staff);
        requests.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel an open request (reason required)")
            .AllowRoles(Access.Staff);

        requests.MapApplicationsApi();
        return app;
    }

    private static async Task<Results<Created<RequestView>, ValidationProblem>> Create(
        ExpertiseRequestBody body, HttpContext http, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator();
        var details = RequestValidation.Validate(body, time.Today(), v);
        await CheckProjectAsync(details, session, v, ct);
        if (!v.IsValid) return v.ToProblem();
        return await session.CreateAsync<ExpertiseRequest, RequestView>(http, "expertise-requests",
            [new ExpertiseRequestDrafted(details)], RequestView.From, ct);
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult, ValidationProblem>> Amend(
        Guid id, ExpertiseRequestBody body, HttpContext http, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var current = await session.LoadAsync<ExpertiseRequest>(id, ct);
        if (current is null) return Problems.NotFound(nameof(ExpertiseRequest), id);
        var v = new Validator();
        var today = time.Today();
        var amended = RequestValidation.Amend(current.Details, body, today, v);
        var reason = RequestValidation.Reason(v, body.Reason);
        await CheckProjectAsync(amended, session, v, ct);
        if (!v.IsValid) return v.ToProblem();

        // Decide on the state fetched for writing: a concurrent amendment may have changed other fields meanwhile.
        return CommandResults.Widen(await session.DecideAsync<ExpertiseRequest, RequestView>(http, id, r =>
        {
            var check = new Validator();
            var merged = RequestValidation.Amend(r.Details, body, today, check);
            return check.IsValid
                ? RequestDecisions.Amend(r, merged, reason)
                : new DomainError("invalid-amendment", "The request changed meanwhile and the amendment no longer applies; read it again.", r.Status.Slug());
        }, RequestView.From, ct));
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult, ValidationProblem>> Extend(
        Guid id, ExtendRequestBody body, HttpContext http, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator();
        var deadline = v.Date("applicationDeadline", body.ApplicationDeadline);
        var reason = RequestValidation.Reason(v, body.Reason);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<ExpertiseRequest, RequestView>(http, id,
            r => RequestDecisions.Extend(r, deadline, time.Today(), reason), RequestView.From, ct));
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult, ValidationProblem>> Cancel(
        Guid id, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.RequiredReason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<ExpertiseRequest, RequestView>(http, id, r => RequestDecisions.Cancel(r, reason), RequestView.From, ct));
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult, ValidationProblem>> Command(
        Guid id, string? reason, HttpContext http, IDocumentSession session, Func<ExpertiseRequest, string?, Decision> decide, CancellationToken ct)
    {
        var v = new Validator();
        var text = RequestValidation.Reason(v, reason);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<ExpertiseRequest, RequestView>(http, id, r => decide(r, text), RequestView.From, ct));
    }

    private static Task<Results<Ok<RequestView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<ExpertiseRequest, RequestView>(id, when, RequestView.From, ct)
            : session.CurrentAsync<ExpertiseRequest, RequestView>(http, id, RequestView.From, ct);

    private static async Task<Results<Ok<Page<RequestView>>, ValidationProblem>> List(
        string? status, string? country, string? projectId, string? role, string? activityType, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        RequestStatus? statusValue = status is null ? null : v.Slug<RequestStatus>("status", status);
        var countryCode = country is null ? null : v.Country("country", country);
        EcsfRole? roleValue = role is null ? null : v.Slug<EcsfRole>("role", role);
        ActivityType? activity = activityType is null ? null : v.Slug<ActivityType>("activityType", activityType);
        Guid? project = null;
        if (projectId is not null)
        {
            if (Guid.TryParse(projectId, out var parsed)) project = parsed;
            else v.Add("projectId", "must be a project id (a GUID)");
        }
        if (!v.IsValid) return v.ToProblem();

        IQueryable<ExpertiseRequest> query = session.Query<ExpertiseRequest>();
        if (statusValue is { } s) query = query.Where(r => r.Status == s);
        if (countryCode is not null) query = query.Where(r => r.Details.Country == countryCode);
        if (roleValue is { } ro) query = query.Where(r => r.Details.Roles.Contains(ro));
        if (activity is { } a) query = query.Where(r => r.Details.ActivityType == a);
        if (project is { } p) query = query.Where(r => r.Details.ProjectId == p);

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(r => r.Details.ApplicationDeadline).ThenBy(r => r.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<RequestView>([.. items.Select(RequestView.From)], total));
    }

    private static async Task CheckProjectAsync(RequestDetails details, IQuerySession session, Validator v, CancellationToken ct)
    {
        if (details.ProjectId is { } projectId && await session.LoadAsync<Project>(projectId, ct) is null)
            v.Add("projectId", $"no project {projectId} is registered");
    }
}
