using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>
/// What an operator needs from every service, also behind the dashboard's commands: error queue
/// depths and their replay, and how far the async daemon's shards lag behind.
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Operations");
        var readers = new[] { Roles.Coordinator, Roles.Auditor };

        if (app.ServiceProvider.GetService<ErrorQueues>() is not null)
        {
            admin.MapGet("/messaging/error-queues", async (ErrorQueues queues, CancellationToken ct) => TypedResults.Ok(await queues.DepthsAsync(ct)))
                .AllowRoles(readers)
                .WithSummary("Messages waiting in each error queue of this service");
            admin.MapPost("/messaging/error-queues/replay", async (ErrorQueues queues, CancellationToken ct) => TypedResults.Ok(await queues.ReplayAsync(ct)))
                .AllowRoles(Roles.Coordinator)
                .WithSummary("Move every faulted message back to its queue (safe: consumers are idempotent)");
        }

        if (app.ServiceProvider.GetService<EventStoreLag>() is { } lag)
        {
            admin.MapGet("/event-store/lag", () => TypedResults.Ok(lag.Current))
                .AllowRoles(readers)
                .WithSummary("Events each async daemon shard (relay, projections) still has to process");
        }
        return app;
    }
}
