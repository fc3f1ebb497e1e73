namespace EuCyberNet.Gateway;

/// <summary>Settings of section "Gateway".</summary>
public sealed class GatewayOptions
{
    /// <summary>Front-end origins allowed to call the API from a browser (CORS).</summary>
    public IReadOnlyList<string> CorsOrigins { get; set; } = [];

    /// <summary>Anonymous expert applications per client address and minute.</summary>
    public int ExpertApplicationsPerMinute { get; set; } = 5;

    /// <summary>Requests per client (token subject, else address) and minute, for everything else.</summary>
    public int RequestsPerMinute { get; set; } = 1200;

    /// <summary>Largest request body the gateway forwards.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
