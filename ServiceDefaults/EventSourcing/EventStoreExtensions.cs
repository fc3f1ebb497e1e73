using System.Text.Json;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.OpenTelemetry;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Weasel.Core;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

public static class EventStoreExtensions
{
    /// <summary>
    /// The service's Marten event store and document database on its own PostgreSQL database
    /// (connection string <paramref name="connectionName"/>), configured the same way everywhere:
    /// GUID streams, full event metadata (user, correlation, causation, headers), JSON as the API
    /// writes it, the inbox document, LISTEN/NOTIFY wake-ups and the async daemon in HotCold mode
    /// (one leader among replicas runs the relay and async projections).
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddEventStore(
        this IHostApplicationBuilder builder, string connectionName, Action<StoreOptions> configure)
    {
        var connectionString = WithAutoPrepare(
            builder.Configuration.GetConnectionString(connectionName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured."),
            builder.Configuration.GetValue("EventStore:MaxAutoPrepare", DefaultMaxAutoPrepare));

        builder.Services.AddHttpContextAccessor();
        // Marten's failure log: lost races (409s, retried deliveries) at Debug, no parameter values (MartenFailureLog).
        builder.Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<IDocumentStore>, MartenFailureLog>();
        builder.Services.AddHealthChecks().AddCheck(
            "postgres", new PostgresHealthCheck(connectionString), HealthStatus.Unhealthy, ["ready"]);
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<Telemetry.EventStoreLag>(sp, connectionString));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Telemetry.EventStoreLag>());
        // Commands share transactions (DecideAsync/CreateAsync); EventStore:GroupCommit=false turns it off.
        if (builder.Configuration.GetValue("EventStore:GroupCommit", true)) builder.Services.AddSingleton<CommandGroupCommit>();

        return builder.Services
            .AddMarten(_ =>
            {
                var options = new StoreOptions();
                options.Connection(connectionString);
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, JsonDefaults.Configure);
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                options.Events.MetadataConfig.EnableAll();
                options.Events.MetadataConfig.UserNameEnabled = true;
                options.Events.UseListenNotifyForEventAppends = true;
                // LISTEN/NOTIFY wakes the high-water agent as an append commits; the polling times bound
                // how late it is otherwise. Marten drops the wake-ups that arrive while it is detecting,
                // so a commit in that window waited the full slow poll (1 s by default): the last events
                // of every propagation run took 1,027 ms, and a lone command on a quiet system can too.
                options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
                options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
                // A gap in the event sequence (a rolled-back append burned its numbers and Marten could
                // not back-fill them with tombstones) holds every async shard — the relay too — until it
                // is StaleSequenceThreshold old (3 s by default); only then does Marten probe whether a
                // live transaction could still fill it, and skip it if none can.
                // The probe, not the wait, is what keeps a slow commit from being skipped, so the wait
                // is short: with 3 s, loading the demo stalled Projects' relay nine times for 3 s each.
                options.Projections.StaleSequenceThreshold = TimeSpan.FromMilliseconds(300);
                options.Projections.Errors.SkipApplyErrors = false;
                options.Projections.Errors.SkipSerializationErrors = false;
                options.Projections.Errors.SkipUnknownEvents = false;
                options.OpenTelemetry.TrackConnections = TrackLevel.Normal;
                options.Schema.For<InboxEntry>();
                options.Schema.For<DuplicateDelivery>();
                configure(options);
                return options;
            })
            .BuildSessionsWith<AuditedSessionFactory>()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(DaemonMode.HotCold);
    }

    /// <summary>Statements Npgsql keeps prepared per connection unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Lets Npgsql prepare the statements a service runs again and again (Marten's appends, loads,
    /// progress updates, the inbox): without it PostgreSQL parses and plans every one of them each
    /// time. Measured on Coordination at 500 events/s: PostgreSQL CPU 29 → 24 s over 30 s and
    /// propagation p99 259–332 → 83–104 ms (docs/coordination.md). A connection string that sets
    /// <c>Max Auto Prepare</c> itself wins; <c>EventStore:MaxAutoPrepare=0</c> turns it off.
    /// Marten's columns are always named, so a prepared statement survives schema migrations
    /// (PostgreSQL re-plans it when a table it uses changes).
    /// </summary>
    public static string WithAutoPrepare(string connectionString, int maxAutoPrepare)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare > 0 || maxAutoPrepare <= 0) return connectionString;
        builder.MaxAutoPrepare = maxAutoPrepare;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    private sealed class PostgresHealthCheck(string connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("select 1", connection);
                await command.ExecuteScalarAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL is not reachable", e);
            }
        }
    }
}

/// <summary>The one JSON shape of the platform: camelCase, enums as kebab-case slugs.</summary>
public static class JsonDefaults
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        if (!options.Converters.Any(c => c is System.Text.Json.Serialization.JsonStringEnumConverter))
            options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
    }
}
