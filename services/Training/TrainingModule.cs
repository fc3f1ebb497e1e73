using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;

namespace EuCyberNet.Training;

/// <summary>The Training service's composition; its features arrive with their own issue.</summary>
public static class TrainingModule
{
    public const string ServiceName = "training";

    public static WebApplicationBuilder AddTraining(this WebApplicationBuilder builder)
    {
        builder.AddEventStore("trainingdb", _ => { });
        builder.AddMessaging(ServiceName);
        return builder;
    }

    public static WebApplication MapTrainingApi(this WebApplication app) => app;
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;TrainingService&gt;</c>).</summary>
public sealed class TrainingService
{
    private TrainingService()
    {
    }
}
