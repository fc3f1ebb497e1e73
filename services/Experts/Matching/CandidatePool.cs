using System.Globalization;
using EuCyberNet.Experts.Search;
using Npgsql;
using NpgsqlTypes;

namespace EuCyberNet.Experts.Matching;

/// <summary>
/// One expert as matching and search's counts filter them (and matching ranks them): their row of
/// <see cref="ExpertSearchTable.IndexName"/>, decoded into what a comparison needs. Immutable.
/// No personal data: ids, vocabulary codes, hashes of skill words, dates and counts.
/// </summary>
public sealed class Candidate
{
    public required Guid Id { get; init; }

    /// <summary>The id's bytes as two big-endian numbers: PostgreSQL's order of <c>uuid</c>, the last tie-breaker.</summary>
    public required ulong IdHigh { get; init; }

    public required ulong IdLow { get; init; }

    /// <summary>The id of the transaction that wrote this version of the row (<c>changed</c>).</summary>
    public required long Changed { get; init; }

    /// <summary>Accepted, with consent: a possible candidate for matching.</summary>
    public required bool Pool { get; init; }

    /// <summary>The status slug (interned).</summary>
    public required string Status { get; init; }

    public required string Citizenship { get; init; }

    /// <summary>UTC ticks, to the microsecond as stored.</summary>
    public required long AcknowledgementDue { get; init; }

    /// <summary>UTC ticks, to the microsecond as stored (search's default order).</summary>
    public required long AppliedAt { get; init; }

    public required int RolesMask { get; init; }

    public required int TrainedMask { get; init; }

    /// <summary>Hashes of the English lexemes of the skills, sorted.</summary>
    public required int[] Skills { get; init; }

    /// <summary><c>language × 8 + level</c>, the highest level only, one entry per language.</summary>
    public required int[] Languages { get; init; }

    /// <summary>Availability and blocking deployments as inclusive day-number pairs (from, to, from, to, …).</summary>
    public required int[] Available { get; init; }

    public required int[] Blocked { get; init; }

    public required int[] WindowFrom { get; init; }

    public required int[] WindowTo { get; init; }

    public required short[] WindowPercent { get; init; }

    public required double EvaluationCredit { get; init; }

    public required short RatingCount { get; init; }

    public required short Years { get; init; }

    public required string[] CountriesDone { get; init; }

    public required int[] TrainingMasks { get; init; }

    /// <summary>The level (1 = A1 … 7 = native) spoken of <paramref name="language"/> (<see cref="Codes.Language"/>), 0 if none.</summary>
    public int Level(int language)
    {
        foreach (var code in Languages)
            if (code >> 3 == language) return code & 7;
        return 0;
    }
}

/// <summary>The pool as of one snapshot of the database: never changes once handed out.</summary>
public sealed class PoolSnapshot(Candidate?[][] chunks, int count)
{
    public int Count => count;

    public IEnumerable<Candidate> All()
    {
        for (var slot = 0; slot < count; slot++)
            if (chunks[slot >> CandidatePool.ChunkBits][slot & CandidatePool.ChunkMask] is { } candidate) yield return candidate;
    }

    internal Candidate?[][] Chunks => chunks;
}

/// <summary>
/// An in-memory copy of <see cref="ExpertSearchTable.IndexName"/> (the columns that filter and rank,
/// none personal), brought up to date by every matching request before it ranks (and every search
/// before it counts), inside the request's own repeatable-read
/// transaction — so the ranking sees exactly the database snapshot the rest of the request reads,
/// on every replica, never older than the last write acknowledged anywhere.
/// <para>
/// How it stays current: every row carries the id of the transaction that wrote it
/// (<c>changed</c>, an <c>xid8</c>). A refresh reads, in one statement (so one snapshot S), the
/// xmin of S and the rows with <c>changed ≥</c> the xmin of the previous refresh's snapshot. A
/// transaction whose effects S sees but the previous snapshot did not was still running then (or
/// started later), so its id is at least that xmin: its rows are read. Rows read again with the
/// same <c>changed</c> are skipped. Rows are not deleted in operation (erasure rewrites them; leaving
/// the pool clears <c>pool</c>); a deletion (by hand) bumps a counter in the same transaction
/// (<see cref="ExpertSearchTable.DeletionsName"/>, a statement trigger), and a refresh that sees it
/// move reloads everything.
/// </para>
/// The table stays the source of truth, written in the same transaction as the events; this copy
/// is rebuilt from it at the first request after a start.
/// </summary>
public sealed class CandidatePool : IDisposable
{
    internal const int ChunkBits = 10;
    internal const int ChunkMask = (1 << ChunkBits) - 1;

    private static readonly string Columns = """
        e.id, e.changed::text::bigint, e.pool, e.roles_mask, e.trained_mask, e.language_levels, e.skills, e.available, e.blocked,
        e.window_from, e.window_to, e.window_percent, e.evaluation_credit, e.rating_count, e.years, e.countries_done, e.training_masks,
        e.status, e.citizenship, e.acknowledgement_due, e.applied_at
        """;

    // The snapshot's xmin and the deletion count come with the rows (a row with a null id when none changed).
    private static readonly string Snapshot = $"""
        (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin,
                (select coalesce(max(generation), 0) from public.{ExpertSearchTable.DeletionsName}) as deletions) s
        """;

    private static readonly string FirstLoadSql = $"""
        select s.xmin, {Columns}, s.deletions
        from {Snapshot}
        left join public.{ExpertSearchTable.IndexName} e on true
        """;

    private static readonly string ChangesSql = $"""
        select s.xmin, {Columns}, s.deletions
        from {Snapshot}
        left join public.{ExpertSearchTable.IndexName} e on e.changed >= @since::text::xid8
        """;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, int> _slots = [];
    private Candidate?[][] _chunks = [];
    private int _count;
    private long _xmin = -1;
    private long _deletions;

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Brings the copy up to the snapshot of <paramref name="transaction"/> and returns it. Must be the
    /// transaction's first statement (a repeatable-read transaction takes its snapshot there).
    /// </summary>
    public async Task<PoolSnapshot> RefreshAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // At most twice: when rows were deleted, once more from nothing, in the same (repeatable-read) snapshot.
            for (var attempt = 0; ; attempt++)
            {
                var snapshot = await TryRefreshAsync(connection, transaction);
                if (snapshot is not null) return snapshot;
                if (attempt > 0) throw new InvalidOperationException("The pool refresh saw deletions twice in one snapshot.");
                _slots.Clear();
                _chunks = [];
                _count = 0;
                _xmin = -1;
            }
        }
        catch
        {
            // Whatever was half applied (new slots), the next request starts from a full load.
            _slots.Clear();
            _chunks = [];
            _count = 0;
            _xmin = -1;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Applies the rows changed since the last refresh; null when rows were deleted (then everything must be read again).</summary>
    private async Task<PoolSnapshot?> TryRefreshAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _xmin < 0 ? FirstLoadSql : ChangesSql;
        if (_xmin >= 0) command.Parameters.Add(new NpgsqlParameter("since", _xmin.ToString(CultureInfo.InvariantCulture)));

        var chunks = _chunks;
        var copied = new HashSet<int>();
        var count = _count;
        long xmin = -1;
        long deletions = 0;
        var reload = false;
        // Not cancelled half way: a refresh abandoned in the middle costs the next request a full load.
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
        {
            while (await reader.ReadAsync(CancellationToken.None))
            {
                xmin = reader.GetInt64(0);
                deletions = reader.GetInt64(22);
                if (_xmin >= 0 && deletions != _deletions)
                {
                    reload = true;
                    break;
                }
                if (reader.IsDBNull(1)) continue;
                var id = reader.GetGuid(1);
                var changed = reader.GetInt64(2);
                if (!_slots.TryGetValue(id, out var slot))
                {
                    slot = count++;
                    _slots[id] = slot;
                }
                var current = chunks.Length > slot >> ChunkBits ? chunks[slot >> ChunkBits][slot & ChunkMask] : null;
                if (current?.Changed == changed) continue;

                var chunk = slot >> ChunkBits;
                if (chunks == _chunks) chunks = (Candidate?[][])_chunks.Clone();
                if (chunk >= chunks.Length)
                {
                    Array.Resize(ref chunks, chunk + 1);
                    chunks[chunk] = new Candidate?[1 << ChunkBits];
                    copied.Add(chunk);
                }
                if (copied.Add(chunk)) chunks[chunk] = (Candidate?[])chunks[chunk].Clone();
                chunks[chunk][slot & ChunkMask] = Read(reader, id, changed);
            }
        }
        if (reload) return null;
        if (xmin < 0) throw new InvalidOperationException("The pool refresh returned no snapshot.");
        _chunks = chunks;
        _count = count;
        _xmin = xmin;
        _deletions = deletions;
        return new PoolSnapshot(chunks, count);
    }

    private static Candidate Read(NpgsqlDataReader reader, Guid id, long changed)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        var skills = reader.GetFieldValue<int[]>(7);
        Array.Sort(skills);
        var levels = new Dictionary<int, int>();
        foreach (var code in reader.GetFieldValue<short[]>(6))
            levels[code >> 3] = Math.Max(levels.GetValueOrDefault(code >> 3), code & 7);
        return new Candidate
        {
            Id = id,
            IdHigh = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes),
            IdLow = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            Changed = changed,
            Pool = reader.GetBoolean(3),
            Status = string.Intern(reader.GetString(18)),
            Citizenship = string.Intern(reader.GetString(19)),
            AcknowledgementDue = reader.GetFieldValue<DateTimeOffset>(20).UtcTicks,
            AppliedAt = reader.GetFieldValue<DateTimeOffset>(21).UtcTicks,
            RolesMask = reader.GetInt32(4),
            TrainedMask = reader.GetInt32(5),
            Languages = [.. levels.Select(l => l.Key * 8 + l.Value)],
            Skills = skills,
            Available = Days(reader.GetFieldValue<NpgsqlRange<DateOnly>[]>(8)),
            Blocked = Days(reader.GetFieldValue<NpgsqlRange<DateOnly>[]>(9)),
            WindowFrom = Shared([.. reader.GetFieldValue<DateOnly[]>(10).Select(d => d.DayNumber)]),
            WindowTo = Shared([.. reader.GetFieldValue<DateOnly[]>(11).Select(d => d.DayNumber)]),
            WindowPercent = Shared(reader.GetFieldValue<short[]>(12)),
            EvaluationCredit = reader.GetDouble(13),
            RatingCount = reader.GetInt16(14),
            Years = reader.GetInt16(15),
            CountriesDone = Shared([.. reader.GetFieldValue<string[]>(16).Select(string.Intern)]),
            TrainingMasks = Shared(reader.GetFieldValue<int[]>(17)),
        };
    }

    /// <summary>One empty array for all empty ones (most experts have no trainings, deployments or blocks): 100,000 copies add up.</summary>
    private static T[] Shared<T>(T[] values) => values.Length == 0 ? [] : values;

    /// <summary>A multirange as inclusive day-number pairs.</summary>
    private static int[] Days(NpgsqlRange<DateOnly>[] ranges)
    {
        if (ranges.Length == 0) return [];
        var days = new int[ranges.Length * 2];
        for (var i = 0; i < ranges.Length; i++)
        {
            var r = ranges[i];
            days[2 * i] = r.LowerBoundInfinite ? int.MinValue : r.LowerBound.DayNumber + (r.LowerBoundIsInclusive ? 0 : 1);
            days[2 * i + 1] = r.UpperBoundInfinite ? int.MaxValue : r.UpperBound.DayNumber - (r.UpperBoundIsInclusive ? 0 : 1);
        }
        return days;
    }
}
