using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Gateway;
using EuCyberNet.Testing;

namespace EuCyberNet.Gateway.Tests;

/// <summary>
/// What the gateway itself decides, before anything is forwarded: rate limits and CORS. (Routing
/// to the real services is exercised end to end through the AppHost.)
/// </summary>
public sealed class GatewayPolicyTests : IDisposable
{
    private readonly ServiceHost<GatewayService> _gateway = new(new Dictionary<string, string?>
    {
        ["Gateway:ExpertApplicationsPerMinute"] = "2",
        ["Gateway:RequestsPerMinute"] = "600",
        ["Gateway:CorsOrigins:0"] = "https://staff.eucybernet.eu",
        ["Auth:SigningKey"] = EuCyberNet.ServiceDefaults.Security.AuthenticationExtensions.NewSigningKey(),
        // No service runs behind this gateway: forwarded requests fail fast, which these tests ignore.
        ["services:experts:http:0"] = "http://127.0.0.1:1",
    });

    [Fact]
    public async Task Anonymous_applications_are_strictly_rate_limited_with_a_problem_and_retry_after()
    {
        var client = _gateway.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await client.PostAsJsonAsync("/experts/applications", new { name = "x" })).StatusCode);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);

        var rejected = await client.PostAsJsonAsync("/experts/applications", new { name = "x" });
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.True(int.Parse(rejected.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var problem = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://eucybernet.eu/problems/rate-limited", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Other_paths_are_not_held_to_the_application_limit()
    {
        var client = _gateway.CreateClient();
        for (var i = 0; i < 5; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync("/experts?page=1")).StatusCode);
    }

    [Fact]
    public async Task A_configured_front_end_origin_passes_the_preflight_and_another_does_not()
    {
        var client = _gateway.CreateClient();

        var allowed = await client.SendAsync(Preflight("https://staff.eucybernet.eu"));
        Assert.Equal("https://staff.eucybernet.eu", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var refused = await client.SendAsync(Preflight("https://evil.example"));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_gateway_answers_with_a_correlation_id()
    {
        var response = await _gateway.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Correlation-Id").Single()));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/expertise-requests");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,authorization,if-match");
        return request;
    }

    public void Dispose() => _gateway.Dispose();
}
