using System.Threading.RateLimiting;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Experts.Engagements;
using EuCyberNet.Experts.Erasure;
using EuCyberNet.Experts.Matching;
using EuCyberNet.Experts.Pool;
using EuCyberNet.Experts.Profiles;
using EuCyberNet.Experts.Publishing;
using EuCyberNet.Experts.Search;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.ServiceDefaults.Telemetry;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace EuCyberNet.Experts;

public static class ExpertsModule
{
    public const string ServiceName = "experts";

    public static WebApplicationBuilder AddExperts(this WebApplicationBuilder builder)
    {
        builder.AddEventStore("expertsdb", ConfigureStore)
            .PublishIntegrationEvents<ExpertsIntegrationEvents>();
        builder.AddMessaging(ServiceName, bus => bus.AddEngagementConsumers());
        builder.Services.AddDomainGauge("eucybernet.experts.in_pool", "{expert}", "Experts accepted into the pool (suspended, withdrawn and erased ones are not)",
            async (session, ct) => (await session.QueryAsync<long>($"select count(*) from public.{ExpertSearchTable.IndexName} where status = 'accepted'", ct)).Single());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => new ExpertsReadSide(NpgsqlDataSource.Create(
            // A few query shapes over and over: prepared (no re-parsing), but planned for each
            // request's values (a generic plan cannot know how selective a role or a word is), and
            // never JIT-compiled (compiling costs more than these queries run).
            new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString("expertsdb")) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 3, Options = "-c plan_cache_mode=force_custom_plan -c jit=off" }.ConnectionString)));
        builder.Services.AddSingleton<Matching.CandidatePool>();
        builder.Services.AddRateLimiter(limiter =>
        {
            var perMinute = builder.Configuration.GetValue("Experts:Applications:PermitsPerMinute", 30);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            // Per client address; behind the gateway, the first X-Forwarded-For address.
            // A coordinator entering applications on people's behalf is not limited (see the gateway).
            limiter.AddPolicy(PoolApi.ApplicationsRateLimit, http => http.User.IsInRole(Roles.Coordinator)
                ? RateLimitPartition.GetNoLimiter("staff")
                : RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return builder;
    }

    /// <summary>The expert store: events, the inline snapshot with its search row, masking rules.</summary>
    public static void ConfigureStore(StoreOptions options)
    {
        options.Projections.Add<ExpertProjection>(ProjectionLifecycle.Inline);
        options.Events.EnableSideEffectsOnInlineProjections = true;
        options.Storage.ExtendedSchemaObjects.AddRange(ExpertSearchTable.Definitions());
        PersonalData.RegisterWith(options);
    }

    public static WebApplication MapExpertsApi(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapPoolApi();
        app.MapProfilesApi();
        app.MapSearchApi();
        app.MapMatchingApi();
        app.MapErasureApi();
        return app;
    }

    private static string ClientAddress(HttpContext http)
    {
        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0) return forwarded.Split(',')[0].Trim();
        return http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;ExpertsService&gt;</c>).</summary>
public sealed class ExpertsService
{
    private ExpertsService()
    {
    }
}
