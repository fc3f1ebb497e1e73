using EuCyberNet.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using EuCyberNet.Gateway.OpenApi;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Yarp.ReverseProxy.Transforms;

namespace EuCyberNet.Gateway;

public static class GatewayModule
{
    public const string CorsPolicy = "front-ends";

    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Gateway").Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins([.. options.CorsOrigins])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("ETag", "Location", RequestContext.CorrelationHeader, "Retry-After")));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = WriteTooManyRequestsAsync;
            limiter.AddPolicy(Routes.ExpertApplicationsPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.ExpertApplicationsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.Identity?.IsAuthenticated == true ? "user:" + http.User.UserName() : "address:" + ClientAddress(http),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.RequestsPerMinute / 6),
                    TokensPerPeriod = Math.Max(1, options.RequestsPerMinute / 6),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                    QueueLimit = 0,
                }));
        });

        builder.Services.AddReverseProxy()
            .LoadFromMemory(Routes.All(options), Routes.Clusters)
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(transforms => transforms.AddRequestTransform(context =>
            {
                // Downstream services and their events share the gateway's correlation id.
                context.ProxyRequest.Headers.Remove(RequestContext.CorrelationHeader);
                context.ProxyRequest.Headers.TryAddWithoutValidation(RequestContext.CorrelationHeader, context.HttpContext.CorrelationId());
                return ValueTask.CompletedTask;
            }));

        // The services deny by default; the gateway only forwards, so a path no service serves is a
        // plain 404 here rather than a 401 from the default-deny fallback policy.
        builder.Services.Configure<Microsoft.AspNetCore.Authorization.AuthorizationOptions>(options => options.FallbackPolicy = null);
        builder.Services.AddHttpClient(MergedOpenApiDocument.HttpClientName);
        builder.Services.AddSingleton<MergedOpenApiDocument>();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        // A literal route wins over ServiceDefaults' /openapi/{documentName}.json: the gateway's
        // document is the whole API, merged from the services'.
        app.MapGet("/openapi/v1.json", async (MergedOpenApiDocument document, CancellationToken ct) =>
                Results.Text(await document.GetAsync(ct), "application/json"))
            .ExcludeFromDescription()
            .DisableRateLimiting()
            .AllowAnonymousCallers("the merged API description");
        // Access is enforced by the services themselves (docs/security.md); the gateway forwards the
        // bearer token untouched, so a request it cannot authenticate still reaches them and gets their 401.
        app.MapReverseProxy().AllowAnonymousCallers("forwarded to the services, which enforce access");
        return app;
    }

    private static string ClientAddress(HttpContext http) =>
        http.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Type = "https://eucybernet.eu/problems/rate-limited",
                Detail = $"Slow down: try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.",
            },
        });
    }
}
