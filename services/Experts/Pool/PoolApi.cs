using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Pool;

public sealed record ApplicationAccepted(Guid Id, long Version, ExpertStatus Status);

public sealed record ExpertView(
    Guid Id, long Version, ExpertStatus Status, string Name, string Email, string Citizenship,
    string Organisation, string Motivation, DateTimeOffset AppliedAt)
{
    public static ExpertView From(Expert e) =>
        new(e.Id, e.Version, e.Status, e.Name, e.Email, e.Citizenship, e.Organisation, e.Motivation, e.AppliedAt);
}

public static class PoolApi
{
    public static IEndpointRouteBuilder MapPoolApi(this IEndpointRouteBuilder app)
    {
        var experts = app.MapGroup("/experts").WithTags("Experts");

        experts.MapPost("/applications", Apply)
            .AllowAnonymous()
            .WithSummary("Apply to join the expert pool (anonymous)");

        experts.MapGet("/{id:guid}", Get)
            .WithSummary("An expert's record; ?asOf= gives it as it was then");

        experts.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Expert>(id, ct))
            .WithSummary("Every event of the expert's record, oldest first");

        return app;
    }

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
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<Expert, ExpertView>(id, when, ExpertView.From, ct)
            : session.CurrentAsync<Expert, ExpertView>(http, id, ExpertView.From, ct);
}
