using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events.Projections;
using Marten;

namespace EuCyberNet.Experts;

public static class ExpertsModule
{
    public const string ServiceName = "experts";

    public static WebApplicationBuilder AddExperts(this WebApplicationBuilder builder)
    {
        builder.AddEventStore("expertsdb", options =>
            {
                options.Projections.Snapshot<Expert>(SnapshotLifecycle.Inline);
            })
            .PublishIntegrationEvents<ExpertsIntegrationEvents>();
        builder.AddMessaging(ServiceName);
        return builder;
    }

    public static WebApplication MapExpertsApi(this WebApplication app)
    {
        app.MapPoolApi();
        return app;
    }
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;ExpertsService&gt;</c>).</summary>
public sealed class ExpertsService
{
    private ExpertsService()
    {
    }
}
