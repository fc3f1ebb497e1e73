using EuCyberNet.AppHost.Infrastructure;
using EuCyberNet.AppHost.Operations;
using Microsoft.Extensions.Configuration;

namespace EuCyberNet.AppHost;

/// <summary>How every EU CyberNet service is added to the app model.</summary>
public static class ServiceResources
{
    /// <summary>
    /// A service with its own database ("{name}db"), RabbitMQ, the shared token signing key and a
    /// readiness check on /health; it starts once its database and the broker answer.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, PlatformInfrastructure platform, SigningKey signingKey)
        where TProject : IProjectMetadata, new()
    {
        var database = platform.Database($"{name}db");
        var service = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint()
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("Auth__SigningKey", signingKey.Parameter)
            .WithReference(database)
            .WithReference(platform.RabbitMq)
            .WithHttpHealthCheck("/health")
            .WithReplayErrorQueuesCommand(signingKey.OperatorToken);
        if (platform.CanWait) service.WaitFor(database).WaitFor(platform.RabbitMq);
        return service;
    }

    /// <summary>The one front door, on a fixed local port (Gateway:Port, default 5080).</summary>
    public static IResourceBuilder<ProjectResource> AddGateway(
        this IDistributedApplicationBuilder builder, SigningKey signingKey, params IResourceBuilder<ProjectResource>[] services)
    {
        var port = builder.Configuration.GetValue<int?>("Gateway:Port") ?? 5080;
        var gateway = builder.AddProject<Projects.EuCyberNet_Gateway>("gateway", launchProfileName: null)
            .WithHttpEndpoint(port: port == 0 ? null : port)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("Auth__SigningKey", signingKey.Parameter)
            .WithHttpHealthCheck("/health")
            .WithExternalHttpEndpoints()
            .WithSeedDemoDataCommand(signingKey.OperatorToken, new EuCyberNet.Demo.DemoOptions(Experts: builder.Configuration.GetValue("Demo:Experts", 300)));
        foreach (var service in services) gateway.WithReference(service).WaitFor(service);
        return gateway;
    }

    /// <summary>The HMAC key every service validates tokens with (kept in .data/secrets).</summary>
    public static SigningKey AddJwtSigningKey(this IDistributedApplicationBuilder builder, PlatformInfrastructure platform)
    {
        var key = Secrets.GetOrCreate(platform.DataDirectory, "jwt-signing-key", Secrets.NewSigningKey);
        return new SigningKey(builder.AddParameter("jwt-signing-key", () => key, secret: true), new OperatorToken(key));
    }
}

/// <summary>The token signing key: as a secret parameter for the services, and for the dashboard's commands.</summary>
public sealed record SigningKey(IResourceBuilder<ParameterResource> Parameter, OperatorToken OperatorToken);
