using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.Deployments;

public sealed record DeploymentView(
    Guid Id,
    long Version,
    DeploymentStatus Status,
    Guid RequestId,
    Guid? ProjectId,
    Guid ExpertId,
    string Requester,
    ActivityType ActivityType,
    string Title,
    string Country,
    bool Remote,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    DecisionRecord? Requested,
    DecisionRecord? Approved,
    DecisionRecord Selected,
    DecisionRecord? Confirmed,
    DecisionRecord? Started,
    IReadOnlyList<Extension> Extensions,
    DecisionRecord? Completed,
    string? Debrief,
    DecisionRecord? Evaluated,
    int? Rating,
    string? Feedback,
    DecisionRecord? Cancelled)
{
    public static DeploymentView From(Deployment d) => new(
        d.Id, d.Version, d.Status, d.RequestId, d.ProjectId, d.ExpertId, d.Requester, d.ActivityType, d.Title, d.Country, d.Remote,
        d.Roles, d.Themes, d.StartDate, d.EndDate, d.Requested, d.Approved, d.Selected, d.Confirmed, d.Started, d.Extensions,
        d.Completed, d.Debrief, d.Evaluated, d.Rating, d.Feedback, d.Cancelled);
}

public sealed record ExtendDeploymentBody(string? EndDate, string? Reason);

public sealed record CompleteBody(string? Debrief);

public sealed record EvaluateBody(int? Rating, string? Feedback);

public static class DeploymentsApi
{
    public const int MaxDebriefLength = 8000;

    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder app)
    {
        var deployments = app.MapGroup("/deployments").WithTags("Deployments");

        deployments.MapGet("/", List).WithSummary("Deployments, filtered by expertId, requestId, status and country")
            .AllowRoles([.. Access.Readers, Roles.Expert], ownOnly: [Roles.Expert], note: "expert: ?expertId= their own").OwnInQuery("expertId");
        deployments.MapGet("/{id:guid}", Get).WithSummary("A deployment; ?asOf= gives it as it was then")
            .AllowRoles([.. Access.Readers, Roles.Expert], ownOnly: [Roles.Expert]).OwnRecord<RouteHandlerBuilder, Deployment>(Owners.IsExpertOf);
        deployments.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Deployment>(id, ct))
            .WithSummary("Every event of the deployment, oldest first (who requested, approved and selected is on the first)")
            .AllowRoles([.. Access.Readers, Roles.Expert], ownOnly: [Roles.Expert]).OwnRecord<RouteHandlerBuilder, Deployment>(Owners.IsExpertOf);

        deployments.MapPost("/{id:guid}/confirm", Confirm).WithSummary("Confirm a planned deployment")
            .AllowRoles(Access.Staff);
        deployments.MapPost("/{id:guid}/start", Start).WithSummary("Start a confirmed deployment")
            .AllowRoles(Access.Staff);
        deployments.MapPost("/{id:guid}/extend", Extend).WithSummary("Move a started deployment's end date later")
            .AllowRoles(Access.Staff);
        deployments.MapPost("/{id:guid}/complete", Complete).WithSummary("Complete a started deployment with a debrief")
            .AllowRoles([.. Access.Staff, Roles.Expert], ownOnly: [Roles.Expert], note: "expert: their own, with the debrief").OwnRecord<RouteHandlerBuilder, Deployment>(Owners.IsExpertOf);
        deployments.MapPost("/{id:guid}/evaluate", Evaluate).WithSummary("Rate a completed deployment 1–5 with feedback")
            .AllowRoles(Roles.ProjectOfficer, Roles.Coordinator);
        deployments.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel a deployment before it started (reason required)")
            .AllowRoles(Access.Staff);
        return app;
    }

    /// <summary>Confirming also tells the request (which is fulfilled once every place is confirmed).</summary>
    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult, ValidationProblem>> Confirm(
        Guid id, ReasonBody? body, HttpContext http, ISessionFactory sessions, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.Reason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();

        return CommandResults.Widen(await sessions.RunAsync<DeploymentView>(http, async (session, expected, token) =>
        {
            if (await session.LoadAsync<Deployment>(id, token) is not { } known) return Problems.NotFound(nameof(Deployment), id);
            var request = await session.Events.FetchForExclusiveWriting<ExpertiseRequest>(known.RequestId, token);
            var deployment = await session.Events.FetchForWriting<Deployment>(id, token);
            var d = deployment.Aggregate!;
            if (expected is { } version && d.Version != version) return Problems.PreconditionFailed(version);

            var expert = await session.Events.FetchLatest<KnownExpert>(d.ExpertId, token);
            var decision = DeploymentDecisions.Confirm(d, expert, reason);
            if (decision.Error is { } error) return Problems.Conflict(error);
            if (decision.Events.Count == 0) return Outcome.Unchanged(Respond(id));

            deployment.AppendMany(decision.Events);
            if (request.Aggregate is { } r) request.AppendMany(RequestDecisions.OnDeploymentConfirmed(r, d.ExpertId, d.Id).Events);
            return Outcome.Commit(Respond(id));
        }, view => view.Version, ct));
    }

    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult, ValidationProblem>> Start(
        Guid id, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.Reason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();
        var known = await session.LoadAsync<Deployment>(id, ct);
        var expert = known is null ? null : await session.Events.FetchLatest<KnownExpert>(known.ExpertId, ct);
        return CommandResults.Widen(await session.DecideAsync<Deployment, DeploymentView>(http, id,
            d => DeploymentDecisions.Start(d, expert, reason), DeploymentView.From, ct));
    }

    /// <summary>Extending re-books the expert under their stream's version, so it cannot overlap a booking made meanwhile.</summary>
    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult, ValidationProblem>> Extend(
        Guid id, ExtendDeploymentBody body, HttpContext http, ISessionFactory sessions, CancellationToken ct)
    {
        var v = new Validator();
        var endDate = v.Date("endDate", body.EndDate);
        var reason = RequestValidation.Reason(v, body.Reason);
        if (!v.IsValid) return v.ToProblem();

        return CommandResults.Widen(await sessions.RunAsync<DeploymentView>(http, async (session, expected, token) =>
        {
            var deployment = await session.Events.FetchForWriting<Deployment>(id, token);
            if (deployment.Aggregate is not { } d) return Problems.NotFound(nameof(Deployment), id);
            if (expected is { } version && d.Version != version) return Problems.PreconditionFailed(version);

            var expert = await session.Events.FetchForWriting<KnownExpert>(d.ExpertId, token);
            var extension = DeploymentDecisions.Extend(d, endDate, expert.Aggregate, reason);
            if (extension.Deployment.Error is { } error) return Problems.Conflict(error);
            if (extension.Deployment.Events.Count == 0) return Outcome.Unchanged(Respond(id));

            deployment.AppendMany(extension.Deployment.Events);
            expert.AppendOne(extension.Booking!);
            return Outcome.Commit(Respond(id));
        }, view => view.Version, ct));
    }

    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult, ValidationProblem>> Complete(
        Guid id, CompleteBody body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var debrief = v.Text("debrief", body.Debrief, MaxDebriefLength);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<Deployment, DeploymentView>(http, id,
            d => DeploymentDecisions.Complete(d, debrief), DeploymentView.From, ct));
    }

    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult, ValidationProblem>> Evaluate(
        Guid id, EvaluateBody body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var rating = v.Range("rating", body.Rating, DeploymentDecisions.MinRating, DeploymentDecisions.MaxRating);
        var feedback = v.OptionalText("feedback", body.Feedback, MaxDebriefLength);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<Deployment, DeploymentView>(http, id,
            d => DeploymentDecisions.Evaluate(d, rating, feedback), DeploymentView.From, ct));
    }

    /// <summary>Cancelling frees the request's place and the expert's booking in the same transaction.</summary>
    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult, ValidationProblem>> Cancel(
        Guid id, ReasonBody? body, HttpContext http, ISessionFactory sessions, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.RequiredReason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();

        return CommandResults.Widen(await sessions.RunAsync<DeploymentView>(http, async (session, expected, token) =>
        {
            if (await session.LoadAsync<Deployment>(id, token) is not { } known) return Problems.NotFound(nameof(Deployment), id);
            var request = await session.Events.FetchForExclusiveWriting<ExpertiseRequest>(known.RequestId, token);
            var deployment = await session.Events.FetchForWriting<Deployment>(id, token);
            var d = deployment.Aggregate!;
            if (expected is { } version && d.Version != version) return Problems.PreconditionFailed(version);

            var decision = DeploymentDecisions.Cancel(d, reason);
            if (decision.Error is { } error) return Problems.Conflict(error);
            if (decision.Events.Count == 0) return Outcome.Unchanged(Respond(id));

            deployment.AppendMany(decision.Events);
            if (request.Aggregate is { } r) request.AppendMany(RequestDecisions.OnDeploymentCancelled(r, d.ExpertId, d.Id, reason).Events);
            var expert = await session.Events.FetchForWriting<KnownExpert>(d.ExpertId, token);
            if (expert.Aggregate?.Bookings.Any(b => b.DeploymentId == d.Id) == true)
                expert.AppendOne(new ExpertBookingReleased(d.Id, reason));
            return Outcome.Commit(Respond(id));
        }, view => view.Version, ct));
    }

    private static Task<Results<Ok<DeploymentView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<Deployment, DeploymentView>(id, when, DeploymentView.From, ct)
            : session.CurrentAsync<Deployment, DeploymentView>(http, id, DeploymentView.From, ct);

    private static async Task<Results<Ok<Page<DeploymentView>>, ValidationProblem>> List(
        string? expertId, string? requestId, string? status, string? country, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        Guid? expert = ParseId(v, "expertId", expertId);
        Guid? request = ParseId(v, "requestId", requestId);
        DeploymentStatus? statusValue = status is null ? null : v.Slug<DeploymentStatus>("status", status);
        var countryCode = country is null ? null : v.Country("country", country);
        if (!v.IsValid) return v.ToProblem();

        IQueryable<Deployment> query = session.Query<Deployment>();
        if (expert is { } e) query = query.Where(d => d.ExpertId == e);
        if (request is { } r) query = query.Where(d => d.RequestId == r);
        if (statusValue is { } s) query = query.Where(d => d.Status == s);
        if (countryCode is not null) query = query.Where(d => d.Country == countryCode);

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(d => d.StartDate).ThenBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<DeploymentView>([.. items.Select(DeploymentView.From)], total));
    }

    private static Guid? ParseId(Validator v, string field, string? value)
    {
        if (value is null) return null;
        if (Guid.TryParse(value, out var id)) return id;
        v.Add(field, "must be a GUID");
        return null;
    }

    private static Func<IDocumentSession, CancellationToken, Task<DeploymentView>> Respond(Guid id) => async (session, ct) =>
        DeploymentView.From(await session.Events.FetchLatest<Deployment>(id, ct) ?? throw new InvalidOperationException($"Deployment {id} vanished."));
}
