namespace EuCyberNet.Coordination.Rebuild;

/// <summary>
/// Once, for a store written while the read models were an asynchronous projection: the events
/// recorded after that projection's last page were never folded, and nothing follows its progress
/// now, so the read models are rebuilt (<see cref="ReadModelRebuild.RetireAsyncProgressAsync"/>; the
/// rebuild deletes the progress row, so it happens once, on one replica). A store without the row
/// costs one query at startup.
/// </summary>
public sealed partial class AsyncReadModelsRetirement(ReadModelRebuild rebuild, ILogger<AsyncReadModelsRetirement> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromSeconds(1); !stoppingToken.IsCancellationRequested; delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2)))
        {
            try
            {
                var events = await rebuild.RetireAsyncProgressAsync(stoppingToken);
                if (events > 0) LogRetired(logger, events);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database not reachable yet, or not migrated yet: the next attempt will tell.
                LogFailed(logger, e, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The read models were an asynchronous projection in this store; rebuilt inline from {Events} events")]
    private static partial void LogRetired(ILogger logger, long events);

    [LoggerMessage(LogLevel.Warning, "Checking for the read models' former asynchronous progress failed; trying again in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, double seconds);
}
