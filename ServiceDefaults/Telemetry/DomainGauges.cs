using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.Telemetry;

/// <summary>A domain figure a service reports as a gauge, counted from its own read model.</summary>
public sealed record DomainGauge(string Name, string Unit, string Description, Func<IQuerySession, CancellationToken, Task<long>> Count);

/// <summary>
/// Domain figures on the platform's meter as observable gauges (experts in the pool, open requests,
/// active deployments, open overlap alerts…): each is counted every 15 s with one indexed query on
/// the service's own read model, and the dashboard reads the last count. Counting off the metric
/// callback keeps a slow database from stalling the exporter; every replica reports the same
/// figure (they share the database), so read a gauge per instance, never summed.
/// </summary>
public sealed partial class DomainGauges(IEnumerable<DomainGauge> gauges, IDocumentStore store, ILogger<DomainGauges> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);
    private readonly DomainGauge[] _gauges = [.. gauges];
    private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

    /// <summary>The last counts, by gauge name.</summary>
    public IReadOnlyDictionary<string, long> Current => _values;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var gauge in _gauges)
            EuCyberNetTelemetry.Meter.CreateObservableGauge(gauge.Name,
                () => _values.TryGetValue(gauge.Name, out var value) ? [new Measurement<long>(value)] : Array.Empty<Measurement<long>>(),
                gauge.Unit, gauge.Description);

        using var timer = new PeriodicTimer(Period);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Counts every gauge now (also used by tests instead of waiting for the timer).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        foreach (var gauge in _gauges)
        {
            try
            {
                await using var session = store.QuerySession();
                _values[gauge.Name] = await gauge.Count(session, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && Unavailable(e))
            {
                // Not created yet (a fresh database) or the database is away: keep the last value.
                LogUnavailable(logger, gauge.Name, e);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // A gauge is telemetry: whatever it throws, it must not stop the host (a background
                // service that throws stops it). Keep the last value; the next tick tries again.
                LogFailed(logger, gauge.Name, e);
            }
        }
    }

    /// <summary>The database is away or not set up yet, as Npgsql says it or as Marten wraps it (e.g. 57P03 during crash recovery).</summary>
    private static bool Unavailable(Exception e) =>
        e is NpgsqlException or TimeoutException or InvalidOperationException || e.InnerException is NpgsqlException or TimeoutException;

    [LoggerMessage(LogLevel.Debug, "Gauge {Gauge} could not be counted")]
    private static partial void LogUnavailable(ILogger logger, string gauge, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Gauge {Gauge} failed to count; it keeps its last value and is counted again at the next tick")]
    private static partial void LogFailed(ILogger logger, string gauge, Exception exception);
}

public static class DomainGaugeExtensions
{
    /// <summary>Reports <paramref name="count"/> as the gauge <paramref name="name"/> (see <see cref="DomainGauges"/>).</summary>
    public static IServiceCollection AddDomainGauge(this IServiceCollection services, string name, string unit, string description,
        Func<IQuerySession, CancellationToken, Task<long>> count)
    {
        services.AddSingleton(new DomainGauge(name, unit, description, count));
        if (services.All(s => s.ServiceType != typeof(DomainGauges)))
        {
            services.AddSingleton<DomainGauges>();
            services.AddHostedService(provider => provider.GetRequiredService<DomainGauges>());
        }
        return services;
    }
}
