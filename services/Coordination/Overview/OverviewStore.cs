using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EuCyberNet.Coordination.Overview;

/// <summary>
/// Where the overview's deltas live: two plain tables the read-model projection writes and a rebuild
/// empties (Marten creates them with the rest of the schema).
/// <list type="bullet">
/// <item><c>coordination_overview_changes</c>: every +1/-1 with its instant, in chunks: one row per
/// projecting transaction (or rebuild) and UTC day, holding that day's deltas as three parallel
/// arrays (a rebuild's thousands of deltas are one row to write, not thousands);</item>
/// <item><c>coordination_overview_days</c>: the same deltas summed per UTC day and bucket.</item>
/// </list>
/// The overview at instant T is the day sums of every day before T's day plus the changes of T's own
/// day up to T: a few hundred day rows and one day's chunks, however long the history.
/// </summary>
public sealed class OverviewStore(string schema)
{
    public string Changes { get; } = $"{schema}.coordination_overview_changes";

    public string Days { get; } = $"{schema}.coordination_overview_days";

    public IEnumerable<Table> Tables()
    {
        var changes = new Table(new PostgresqlObjectName(Schema(Changes), Name(Changes), SchemaUtils.IdentifierUsage.General));
        changes.AddColumn("day", "date").NotNull();
        changes.AddColumn("ats", "timestamptz[]").NotNull();
        changes.AddColumn("buckets", "text[]").NotNull();
        changes.AddColumn("deltas", "integer[]").NotNull();
        changes.Indexes.Add(new IndexDefinition("ix_coordination_overview_changes_day").AgainstColumns("day"));
        yield return changes;

        var days = new Table(new PostgresqlObjectName(Schema(Days), Name(Days), SchemaUtils.IdentifierUsage.General));
        days.AddColumn("day", "date").AsPrimaryKey();
        days.AddColumn("bucket", "text").AsPrimaryKey();
        days.AddColumn<long>("total").NotNull();
        yield return days;
    }

    /// <summary>Queues the deltas of one projecting transaction: a chunk of changes per day and the per-day sums.</summary>
    public void Queue(IDocumentOperations operations, IReadOnlyCollection<BucketDelta> deltas)
    {
        if (RowsOf(deltas) is not { } rows) return;
        foreach (var chunk in rows.Chunks)
            operations.QueueSqlCommand(InsertChangesSql("?", "?", "?", "?"), chunk.Day, chunk.Ats, chunk.Buckets, chunk.Deltas);
        operations.QueueSqlCommand(AddToDaysSql("?", "?", "?"), rows.SumDays, rows.SumBuckets, rows.SumTotals);
    }

    /// <summary>Writes the deltas of a whole rebuild in its transaction (the tables were emptied in it).</summary>
    public async Task WriteAsync(NpgsqlConnection connection, IReadOnlyCollection<BucketDelta> deltas, CancellationToken ct)
    {
        if (RowsOf(deltas) is not { } rows) return;
        await using var batch = new NpgsqlBatch(connection);
        foreach (var chunk in rows.Chunks)
            batch.BatchCommands.Add(Command(InsertChangesSql("$1", "$2", "$3", "$4"), chunk.Day, chunk.Ats, chunk.Buckets, chunk.Deltas));
        batch.BatchCommands.Add(Command(AddToDaysSql("$1", "$2", "$3"), rows.SumDays, rows.SumBuckets, rows.SumTotals));
        await batch.ExecuteNonQueryAsync(ct);

        static NpgsqlBatchCommand Command(string sql, params object[] values)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            return command;
        }
    }

    /// <summary>Empties both tables (a rebuild, in its transaction: readers see the old figures until it commits).</summary>
    public string ClearSql => $"delete from {Changes}; delete from {Days}";

    /// <summary>The rows some deltas add: a chunk per UTC day (nets per instant and bucket, zeros left out) and the per-day sums.</summary>
    private static OverviewRows? RowsOf(IReadOnlyCollection<BucketDelta> deltas)
    {
        if (deltas.Count == 0) return null;
        var changes = deltas
            .GroupBy(d => (d.At, d.Bucket))
            .Select(g => (g.Key.At, g.Key.Bucket, Delta: g.Sum(d => d.Delta)))
            .Where(c => c.Delta != 0)
            .ToList();
        if (changes.Count == 0) return null;

        var chunks = changes
            .GroupBy(c => DateOnly.FromDateTime(c.At.UtcDateTime))
            .Select(day => new OverviewChunk(day.Key, [.. day.Select(c => c.At.ToUniversalTime())], [.. day.Select(c => c.Bucket)], [.. day.Select(c => c.Delta)]))
            .ToList();
        // In key order: two transactions adding to the same day rows lock them in the same order (no deadlock).
        var sums = changes
            .GroupBy(c => (Day: DateOnly.FromDateTime(c.At.UtcDateTime), c.Bucket))
            .Select(g => (g.Key.Day, g.Key.Bucket, Total: g.Sum(c => (long)c.Delta)))
            .OrderBy(d => d.Day).ThenBy(d => d.Bucket, StringComparer.Ordinal)
            .ToList();
        return new OverviewRows(chunks, [.. sums.Select(d => d.Day)], [.. sums.Select(d => d.Bucket)], [.. sums.Select(d => d.Total)]);
    }

    private string InsertChangesSql(string day, string ats, string buckets, string deltas) =>
        $"insert into {Changes} (day, ats, buckets, deltas) values ({day}, {ats}, {buckets}, {deltas})";

    private string AddToDaysSql(string days, string buckets, string totals) =>
        $"insert into {Days} as d (day, bucket, total) select * from unnest({days}::date[], {buckets}::text[], {totals}::bigint[]) " +
        "on conflict (day, bucket) do update set total = d.total + excluded.total";

    private sealed record OverviewChunk(DateOnly Day, DateTimeOffset[] Ats, string[] Buckets, int[] Deltas);

    private sealed record OverviewRows(IReadOnlyList<OverviewChunk> Chunks, DateOnly[] SumDays, string[] SumBuckets, long[] SumTotals);

    /// <summary>Every bucket's count now, or at <paramref name="asOf"/> (inclusive).</summary>
    public async Task<IReadOnlyDictionary<string, long>> SumsAsync(IQuerySession session, DateTimeOffset? asOf, CancellationToken ct)
    {
        IReadOnlyList<BucketCount> rows;
        if (asOf is not { } instant)
        {
            rows = await session.AdvancedSql.QueryAsync<BucketCount>(
                $"select json_build_object('bucket', bucket, 'count', sum(total)) from {Days} group by bucket", ct);
        }
        else
        {
            var utc = instant.ToUniversalTime();
            var day = DateOnly.FromDateTime(utc.UtcDateTime);
            rows = await session.AdvancedSql.QueryAsync<BucketCount>(
                "select json_build_object('bucket', bucket, 'count', sum(n)) from (" +
                $"select bucket, total as n from {Days} where day < ? " +
                $"union all select c.bucket, c.delta::bigint as n from {Changes} ch, unnest(ch.ats, ch.buckets, ch.deltas) as c(at, bucket, delta) " +
                "where ch.day = ? and c.at <= ?) s group by bucket",
                ct, day, day, utc);
        }
        return rows.Where(r => r.Count != 0).ToDictionary(r => r.Bucket, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>One row of a bucket query (read as JSON: Marten's advanced SQL maps one column per type).</summary>
    public sealed record BucketCount(string Bucket, long Count);

    private static string Schema(string qualified) => qualified[..qualified.IndexOf('.', StringComparison.Ordinal)];

    private static string Name(string qualified) => qualified[(qualified.IndexOf('.', StringComparison.Ordinal) + 1)..];
}
