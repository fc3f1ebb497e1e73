using EuCyberNet.Projects.Candidates;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Projects.PartnerIntake;
using EuCyberNet.Projects.Partners;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace EuCyberNet.Projects;

/// <summary>
/// The Projects service: the CCB project registry, requests for expertise with their applications,
/// deployments, the partner registry and partner event intake, and what it knows about experts.
/// </summary>
public static class ProjectsModule
{
    public const string ServiceName = "projects";

    public static WebApplicationBuilder AddProjects(this WebApplicationBuilder builder)
    {
        builder.AddEventStore("projectsdb", options =>
            {
                options.Projections.Snapshot<Project>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ExpertiseRequest>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Deployment>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<KnownExpert>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Partner>(SnapshotLifecycle.Inline);

                options.Schema.For<Project>().GinIndexJsonData().Index(p => p.Source);
                options.Schema.For<ExpertiseRequest>().GinIndexJsonData().Index(r => r.Status);
                options.Schema.For<Deployment>().Index(d => d.ExpertId).Index(d => d.RequestId);
                options.Schema.For<Partner>().UniqueIndex(p => p.AmqpUser!);
                options.Schema.For<PartnerApiKey>().Index(k => k.KeyId);
                options.Schema.For<PartnerEventReceipt>();
                options.Schema.For<RejectedPartnerEvent>().Index(r => r.ReceivedAt);
            })
            .PublishIntegrationEvents<ProjectsIntegrationEvents>();
        builder.AddMessaging(ServiceName, bus => bus.AddExpertFactConsumers());
        builder.Services.AddDomainGauge("eucybernet.projects.open_requests", "{request}", "Requests for expertise published and open for applications",
            async (session, ct) => await session.Query<ExpertiseRequest>().CountAsync(r => r.Status == RequestStatus.Published, ct));
        builder.Services.AddDomainGauge("eucybernet.projects.active_deployments", "{deployment}", "Deployments confirmed or under way (started, extended)",
            async (session, ct) => await session.Query<Deployment>().CountAsync(d => d.Status == DeploymentStatus.Confirmed || d.Status == DeploymentStatus.Started, ct));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<DeadlineCheckOptions>(builder.Configuration.GetSection("DeadlineCheck"));
        builder.Services.AddHostedService<DeadlineCheck>();

        // Candidates come from the Experts service (service discovery + ServiceDefaults' resilience).
        builder.Services.AddHttpClient<ExpertsClient>(http => http.BaseAddress = new Uri(builder.Configuration["Experts:BaseAddress"] ?? "http://experts"));
        // ServiceDefaults adds the standard resilience handler to every client through the client defaults,
        // whose options are not named per client; the Experts client is this service's only one.
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(builder.Configuration.GetSection("Experts:Resilience").Bind);

        builder.Services.AddSingleton<PartnerEventIntake>();
        builder.Services.Configure<PartnerAmqpOptions>(builder.Configuration.GetSection("PartnerEvents"));
        builder.Services.AddSingleton<PartnerEventListenerHealth>();
        builder.Services.AddHostedService<PartnerEventListener>();
        builder.Services.AddHealthChecks().AddCheck<PartnerEventListenerHealth>("partner-intake", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapProjectsApi(this WebApplication app)
    {
        app.MapProjectsRegistryApi();
        app.MapExpertiseRequestsApi();
        app.MapCandidatesApi();
        app.MapDeploymentsApi();
        app.MapPartnersApi();
        app.MapPartnerEventsApi();
        return app;
    }
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;ProjectsService&gt;</c>).</summary>
public sealed class ProjectsService
{
    private ProjectsService()
    {
    }
}
