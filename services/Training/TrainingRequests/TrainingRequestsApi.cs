using EuCyberNet.Training.Common;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Sessions;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Training.TrainingRequests;

public sealed record TrainingRequestView(
    Guid Id,
    long Version,
    string Requester,
    string BeneficiaryCountry,
    string Topic,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int AudienceSize,
    DateOnly PreferredFrom,
    DateOnly PreferredTo,
    TrainingRequestStatus Status,
    Guid? SessionId,
    string? Reason)
{
    public static TrainingRequestView From(TrainingRequest r) => new(
        r.Id, r.Version, r.Requester, r.BeneficiaryCountry, r.Topic, r.Roles, r.Themes, r.AudienceSize, r.PreferredFrom, r.PreferredTo,
        r.Status, r.SessionId, r.Reason);
}

public static class TrainingRequestsApi
{
    public static IEndpointRouteBuilder MapTrainingRequestsApi(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/training-requests").WithTags("Training requests");

        requests.MapPost("", Submit).WithSummary("Submit a training request from a partner country or an EU delegation")
            .AllowRoles(Roles.Partner, Roles.Coordinator, Roles.TrainingManager);
        requests.MapPost("/{id:guid}/review", (Guid id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
            Decide(session, http, id, TrainingRequestRules.Review, ct)).WithSummary("Start reviewing the request")
            .AllowRoles(Roles.TrainingManager);
        requests.MapPost("/{id:guid}/approve", (Guid id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
            Decide(session, http, id, TrainingRequestRules.Approve, ct)).WithSummary("Approve the request under review")
            .AllowRoles(Roles.TrainingManager, Roles.Coordinator);
        requests.MapPost("/{id:guid}/reject", Reject).WithSummary("Reject the request (reason required)")
            .AllowRoles(Roles.TrainingManager, Roles.Coordinator);
        requests.MapPost("/{id:guid}/schedule", Schedule).WithSummary("Link the approved request to a session (sessionId)")
            .AllowRoles(Roles.TrainingManager);
        requests.MapPost("/{id:guid}/deliver", Deliver).WithSummary("The request was met: its session was delivered")
            .AllowRoles(Roles.TrainingManager);
        requests.MapPost("/{id:guid}/close", (Guid id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
            Decide(session, http, id, TrainingRequestRules.Close, ct)).WithSummary("Close a delivered request")
            .AllowRoles(Roles.TrainingManager);
        requests.MapPost("/{id:guid}/withdraw", Withdraw).WithSummary("The requester withdraws the request")
            .AllowRoles([Roles.TrainingManager, Roles.Partner], ownOnly: [Roles.Partner], note: "partner: requests it submitted").OwnedBy(context => Access.CreatedByCaller(context));
        requests.MapGet("", List).WithSummary("Training requests by status, country, requester, role and theme")
            .AllowRoles(Roles.TrainingManager, Roles.Coordinator, Roles.Auditor, Roles.ProjectOfficer);
        requests.MapGet("/{id:guid}", Get).WithSummary("A training request; ?asOf= gives it as it was then")
            .AllowRoles([Roles.TrainingManager, Roles.Coordinator, Roles.Auditor, Roles.ProjectOfficer, Roles.Partner], ownOnly: [Roles.Partner], note: "partner: requests it submitted").OwnedBy(context => Access.CreatedByCaller(context));
        requests.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<TrainingRequest>(id, ct))
            .WithSummary("The request's audit trail: every event with user, time, correlation, causation and reason")
            .AllowRoles([Roles.TrainingManager, Roles.Coordinator, Roles.Auditor, Roles.ProjectOfficer, Roles.Partner], ownOnly: [Roles.Partner], note: "partner: requests it submitted").OwnedBy(context => Access.CreatedByCaller(context));
        return app;
    }

    private static async Task<Results<Created<TrainingRequestView>, ValidationProblem>> Submit(
        TrainingRequestRequest request, HttpContext http, IDocumentSession session, TrainingCalendar calendar, CancellationToken ct)
    {
        var (submitted, v) = TrainingRequestRules.Validate(request, calendar.Today);
        if (submitted is null) return v.ToProblem();
        return await session.CreateAsync<TrainingRequest, TrainingRequestView>(http, "training-requests", [submitted], TrainingRequestView.From, ct);
    }

    private static async Task<Results<Ok<TrainingRequestView>, ProblemHttpResult, ValidationProblem>> Reject(
        Guid id, ReasonRequest? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", body?.Reason, 1000);
        if (!v.IsValid) return v.ToProblem();
        return Widen(await Decide(session, http, id, r => TrainingRequestRules.Reject(r, reason), ct));
    }

    private static async Task<Results<Ok<TrainingRequestView>, ProblemHttpResult, ValidationProblem>> Withdraw(
        Guid id, ReasonRequest? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.OptionalText("reason", body?.Reason, 1000) ?? "Withdrawn by the requester.";
        if (!v.IsValid) return v.ToProblem();
        return Widen(await Decide(session, http, id, r => TrainingRequestRules.Withdraw(r, reason), ct));
    }

    private static async Task<Results<Ok<TrainingRequestView>, ProblemHttpResult, ValidationProblem>> Schedule(
        Guid id, ScheduleRequest? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var sessionId = v.Id("sessionId", body?.SessionId);
        var target = v.IsValid ? await session.LoadAsync<TrainingSession>(sessionId, ct) : null;
        if (v.IsValid && target is null) v.Add("sessionId", $"no training session {sessionId}");
        if (!v.IsValid || target is null) return v.ToProblem();
        return Widen(await Decide(session, http, id, r => TrainingRequestRules.Schedule(r, target), ct));
    }

    private static async Task<Results<Ok<TrainingRequestView>, ProblemHttpResult>> Deliver(
        Guid id, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var current = await session.LoadAsync<TrainingRequest>(id, ct);
        var linked = current?.SessionId is { } sessionId ? await session.LoadAsync<TrainingSession>(sessionId, ct) : null;
        return await Decide(session, http, id, r => TrainingRequestRules.Deliver(r, linked?.Status), ct);
    }

    private static Task<Results<Ok<TrainingRequestView>, ProblemHttpResult>> Decide(
        IDocumentSession session, HttpContext http, Guid id, Func<TrainingRequest, Decision> decide, CancellationToken ct) =>
        session.DecideAsync<TrainingRequest, TrainingRequestView>(http, id, decide, TrainingRequestView.From, ct);

    private static Results<Ok<TrainingRequestView>, ProblemHttpResult, ValidationProblem> Widen(Results<Ok<TrainingRequestView>, ProblemHttpResult> result) =>
        result.Result switch
        {
            Ok<TrainingRequestView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result"),
        };

    private static async Task<Results<Ok<Page<TrainingRequestView>>, ValidationProblem>> List(
        string? status, string? country, string? requester, string? role, string? theme, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        IQueryable<TrainingRequest> query = session.Query<TrainingRequest>();
        if (status is not null)
        {
            var st = v.Status<TrainingRequestStatus>("status", status);
            query = query.Where(r => r.Status == st);
        }
        if (country is not null)
        {
            var code = v.Country("country", country);
            query = query.Where(r => r.BeneficiaryCountry == code);
        }
        if (requester is not null)
        {
            var text = v.Text("requester", requester, 200);
            query = query.Where(r => r.Requester.Contains(text, StringComparison.OrdinalIgnoreCase));
        }
        if (role is not null)
        {
            var ro = v.Slug<EcsfRole>("role", role);
            query = query.Where(r => r.Roles.Contains(ro));
        }
        if (theme is not null)
        {
            var th = v.Slug<CcbTheme>("theme", theme);
            query = query.Where(r => r.Themes.Contains(th));
        }
        if (!v.IsValid) return v.ToProblem();

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(r => r.PreferredFrom).ThenBy(r => r.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<TrainingRequestView>([.. items.Select(TrainingRequestView.From)], total));
    }

    private static Task<Results<Ok<TrainingRequestView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<TrainingRequest, TrainingRequestView>(id, when, TrainingRequestView.From, ct)
            : session.CurrentAsync<TrainingRequest, TrainingRequestView>(http, id, TrainingRequestView.From, ct);
}
