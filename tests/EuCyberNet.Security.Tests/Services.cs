using EuCyberNet.Coordination;
using EuCyberNet.Experts;
using EuCyberNet.Projects;
using EuCyberNet.Testing;
using EuCyberNet.Training;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Security.Tests;

/// <summary>One endpoint of one service, with the access rule it declares (null: it declares none).</summary>
public sealed record Endpoint(string Service, string Method, string Route, AccessRule? Rule)
{
    public string Name => $"{Method} {Route}";
}

/// <summary>The four services, each in the test process on real PostgreSQL and RabbitMQ.</summary>
public sealed class Services : IAsyncLifetime
{
    public ServiceHost<ExpertsService> Experts { get; private set; } = null!;
    public ServiceHost<ProjectsService> Projects { get; private set; } = null!;
    public ServiceHost<TrainingService> Training { get; private set; } = null!;
    public ServiceHost<CoordinationService> Coordination { get; private set; } = null!;
    public string SigningKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var platform = await TestPlatform.CreateAsync();
        SigningKey = platform.SigningKey;
        var starting = new[]
        {
            Start(() => platform.StartServiceAsync<ExpertsService>("expertsdb"), h => Experts = h),
            Start(() => platform.StartServiceAsync<ProjectsService>("projectsdb"), h => Projects = h),
            Start(() => platform.StartServiceAsync<TrainingService>("trainingdb"), h => Training = h),
            Start(() => platform.StartServiceAsync<CoordinationService>("coordinationdb"), h => Coordination = h),
        };
        await Task.WhenAll(starting);
    }

    private static async Task Start<T>(Func<Task<T>> start, Action<T> keep) => keep(await start());

    public IEnumerable<(string Service, Func<string, string, System.Security.Claims.Claim[], HttpClient> Client, IServiceProvider Provider, Func<HttpClient> Anonymous)> All()
    {
        yield return ("experts", Experts.CreateClient, Experts.Services, Experts.CreateClient);
        yield return ("projects", Projects.CreateClient, Projects.Services, Projects.CreateClient);
        yield return ("training", Training.CreateClient, Training.Services, Training.CreateClient);
        yield return ("coordination", Coordination.CreateClient, Coordination.Services, Coordination.CreateClient);
    }

    /// <summary>Every HTTP endpoint a service maps, with its declared rule.</summary>
    public static IReadOnlyList<Endpoint> EndpointsOf(string service, IServiceProvider provider) =>
    [
        .. provider.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => new Endpoint(service, m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetOrderedMetadata<AccessRule>() is { Count: > 0 } rules ? rules[^1] : null)))
            .DistinctBy(e => e.Name)
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal),
    ];

    public async Task DisposeAsync()
    {
        foreach (var host in new IAsyncDisposable?[] { Experts, Projects, Training, Coordination })
            if (host is not null) await host.DisposeAsync();
    }
}
