using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.Telemetry;

/// <summary>
/// How far each async daemon shard (the relay, async projections) is behind the newest event, in
/// events: <c>eucybernet.daemon.lag</c>, tagged <c>shard</c>. A lag that keeps growing means a shard
/// is stuck (the relay cannot reach RabbitMQ, a projection fails). Read every few seconds from
/// Marten's own tables, so it tells the truth whichever replica runs the daemon.
/// </summary>
public sealed partial class EventStoreLag(string connectionString, ILogger<EventStoreLag> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, long> _lag = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Current => _lag;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EuCyberNetTelemetry.Meter.CreateObservableGauge("eucybernet.daemon.lag",
            () => _lag.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("shard", p.Key))),
            "{event}", "Events appended but not yet processed by an async daemon shard (relay, projections)");

        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogUnavailable(logger, e);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Telemetry must not stop the host (a background service that throws stops it).
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            select p.name, greatest((select coalesce(max(seq_id), 0) from mt_events) - p.last_seq_id, 0)
            from mt_event_progression p
            where p.name <> 'HighWaterMark'
            """, connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) _lag[reader.GetString(0)] = reader.GetInt64(1);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // no events yet: the daemon has not created its tables
        }
    }

    [LoggerMessage(LogLevel.Debug, "Daemon lag could not be read")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Daemon lag failed to read; it is read again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
