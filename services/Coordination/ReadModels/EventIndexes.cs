using Marten;

namespace EuCyberNet.Coordination.ReadModels;

/// <summary>
/// The timeline asks the event store for every event of one story (<c>correlation_id</c>), which
/// Marten does not index. This adds the index once the schema exists (Marten is told to leave it alone).
/// </summary>
public sealed class EventIndexes(IDocumentStore store) : IHostedService
{
    public const string CorrelationIndex = "ix_mt_events_correlation_id";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.QueueSqlCommand($"create index if not exists {CorrelationIndex} on {Tables.Events} (correlation_id)");
        await session.SaveChangesAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
