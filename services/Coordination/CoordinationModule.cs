using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Countries;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Gaps;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.Overview;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.Coordination.Rebuild;
using EuCyberNet.Coordination.Recording;
using EuCyberNet.Coordination.Timeline;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EuCyberNet.Coordination;

public static class CoordinationModule
{
    public const string ServiceName = "coordination";

    public static WebApplicationBuilder AddCoordination(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<OverlapOptions>(builder.Configuration.GetSection(OverlapOptions.Section));
        builder.Services.Configure<GapOptions>(builder.Configuration.GetSection(GapOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Every writer of the store enters it (the inbox and the alert commands through IWriteGate), so
        // the inline read models never fold two writers' changes from the same stale document.
        var readModelGate = new ReadModelGate();
        builder.Services.AddSingleton(readModelGate);
        builder.Services.AddSingleton<IWriteGate>(readModelGate);
        builder.Services.AddSingleton<ReadModelRebuild>();

        builder.AddEventStore("coordinationdb", options =>
            {
                // Coordination's store holds big, mostly optional snapshots: leaving nulls out makes its
                // documents and events about a third smaller, which is what a rebuild reads and writes.
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json =>
                {
                    JsonDefaults.Configure(json);
                    json.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
                });
                Tables.Configure(options);
                HeardEvents.Register(options);
                options.Events.MapEventType<OverlapRaised>("coordination.overlap_raised");
                options.Events.MapEventType<OverlapAcknowledged>("coordination.overlap_acknowledged");
                options.Events.MapEventType<OverlapResolved>("coordination.overlap_resolved");
                options.Events.MapEventType<OverlapDismissed>("coordination.overlap_dismissed");
                options.Events.IgnoreIndex(EventIndexes.CorrelationIndex);

                options.Projections.Snapshot<OverlapAlert>(SnapshotLifecycle.Inline);
                // Inline: the read models commit with the events they fold (the recording's transaction),
                // so what Coordination heard is visible in them as soon as it is recorded.
                options.Projections.Add(new CoordinationReadModels(Tables.Overview), ProjectionLifecycle.Inline, CoordinationReadModels.Name);
            })
            .AddSubscriptionWithServices<OverlapDetection>(ServiceLifetime.Singleton)
            .PublishIntegrationEvents<OverlapIntegrationEvents>();
        builder.Services.AddHostedService<EventIndexes>();
        builder.Services.AddHostedService<AsyncReadModelsRetirement>(); // after Marten's schema migration
        builder.Services.AddGroupCommitInbox();

        builder.AddMessaging(ServiceName, bus => bus.AddRecorders());
        builder.Services.AddDomainGauge("eucybernet.coordination.overlaps_open", "{alert}", "Overlap alerts raised or acknowledged, not yet resolved or dismissed",
            async (session, ct) => await session.Query<OverlapAlert>().CountAsync(a => a.Status == OverlapStatus.Raised || a.Status == OverlapStatus.Acknowledged, ct));
        return builder;
    }

    public static WebApplication MapCoordinationApi(this WebApplication app)
    {
        app.MapActivitiesApi();
        app.MapCountriesApi();
        app.MapOverlapsApi();
        app.MapGapsApi();
        app.MapOverviewApi();
        app.MapTimelineApi();
        app.MapRebuildApi();
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
