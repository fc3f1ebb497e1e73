using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Experts.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Matching;

public static class MatchingApi
{
    public static IEndpointRouteBuilder MapMatchingApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/experts").WithTags("Experts")
            .MapGet("/matches", Match)
            .WithSummary("Ranked candidates for a role, skills, languages, country and period, each with a score (0–100) and reasons")
            .AllowRoles(Access.Readers);
        return app;
    }

    private static async Task<Results<Ok<Page<MatchItem>>, ValidationProblem>> Match(
        [AsParameters] MatchRequest request, ExpertsReadSide readSide, CandidatePool pool, CancellationToken ct)
    {
        var (criteria, paging, validation) = MatchQuery.Validate(request);
        if (criteria is null) return validation.ToProblem();
        await using var connection = await readSide.OpenAsync(ct);
        return TypedResults.Ok(await MatchQuery.RunAsync(connection, pool, criteria, paging, ct));
    }
}
