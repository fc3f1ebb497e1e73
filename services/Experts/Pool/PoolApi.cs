using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.ServiceDefaults.Security;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Pool;

public sealed record ApplicationAccepted(Guid Id, long Version, ExpertStatus Status);

/// <summary>The body of a decision; <c>reason</c> is required to reject, suspend and for staff to withdraw.</summary>
public sealed record DecisionRequest(string? Reason);

/// <summary>Applications, the record with its history, and staff decisions.</summary>
public static class PoolApi
{
    public const string ApplicationsRateLimit = "applications";

    public static IEndpointRouteBuilder MapPoolApi(this IEndpointRouteBuilder app)
    {
        var experts = app.MapGroup("/experts").WithTags("Experts");

        experts.MapPost("/applications", Apply)
            .AllowAnonymousCallers("the public application form; rate-limited per client address")
            .RequireRateLimiting(ApplicationsRateLimit)
            .WithSummary("Apply to join the expert pool (anonymous, rate-limited)");

        experts.MapGet("/{id:guid}", Get)
            .WithSummary("An expert's record; ?asOf= gives it as it was then")
            .AllowRoles([.. Access.Readers, Roles.Expert], ownOnly: [Roles.Expert]).OwnExpertInRoute();

        experts.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Expert>(id, ct))
            .WithSummary("Every event of the expert's record, oldest first")
            .AllowRoles([Roles.Coordinator, Roles.Auditor, Roles.Expert], ownOnly: [Roles.Expert]).OwnExpertInRoute();

        experts.MapPost("/{id:guid}/acknowledge", (Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
                session.DecideAsync(http, clock, id, Lifecycle.Acknowledge, ct))
            .WithSummary("Reply to an application (due within 5 working days)")
            .AllowRoles(Roles.Coordinator);

        experts.MapPost("/{id:guid}/accept", (Guid id, DecisionRequest? body, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
                Decide(id, body, reasonRequired: false, http, session, clock, (e, reason) => Lifecycle.Accept(e, reason), ct))
            .WithSummary("Accept a submitted profile into the pool (needs consent to data processing)")
            .AllowRoles(Roles.Coordinator);

        experts.MapPost("/{id:guid}/reject", (Guid id, DecisionRequest? body, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
                Decide(id, body, reasonRequired: true, http, session, clock, (e, reason) => Lifecycle.Reject(e, reason!), ct))
            .WithSummary("Reject an application (reason required)")
            .AllowRoles(Roles.Coordinator);

        experts.MapPost("/{id:guid}/suspend", (Guid id, DecisionRequest? body, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
                Decide(id, body, reasonRequired: true, http, session, clock, (e, reason) => Lifecycle.Suspend(e, reason!), ct))
            .WithSummary("Suspend an accepted expert (reason required)")
            .AllowRoles(Roles.Coordinator);

        experts.MapPost("/{id:guid}/reinstate", (Guid id, DecisionRequest? body, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
                Decide(id, body, reasonRequired: false, http, session, clock, (e, reason) => Lifecycle.Reinstate(e, reason), ct))
            .WithSummary("Reinstate a suspended expert")
            .AllowRoles(Roles.Coordinator);

        experts.MapPost("/{id:guid}/withdraw", (Guid id, DecisionRequest? body, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
            {
                var byExpert = IsExpert(http);
                return Decide(id, body, reasonRequired: !byExpert, http, session, clock, (e, reason) => Lifecycle.Withdraw(e, reason, byExpert), ct);
            })
            .WithSummary("Withdraw from the pool (the expert), or withdraw someone (staff, reason required)")
            .AllowRoles([Roles.Coordinator, Roles.Expert], ownOnly: [Roles.Expert]).OwnExpertInRoute();

        return app;
    }

    /// <summary>The caller acts as the expert themselves (an <c>expert</c> token), not as staff.</summary>
    public static bool IsExpert(HttpContext http) => http.User.IsInRole(Roles.Expert);

    private static async Task<Results<Created<ApplicationAccepted>, ValidationProblem>> Apply(
        ApplicationRequest request, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var (applied, validation) = Applications.Validate(request);
        if (applied is null) return validation.ToProblem();

        // The applicant is anonymous: the answer names the new record, it does not echo it back.
        return await session.CreateAsync<Expert, ApplicationAccepted>(http, "experts", [applied],
            expert => new ApplicationAccepted(expert.Id, expert.Version, expert.Status), ct);
    }

    private static Task<Results<Ok<ExpertView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, TimeProvider clock, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<Expert, ExpertView>(id, when, e => ExpertView.From(e, when), ct)
            : session.CurrentAsync<Expert, ExpertView>(http, id, e => ExpertView.From(e, clock.GetUtcNow()), ct);

    private static async Task<Results<Ok<ExpertView>, ProblemHttpResult, ValidationProblem>> Decide(
        Guid id, DecisionRequest? body, bool reasonRequired, HttpContext http, IDocumentSession session, TimeProvider clock,
        Func<Expert, string?, Decision> decide, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.OptionalText("reason", body?.Reason, Lifecycle.MaxReasonLength);
        if (reasonRequired && reason is null && v.IsValid) v.Add("reason", "is required for this decision");
        if (!v.IsValid) return v.ToProblem();
        return (await session.DecideAsync(http, clock, id, expert => decide(expert, reason), ct)).OrInvalid();
    }
}
