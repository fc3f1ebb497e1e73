using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;
using Marten;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// <see cref="IStreamStates"/> for one page of the relay. The page already holds its events; what a
/// stream needs besides them is its prefix (the events before the page's first event of that
/// stream), read for every stream of the page in one query the first time any state is asked for.
/// Each stream is then folded forward in memory as the relay walks the page in order, so a page
/// costs at most one read and one fold per stream instead of one <c>AggregateStreamAsync</c>
/// (a round trip and a full fold) per event.
/// <para>
/// The state after an event is computed from that stream's events up to the event's version and
/// nothing else — not from the inline snapshot, which holds the stream's latest state — so it does
/// not depend on how events were cut into pages or on what was appended since: a re-published page
/// maps to the same messages.
/// </para>
/// </summary>
public sealed class PageStreamStates(IQuerySession session, IReadOnlyList<IEvent> page) : IStreamStates
{
    private Dictionary<Guid, List<IEvent>>? _streams;
    private readonly Dictionary<(Guid Stream, Type Type), (long Version, object? State)> _folded = [];

    /// <summary>How many queries this page needed (0 or 1, 2 if a stream's events in the page were not contiguous); for tests.</summary>
    public int Reads { get; private set; }

    public async ValueTask<T> AfterAsync<T>(IEvent e, CancellationToken ct) where T : class =>
        await StateAtAsync<T>(e.StreamId, e.Version, ct)
        ?? throw new InvalidOperationException($"{typeof(T).Name} {e.StreamId} has no state at version {e.Version}.");

    public ValueTask<T?> BeforeAsync<T>(IEvent e, CancellationToken ct) where T : class =>
        e.Version <= 1 ? ValueTask.FromResult<T?>(null) : StateAtAsync<T>(e.StreamId, e.Version - 1, ct);

    private async ValueTask<T?> StateAtAsync<T>(Guid streamId, long version, CancellationToken ct) where T : class
    {
        var streams = _streams ??= await LoadAsync(ct);
        if (!streams.TryGetValue(streamId, out var events) || events.Count < version)
            throw new InvalidOperationException($"Stream {streamId} is not part of this page up to version {version}.");

        var key = (streamId, typeof(T));
        var (from, state) = _folded.TryGetValue(key, out var known) && known.Version <= version ? known : (0L, (object?)null);
        var folded = await InMemoryFold.FoldAsync(session, (T?)state, events.GetRange((int)from, (int)(version - from)), ct);
        _folded[key] = (version, folded);
        return folded;
    }

    /// <summary>Every stream of the page as its events from version 1 to its last event in the page (index i holds version i + 1).</summary>
    private async Task<Dictionary<Guid, List<IEvent>>> LoadAsync(CancellationToken ct)
    {
        var inPage = page.Where(e => e.StreamId != Guid.Empty && e.Data is not Tombstone).GroupBy(e => e.StreamId)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Version).ToList());
        var firstInPage = inPage.ToDictionary(s => s.Key, s => s.Value[0].Version);

        var needPrefix = firstInPage.Where(s => s.Value > 1).Select(s => s.Key).ToArray();
        var prefixes = await ReadAsync(needPrefix, firstInPage.Where(s => s.Value > 1).Select(s => s.Value).DefaultIfEmpty(1).Max(), ct);

        var streams = new Dictionary<Guid, List<IEvent>>(inPage.Count);
        var broken = new List<Guid>();
        foreach (var (id, events) in inPage)
        {
            var all = prefixes.TryGetValue(id, out var before) ? [.. before.Where(e => e.Version < firstInPage[id]), .. events] : events;
            streams[id] = all;
            if (!Contiguous(all)) broken.Add(id);
        }
        if (broken.Count > 0)
        {
            // A page that does not hold a stream's events contiguously (not seen in practice): read those streams whole, up to their last event in the page.
            var whole = await ReadAsync([.. broken], broken.Max(id => inPage[id][^1].Version) + 1, ct);
            foreach (var id in broken)
            {
                var last = inPage[id][^1].Version;
                streams[id] = [.. whole.GetValueOrDefault(id, []).Where(e => e.Version <= last)];
            }
        }
        return streams;
    }

    /// <summary>The events of <paramref name="ids"/> below version <paramref name="below"/>, in version order, in one query.</summary>
    private async Task<Dictionary<Guid, List<IEvent>>> ReadAsync(Guid[] ids, long below, CancellationToken ct)
    {
        if (ids.Length == 0) return [];
        Reads++;
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => ids.Contains(e.StreamId) && e.Version < below)
            .ToListAsync(ct);
        return events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.Version).ToList());
    }

    private static bool Contiguous(List<IEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
            if (events[i].Version != i + 1) return false;
        return true;
    }
}
