using EuCyberNet.Projects.Common;
using Marten;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Projects.ExpertiseRequests;

public sealed class DeadlineCheckOptions
{
    /// <summary>How often overdue requests are looked for.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many requests are closed per check (the next check takes the rest).</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Deadlines pass by themselves: every <see cref="DeadlineCheckOptions.Interval"/> this finds the
/// published requests whose application deadline day is over and closes each with an
/// <see cref="ExpertiseRequestClosed"/> event (user <c>system:deadline-check</c>), through the same pure
/// decision as everything else. Safe with several replicas: each close is an append under the
/// stream's version, so when two replicas (or a replica and a staff command) race, one commit wins
/// and the other fails harmlessly; the next check decides again on fresh state and finds nothing to do.
/// </summary>
public sealed partial class DeadlineCheck(
    IDocumentStore store, TimeProvider time, IOptions<DeadlineCheckOptions> options, ILogger<DeadlineCheck> logger) : BackgroundService
{
    public const string User = "system:deadline-check";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var closed = await CloseOverdueAsync(stoppingToken);
                if (closed > 0) LogClosed(logger, closed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Closes the requests that are overdue today; returns how many this call closed.</summary>
    public async Task<int> CloseOverdueAsync(CancellationToken ct)
    {
        var today = time.Today();
        List<Guid> overdue;
        await using (var query = store.QuerySession())
        {
            overdue = [.. await query.Query<ExpertiseRequest>()
                .Where(r => r.Status == RequestStatus.Published && r.Details.ApplicationDeadline < today)
                .OrderBy(r => r.Details.ApplicationDeadline)
                .Take(options.Value.BatchSize)
                .Select(r => r.Id)
                .ToListAsync(ct)];
        }

        var closed = 0;
        foreach (var id in overdue)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = User;
            session.CorrelationId = $"deadline-check-{today:yyyy-MM-dd}";
            var stream = await session.Events.FetchForWriting<ExpertiseRequest>(id, ct);
            if (stream.Aggregate is null) continue;
            var decision = RequestDecisions.CloseIfOverdue(stream.Aggregate, today);
            if (decision.Events.Count == 0) continue;
            stream.AppendMany(decision.Events);
            try
            {
                await session.SaveChangesAsync(ct);
                ProjectsMetrics.DeadlineClosures.Add(1);
                closed++;
            }
            catch (Exception e) when (Transactions.IsConcurrencyFailure(e))
            {
                LogRaced(logger, id);
            }
        }
        return closed;
    }

    [LoggerMessage(LogLevel.Information, "Deadline check closed {Count} overdue requests for expertise")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Deadline check failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Debug, "Request {RequestId} changed while the deadline check closed it; the next check decides again")]
    private static partial void LogRaced(ILogger logger, Guid requestId);
}
