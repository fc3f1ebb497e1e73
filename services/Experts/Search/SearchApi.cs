using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Search;

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/experts").WithTags("Experts")
            .MapGet("", Search)
            .WithSummary("Search experts: role, skill, language + minLevel, citizenship, status (+ overdue), availableFrom/To, q; page, pageSize, sort")
            .AllowRoles(Access.Readers);
        return app;
    }

    private static async Task<Results<Ok<Page<ExpertListItem>>, ValidationProblem>> Search(
        [AsParameters] SearchQuery query, ExpertsReadSide readSide, Matching.CandidatePool pool, TimeProvider clock, CancellationToken ct)
    {
        var (criteria, validation) = ExpertSearch.Validate(query);
        if (criteria is null) return validation.ToProblem();
        await using var connection = await readSide.OpenAsync(ct);
        return TypedResults.Ok(await ExpertSearch.RunAsync(connection, pool, criteria, clock.GetUtcNow(), ct));
    }
}
