using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;

namespace EuCyberNet.Projects;

/// <summary>The Projects service's composition; its features arrive with their own issue.</summary>
public static class ProjectsModule
{
    public const string ServiceName = "projects";

    public static WebApplicationBuilder AddProjects(this WebApplicationBuilder builder)
    {
        builder.AddEventStore("projectsdb", _ => { });
        builder.AddMessaging(ServiceName);
        return builder;
    }

    public static WebApplication MapProjectsApi(this WebApplication app) => app;
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;ProjectsService&gt;</c>).</summary>
public sealed class ProjectsService
{
    private ProjectsService()
    {
    }
}
