using EuCyberNet.Coordination.Overview;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events.Projections;
using Marten;

namespace EuCyberNet.Coordination;

public static class CoordinationModule
{
    public const string ServiceName = "coordination";

    public static WebApplicationBuilder AddCoordination(this WebApplicationBuilder builder)
    {
        builder.AddEventStore("coordinationdb", options =>
        {
            options.Projections.Add<NetworkOverviewProjection>(ProjectionLifecycle.Async);
        });
        builder.AddMessaging(ServiceName, bus =>
        {
            bus.AddConsumer<RecordExpertApplication>();
        });
        return builder;
    }

    public static WebApplication MapCoordinationApi(this WebApplication app)
    {
        app.MapOverviewApi();
        return app;
    }
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;CoordinationService&gt;</c>).</summary>
public sealed class CoordinationService
{
    private CoordinationService()
    {
    }
}
