using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Overview;

public static class OverviewApi
{
    public static IEndpointRouteBuilder MapOverviewApi(this IEndpointRouteBuilder app)
    {
        var coordination = app.MapGroup("/coordination").WithTags("Coordination");
        coordination.MapGet("/overview", GetOverview).WithSummary("Network figures");
        return app;
    }

    private static async Task<Ok<NetworkOverview>> GetOverview(IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<NetworkOverview>(NetworkOverview.DocumentId, ct) ?? NetworkOverview.Empty);
}
