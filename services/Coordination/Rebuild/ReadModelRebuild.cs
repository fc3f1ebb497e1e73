using System.Threading.Channels;
using EuCyberNet.Coordination.ReadModels;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace EuCyberNet.Coordination.Rebuild;

/// <summary>
/// Rebuilds <see cref="CoordinationReadModels"/> from the whole store in one pass and one
/// transaction, instead of replaying it page by page.
/// <para>
/// Why: a page-by-page replay pays for each page what a live transaction pays (load the page's
/// documents, upsert them one statement each, write the page's overview rows), and most of a page's
/// documents were written by the page before. Measured on 300,000 events: about 60 µs of service CPU
/// per event, a third of it loading and rewriting the same documents again. Here the store is read
/// once, in sequence order (the next page loads while one is folded), folded in memory with the very
/// fold the inline projection uses (<see cref="ReadModelFold"/>), and the result is written with COPY.
/// </para>
/// <para>
/// Correct under faults and under load: the rebuild's transaction enters the <see cref="ReadModelGate"/>
/// and locks the event table against appends (writers that do not pass the gate: the alert commands
/// when group commit is turned off) before it reads anything, so every event is either in its fold or
/// recorded after its commit, by a writer whose projection then loads the rebuilt documents. Writers
/// wait for it meanwhile (the rebuild's duration: docs/coordination.md, *Rebuild*). The documents and the overview
/// tables are replaced in that one transaction, so readers see the old read models until it commits,
/// and a crash leaves them as they were.
/// </para>
/// </summary>
public sealed partial class ReadModelRebuild(IDocumentStore store, ReadModelGate gate, ILogger<ReadModelRebuild> logger)
{
    /// <summary>Events read per query while folding (the next page loads while one is folded).</summary>
    public const int PageSize = 10_000;

    /// <summary>
    /// The progress row of the read models' former asynchronous projection. Where it remains, the store
    /// was written before the read models became inline and the events after it were never folded:
    /// <see cref="AsyncReadModelsRetirement"/> rebuilds once, and the rebuild deletes the row.
    /// </summary>
    public const string AsyncProgressName = "CoordinationReadModels:All";

    /// <summary>Rebuilds the read models from every event recorded; returns the events folded.</summary>
    public Task<long> RunAsync(CancellationToken ct) => RunAsync(onlyWhereAsyncProgressRemains: false, ct);

    /// <summary>Rebuilds only if <see cref="AsyncProgressName"/> is still stored (decided inside the gate: one replica does it); returns the events folded.</summary>
    public Task<long> RetireAsyncProgressAsync(CancellationToken ct) => RunAsync(onlyWhereAsyncProgressRemains: true, ct);

    private async Task<long> RunAsync(bool onlyWhereAsyncProgressRemains, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await gate.EnterAsync(connection, ct);
        if (onlyWhereAsyncProgressRemains && !await ScalarAsync<bool>(connection,
                $"select exists (select 1 from {Tables.Progression} where name = '{AsyncProgressName}')", ct))
            return 0;
        await ScalarAsync<object>(connection, $"lock table {Tables.Events} in exclusive mode", ct);
        var ceiling = await ScalarAsync<long>(connection, $"select coalesce(max(seq_id), 0) from {Tables.Events}", ct);

        var (fold, events) = await FoldAsync(ceiling, ct);
        await WriteAsync(connection, fold, ct);
        await transaction.CommitAsync(ct);
        gate.Rebuilt();
        LogRebuilt(logger, events, ceiling, fold.Activities.Count + fold.Experts.Count + fold.Enrolments.Count + fold.Alerts.Count);
        return events;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<(ReadModelFold Fold, long Events)> FoldAsync(long ceiling, CancellationToken ct)
    {
        var pages = Channel.CreateBounded<List<RecordedEvent>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = Task.Run(() => ReadAsync(pages.Writer, ceiling, stopReading.Token), stopReading.Token);
        var fold = new ReadModelFold();
        long events = 0;
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(ct))
            {
                foreach (var e in page) fold.Apply(e.Data, e.StreamId, e.Version, e.Timestamp);
                events += page.Count;
            }
        }
        catch
        {
            // A fold that fails must not leave the reader waiting on a full channel for ever.
            await stopReading.CancelAsync();
            throw;
        }
        await reading; // rethrows a failed read
        return (fold, events);
    }

    /// <summary>
    /// Reads the store in sequence order, as the daemon does (not archived; tombstones of failed
    /// appends skipped), but only what the fold needs, deserialized with Marten's own serializer on its
    /// synchronous path (the row is already buffered), which costs about half of Marten's async
    /// event materialisation (measured: 37 % of a rebuild's sampled CPU before).
    /// </summary>
    private async Task ReadAsync(ChannelWriter<List<RecordedEvent>> pages, long ceiling, CancellationToken ct)
    {
        try
        {
            var serializer = store.Options.Serializer();
            var types = EventTypes();
            await using var connection = ((DocumentStore)store).Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                $"select seq_id, stream_id, version, timestamp, type, data from {Tables.Events} " +
                "where seq_id > $1 and seq_id <= $2 and is_archived = false order by seq_id limit $3", connection);
            var after = new NpgsqlParameter<long> { TypedValue = 0 };
            command.Parameters.Add(after);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ceiling });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PageSize });
            await command.PrepareAsync(ct);
            while (after.TypedValue < ceiling)
            {
                var page = new List<RecordedEvent>(PageSize);
                var read = 0;
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        read++;
                        after.TypedValue = reader.GetInt64(0);
                        var alias = reader.GetString(4);
                        if (alias == Tombstone) continue;
                        if (!types.TryGetValue(alias, out var type))
                            throw new InvalidOperationException($"Event {after.TypedValue} has type '{alias}', which this service does not know; the projection could not fold it either.");
                        page.Add(new RecordedEvent(serializer.FromJson(type, reader, 5), reader.GetGuid(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
                    }
                }
                if (read == 0) break;
                await pages.WriteAsync(page, ct);
            }
            pages.Complete();
        }
        catch (Exception e)
        {
            pages.Complete(e);
            throw;
        }
    }

    /// <summary>Every event type this store records, by its stored name.</summary>
    private Dictionary<string, Type> EventTypes() =>
        store.Options.Events.AllKnownEventTypes().ToDictionary(t => t.EventTypeName, t => t.EventType, StringComparer.Ordinal);

    private const string Tombstone = "tombstone";

    private readonly record struct RecordedEvent(object Data, Guid StreamId, long Version, DateTimeOffset Timestamp);

    private async Task WriteAsync(NpgsqlConnection connection, ReadModelFold fold, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();

        // DELETE, not TRUNCATE: readers keep seeing the old rows until the commit instead of waiting on a
        // lock. The former asynchronous projection's progress goes with them: nothing follows it now.
        await using (var clear = new NpgsqlCommand(
            $"delete from {Tables.Activities}; delete from {Tables.Experts}; delete from {Tables.Enrolments}; delete from {Tables.OverlapTracks}; {Tables.Overview.ClearSql}; " +
            $"delete from {Tables.Progression} where name = '{AsyncProgressName}'",
            connection))
            await clear.ExecuteNonQueryAsync(ct);

        await CopyAsync(connection, Tables.Activities, fold.Activities.Values, a => a.Id, serializer, ct);
        await CopyAsync(connection, Tables.Experts, fold.Experts.Values, e => e.Id, serializer, ct);
        await CopyAsync(connection, Tables.Enrolments, fold.Enrolments.Values, e => e.Id, serializer, ct);
        await CopyAsync(connection, Tables.OverlapTracks, fold.Alerts.Values, a => a.Id, serializer, ct);
        await Tables.Overview.WriteAsync(connection, fold.Deltas(), ct);
    }

    /// <summary>Documents as Marten stores them (its serializer, its type column), by COPY.</summary>
    private static async Task CopyAsync<T>(NpgsqlConnection connection, string table, IEnumerable<T> documents, Func<T, Guid> id, ISerializer serializer, CancellationToken ct)
        where T : notnull
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {table} (id, data, mt_dotnet_type, mt_version) from stdin (format binary)", ct);
        var typeName = typeof(T).FullName!;
        foreach (var document in documents)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(id(document), NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(serializer.ToJson(document), NpgsqlDbType.Jsonb, ct);
            await importer.WriteAsync(typeName, NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
        }
        await importer.CompleteAsync(ct);
    }

    [LoggerMessage(LogLevel.Information, "Read models rebuilt in one pass from {Events} events (up to sequence {Ceiling}): {Documents} documents")]
    private static partial void LogRebuilt(ILogger logger, long events, long ceiling, int documents);
}
