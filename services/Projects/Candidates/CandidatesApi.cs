using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.Candidates;

/// <summary>
/// A ranked candidate for a request: the Experts service's score and reasons, with what Projects
/// knows locally (the expert's standing, whether they already applied, whether they are free for
/// the request's period). Shown, never stored.
/// </summary>
public sealed record Candidate(
    Guid ExpertId,
    string? Name,
    string? Citizenship,
    double Score,
    IReadOnlyList<string> Reasons,
    PoolStanding Standing,
    ApplicationStatus? Application,
    bool Available);

public static class CandidatesApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapCandidatesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/expertise-requests/{id:guid}/candidates", GetCandidates)
            .WithTags("Requests for expertise")
            .WithSummary("Matching experts for the request, ranked by the Experts service's score, with its reasons")
            .AllowRoles(Access.Staff);
        return app;
    }

    private static async Task<Results<Ok<Page<Candidate>>, ProblemHttpResult, ValidationProblem>> GetCandidates(
        Guid id, int? pageSize, HttpContext http, IQuerySession session, ExpertsClient experts, CancellationToken ct)
    {
        var v = new Validator();
        var size = v.Range("pageSize", pageSize ?? DefaultPageSize, 1, MaxPageSize);
        if (!v.IsValid) return v.ToProblem();

        var request = await session.LoadAsync<ExpertiseRequest>(id, ct);
        if (request is null) return Problems.NotFound(nameof(ExpertiseRequest), id);
        var d = request.Details;

        ExpertMatches matches;
        try
        {
            matches = await experts.MatchesAsync(new MatchQuery(d.Roles, d.Skills, d.Languages, d.Country, d.StartDate, d.EndDate, size),
                http.Request.Headers.Authorization.ToString(), ct);
        }
        catch (ExpertsServiceException e)
        {
            return e.Unavailable
                ? TypedResults.Problem($"{e.Message} Candidates cannot be listed right now; everything else works. Try again shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Experts service unavailable",
                    type: "https://eucybernet.eu/problems/experts-unavailable")
                : TypedResults.Problem($"{e.Message} Candidates cannot be listed right now.",
                    statusCode: StatusCodes.Status502BadGateway, title: "Experts service failed",
                    type: "https://eucybernet.eu/problems/experts-failed");
        }

        var items = matches.Items ?? [];
        var ids = items.Select(m => m.ExpertId).Distinct().ToArray();
        var known = (await session.LoadManyAsync<KnownExpert>(ct, ids)).ToDictionary(k => k.Id);
        var candidates = items
            .Select((m, rank) => (Match: m, Rank: rank))
            .OrderByDescending(x => x.Match.Score).ThenBy(x => x.Rank)
            .Select(x =>
            {
                var expert = known.GetValueOrDefault(x.Match.ExpertId);
                return new Candidate(x.Match.ExpertId, x.Match.Name, x.Match.Citizenship, x.Match.Score, x.Match.Reasons ?? [],
                    expert?.Standing ?? PoolStanding.Unknown,
                    request.ApplicationOf(x.Match.ExpertId)?.Status,
                    ExpertRules.Overlapping(expert, d.StartDate, d.EndDate) is null);
            })
            .ToList();
        return TypedResults.Ok(new Page<Candidate>(candidates, matches.Total));
    }
}
