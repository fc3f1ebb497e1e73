using JasperFx.Events;
using Marten;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// Folds events that are already in memory with the store's own aggregator for <typeparamref name="T"/>
/// (the Create/Apply methods the inline snapshot and <c>AggregateStreamAsync</c> use), so a caller that
/// holds the events, or has just decided them, gets the same state without reading the stream again.
/// </summary>
public static class InMemoryFold
{
    /// <summary><paramref name="state"/> with <paramref name="events"/> (in version order) applied; null if they create nothing.</summary>
    public static ValueTask<T?> FoldAsync<T>(IQuerySession session, T? state, IReadOnlyList<IEvent> events, CancellationToken ct) where T : class
    {
        if (events.Count == 0) return ValueTask.FromResult(state);
        var options = session.DocumentStore.Options as StoreOptions
            ?? throw new InvalidOperationException("In-memory folding needs Marten's StoreOptions.");
        return options.Projections.AggregatorFor<T>().BuildAsync(events, session, state, ct);
    }
}
