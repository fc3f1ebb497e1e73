using Yarp.ReverseProxy.Configuration;

namespace EuCyberNet.Gateway;

/// <summary>
/// One origin for every path of the public contract (api.md). Destinations are service names
/// that Aspire's service discovery resolves, so replicas and ports never appear here.
/// </summary>
public static class Routes
{
    private static readonly Dictionary<string, string[]> PathsByService = new()
    {
        ["experts"] = ["/experts"],
        ["projects"] = ["/projects", "/expertise-requests", "/deployments", "/partner-events", "/partners"],
        ["training"] = ["/courses", "/training-sessions", "/enrolments", "/training-requests", "/certificates"],
        ["coordination"] = ["/coordination"],
    };

    public static IReadOnlyList<RouteConfig> All { get; } =
    [
        .. PathsByService.SelectMany(service => service.Value.Select(prefix => new RouteConfig
        {
            RouteId = $"{service.Key}{prefix.Replace('/', '-')}",
            ClusterId = service.Key,
            Match = new RouteMatch { Path = prefix + "/{**rest}" },
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
