using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.ExpertiseRequests;

public sealed record ApplicationBody(string? ExpertId, bool? Nominated, string? Reason);

/// <summary>Applications and nominations, the shortlist and the selection that creates a deployment.</summary>
public static class ApplicationsApi
{
    public static RouteGroupBuilder MapApplicationsApi(this RouteGroupBuilder requests)
    {
        requests.MapPost("/{id:guid}/applications", Apply)
            .WithSummary("An expert applies, or staff nominate one (nominated: true)")
            .AllowRoles([.. Access.Staff, Roles.Expert], ownOnly: [Roles.Expert], note: "expert: for themselves, not nominated").OwnBody<RouteHandlerBuilder, ApplicationBody>(Owners.AppliesAsSelf);
        requests.MapPost("/{id:guid}/applications/{expertId:guid}/shortlist",
                (Guid id, Guid expertId, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                    Command(id, expertId, body, http, session, RequestDecisions.Shortlist, ct))
            .WithSummary("Shortlist an application")
            .AllowRoles(Roles.ProjectOfficer, Roles.Coordinator);
        requests.MapPost("/{id:guid}/applications/{expertId:guid}/decline",
                (Guid id, Guid expertId, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                    Command(id, expertId, body, http, session, RequestDecisions.Decline, ct))
            .WithSummary("Decline an application (not selected)")
            .AllowRoles(Roles.ProjectOfficer, Roles.Coordinator);
        requests.MapPost("/{id:guid}/applications/{expertId:guid}/withdraw",
                (Guid id, Guid expertId, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                    Command(id, expertId, body, http, session, RequestDecisions.Withdraw, ct))
            .WithSummary("Withdraw an application")
            .AllowRoles([Roles.Coordinator, Roles.Expert], ownOnly: [Roles.Expert]).OwnExpertInRoute("expertId");
        requests.MapPost("/{id:guid}/applications/{expertId:guid}/select", Select)
            .WithSummary("Select a shortlisted expert: plans their deployment (Location names it)")
            .AllowRoles(Roles.ProjectOfficer, Roles.Coordinator);
        return requests;
    }

    private static async Task<Results<Created<ApplicationView>, ProblemHttpResult, ValidationProblem>> Apply(
        Guid id, ApplicationBody body, HttpContext http, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator();
        var expertId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(body.ExpertId)) v.Add("expertId", "is required");
        else if (!Guid.TryParse(body.ExpertId, out expertId)) v.Add("expertId", "must be an expert id (a GUID)");
        var reason = RequestValidation.Reason(v, body.Reason);
        if (!v.IsValid) return v.ToProblem();

        // The expert's standing is read as Projects knows it now; the strict check (under the expert's
        // stream version) happens at selection.
        var expert = await session.Events.FetchLatest<KnownExpert>(expertId, ct);
        var result = await session.DecideAsync<ExpertiseRequest, RequestView>(http, id,
            r => RequestDecisions.Apply(r, expertId, body.Nominated ?? false, expert, time.Today(), reason), RequestView.From, ct);
        if (result.Result is not Ok<RequestView> { Value: { } request }) return (ProblemHttpResult)result.Result;
        var application = request.Applications.First(a => a.ExpertId == expertId);
        return TypedResults.Created($"/expertise-requests/{id}/applications/{expertId}", application);
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult, ValidationProblem>> Command(
        Guid id, Guid expertId, ReasonBody? body, HttpContext http, IDocumentSession session,
        Func<ExpertiseRequest, Guid, string?, Decision> decide, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.Reason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<ExpertiseRequest, RequestView>(http, id,
            r => decide(r, expertId, reason), RequestView.From, ct));
    }

    /// <summary>
    /// The selection commits three streams at once: the request (fetched exclusively, so selections
    /// on one request queue up and each sees the places the previous ones took), the new deployment,
    /// and the expert's stream (fetched for writing, so two requests cannot book one expert for
    /// overlapping periods: the second commit fails and is decided again on the new bookings).
    /// </summary>
    private static async Task<Results<Ok<RequestView>, ProblemHttpResult, ValidationProblem>> Select(
        Guid id, Guid expertId, ReasonBody? body, HttpContext http, ISessionFactory sessions, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.Reason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();

        return CommandResults.Widen(await sessions.RunAsync<RequestView>(http, async (session, expected, token) =>
        {
            var request = await session.Events.FetchForExclusiveWriting<ExpertiseRequest>(id, token);
            if (request.Aggregate is not { } r) return Problems.NotFound(nameof(ExpertiseRequest), id);
            if (expected is { } version && r.Version != version) return Problems.PreconditionFailed(version);

            var expert = await session.Events.FetchForWriting<KnownExpert>(expertId, token);
            var deploymentId = Guid.CreateVersion7();
            var selection = RequestDecisions.Select(r, expertId, expert.Aggregate, deploymentId, reason);
            if (selection.Request.Error is { } error)
            {
                ProjectsMetrics.Selection(error.Code);
                return Problems.Conflict(error);
            }
            if (selection.Request.Events.Count == 0)
            {
                if (r.ApplicationOf(expertId)?.DeploymentId is { } existing) http.Response.Headers.Location = $"/deployments/{existing}";
                return Outcome.Unchanged(Respond(id));
            }

            request.AppendMany(selection.Request.Events);
            session.Events.StartStream<Deployment>(deploymentId, selection.Deployment!);
            expert.AppendOne(selection.Booking!);
            http.Response.Headers.Location = $"/deployments/{deploymentId}";
            return Outcome.Commit(async (committed, token) =>
            {
                ProjectsMetrics.Selection("selected");
                return await Respond(id)(committed, token);
            });
        }, view => view.Version, ct));
    }

    private static Func<IDocumentSession, CancellationToken, Task<RequestView>> Respond(Guid id) => async (session, ct) =>
        RequestView.From(await session.Events.FetchLatest<ExpertiseRequest>(id, ct)
                         ?? throw new InvalidOperationException($"Request {id} vanished."));
}
