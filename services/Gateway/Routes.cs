using Yarp.ReverseProxy.Configuration;

namespace EuCyberNet.Gateway;

/// <summary>
/// One origin for every path of the public contract (api.md). Destinations are service names
/// that Aspire's service discovery resolves, so replicas and ports never appear here.
/// </summary>
public static class Routes
{
    public const string ExpertApplicationsPolicy = "expert-applications";

    public static readonly IReadOnlyDictionary<string, string[]> PathsByService = new Dictionary<string, string[]>
    {
        ["experts"] = ["/experts"],
        ["projects"] = ["/projects", "/expertise-requests", "/deployments", "/partner-events", "/partners"],
        ["training"] = ["/courses", "/training-sessions", "/enrolments", "/training-requests", "/certificates"],
        ["coordination"] = ["/coordination"],
    };

    public static IReadOnlyList<RouteConfig> All(GatewayOptions options) =>
    [
        // The anonymous application form is the one door open to everyone: strictly rate limited.
        new RouteConfig
        {
            RouteId = "experts-applications",
            ClusterId = "experts",
            Order = -1,
            Match = new RouteMatch { Path = "/experts/applications", Methods = ["POST"] },
            RateLimiterPolicy = ExpertApplicationsPolicy,
            MaxRequestBodySize = 16 * 1024,
        },
        .. PathsByService.SelectMany(service => service.Value.Select(prefix => new RouteConfig
        {
            RouteId = $"{service.Key}{prefix.Replace('/', '-')}",
            ClusterId = service.Key,
            Match = new RouteMatch { Path = prefix + "/{**rest}" },
            MaxRequestBodySize = options.MaxRequestBodyBytes,
        })),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
    [
        .. PathsByService.Keys.Select(service => new ClusterConfig
        {
            ClusterId = service,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [service] = new() { Address = $"http://{service}" },
            },
        }),
    ];
}

/// <summary>The gateway's assembly, for hosting it in tests.</summary>
public sealed class GatewayService
{
    private GatewayService()
    {
    }
}
