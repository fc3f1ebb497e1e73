using EuCyberNet.ServiceDefaults.Security;
using System.Diagnostics;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.ServiceDefaults.Http;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Rebuild;

public sealed record RebuildResult(IReadOnlyList<string> Projections, long Events, double Seconds, double EventsPerSecond);

/// <summary>
/// Rebuilds every read model from the stored events: the overlap alert snapshots (Marten's rebuild:
/// they are few) and the read models (<see cref="CoordinationReadModels"/>: activities, experts,
/// enrolments, overview) in one pass and one transaction (<see cref="ReadModelRebuild"/>), while
/// Coordination's writers wait at the <see cref="ReadModelGate"/>. The overlap detector decides from
/// the read models, so a rebuild raises and resolves nothing by itself.
/// </summary>
public static partial class RebuildApi
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static IEndpointRouteBuilder MapRebuildApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/coordination/admin").WithTags("Coordination administration")
            .MapPost("/rebuild", RebuildAsync)
            .WithSummary("Rebuild every read model from the stored events (coordinator; also a dashboard command)")
            .AllowRoles(Roles.Coordinator);
        return app;
    }

    private static async Task<Results<Ok<RebuildResult>, ProblemHttpResult>> RebuildAsync(
        IServiceProvider services, IDocumentStore store, ReadModelRebuild readModels, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!await OneAtATime.WaitAsync(0)) return Problems.Conflict(new("rebuild-running", "A rebuild is already running."));
        try
        {
            // Not the request's token: a client that gives up must not leave the read models half built.
            var ct = lifetime.ApplicationStopping;
            var daemon = await LeaderDaemonAsync(services, ct);
            if (daemon is null)
                return Problems.Conflict(new("not-leader", "This replica does not run the projections; send the rebuild to the one that does."));

            var logger = loggers.CreateLogger(typeof(RebuildApi));
            var events = await CountEventsAsync(store, ct);
            LogStarting(logger, events);
            var watch = Stopwatch.StartNew();
            // The alert snapshots first: they are few, and the overlap detector reads them.
            await daemon.RebuildProjectionAsync<OverlapAlert>(TimeSpan.FromMinutes(30), ct);
            await readModels.RunAsync(ct);
            watch.Stop();

            var seconds = watch.Elapsed.TotalSeconds;
            LogDone(logger, events, seconds);
            return TypedResults.Ok(new RebuildResult(
                [CoordinationReadModels.Name, nameof(OverlapAlert)], events, Math.Round(seconds, 3), seconds > 0 ? Math.Round(events / seconds) : 0));
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>The daemon of this replica when it holds the projections (HotCold leadership), waiting briefly after startup.</summary>
    private static async Task<IProjectionDaemon?> LeaderDaemonAsync(IServiceProvider services, CancellationToken ct)
    {
        var coordinator = services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var daemon = coordinator.DaemonForMainDatabase();
            if (daemon.IsRunning) return daemon;
            if (DateTime.UtcNow > deadline) return null;
            await Task.Delay(250, ct);
        }
    }

    internal static async Task<long> CountEventsAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var counts = await session.AdvancedSql.QueryAsync<long>($"select count(*) from {Tables.Events} where type <> 'tombstone'", ct);
        return counts[0];
    }

    [LoggerMessage(LogLevel.Information, "Rebuilding the read models from {Events} stored events")]
    private static partial void LogStarting(ILogger logger, long events);

    [LoggerMessage(LogLevel.Information, "Read models rebuilt from {Events} events in {Seconds:F1} s")]
    private static partial void LogDone(ILogger logger, long events, double seconds);
}
