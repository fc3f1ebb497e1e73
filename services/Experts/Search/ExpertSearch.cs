using System.Text;
using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Matching;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace EuCyberNet.Experts.Search;

/// <summary>The query string of <c>GET /experts</c>; repeatable filters are "any of", languages "all of".</summary>
public sealed record SearchQuery(
    [property: FromQuery(Name = "role")] string[]? Role,
    [property: FromQuery(Name = "skill")] string? Skill,
    [property: FromQuery(Name = "language")] string[]? Language,
    [property: FromQuery(Name = "minLevel")] string? MinLevel,
    [property: FromQuery(Name = "citizenship")] string[]? Citizenship,
    [property: FromQuery(Name = "status")] string[]? Status,
    [property: FromQuery(Name = "overdue")] bool? Overdue,
    [property: FromQuery(Name = "availableFrom")] string? AvailableFrom,
    [property: FromQuery(Name = "availableTo")] string? AvailableTo,
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "sort")] string? Sort,
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "pageSize")] int? PageSize);

public sealed record SearchCriteria(
    IReadOnlyList<EcsfRole> Roles,
    string? SkillQuery,
    IReadOnlyList<string> Languages,
    LanguageLevel MinLevel,
    IReadOnlyList<string> Citizenships,
    IReadOnlyList<ExpertStatus> Statuses,
    bool OverdueOnly,
    DateOnly? AvailableFrom,
    DateOnly? AvailableTo,
    string? TextQuery,
    string SortColumn,
    bool Descending,
    Paging Paging);

/// <summary>One expert in a list: enough to choose whom to open.</summary>
public sealed record ExpertListItem(
    Guid Id,
    long Version,
    ExpertStatus Status,
    string? Name,
    string? Email,
    string Citizenship,
    string? Organisation,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<SpokenLanguage> Languages,
    int YearsOfExperience,
    DateTimeOffset AppliedAt,
    DateTimeOffset AcknowledgementDue,
    bool Overdue);

public static class ExpertSearch
{
    public const int MaxTextLength = 200;

    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["name"] = "name",
        ["appliedAt"] = "applied_at",
        ["yearsOfExperience"] = "years",
        ["citizenship"] = "citizenship",
        ["status"] = "status",
    };

    public static (SearchCriteria? Criteria, Validator Validation) Validate(SearchQuery query)
    {
        var v = new Validator();
        var roles = v.Slugs<EcsfRole>("role", query.Role, maxCount: 12);
        if (v.Text("skill", query.Skill, MaxTextLength, required: false).Length > 0 && Search.TextQuery.Terms(query.Skill).Count == 0)
            v.Add("skill", "has no words to match");
        var languages = new List<string>();
        for (var i = 0; i < (query.Language?.Length ?? 0); i++)
        {
            var code = v.Language(query.Language!.Length == 1 ? "language" : $"language[{i}]", query.Language[i]);
            if (!languages.Contains(code)) languages.Add(code);
        }
        var minLevel = query.MinLevel is null ? LanguageLevel.A1 : v.Slug<LanguageLevel>("minLevel", query.MinLevel);
        if (query.MinLevel is not null && languages.Count == 0) v.Add("minLevel", "needs a language");
        var citizenships = (query.Citizenship ?? []).Select((c, i) => v.Country(query.Citizenship!.Length == 1 ? "citizenship" : $"citizenship[{i}]", c)).Distinct().ToList();
        var statuses = v.Slugs<ExpertStatus>("status", query.Status, maxCount: 8);
        var from = v.IsoDate("availableFrom", query.AvailableFrom, required: false);
        var to = v.IsoDate("availableTo", query.AvailableTo, required: false);
        if ((query.AvailableFrom is null) != (query.AvailableTo is null))
            v.Add(query.AvailableFrom is null ? "availableFrom" : "availableTo", "give both availableFrom and availableTo (the same day for one day)");
        v.Period("availableTo", from, to);
        if (v.Text("q", query.Q, MaxTextLength, required: false).Length > 0 && Search.TextQuery.Terms(query.Q).Count == 0)
            v.Add("q", "has no words to search for");

        var sort = query.Sort?.Trim() ?? "-appliedAt";
        var descending = sort.StartsWith('-');
        if (!SortColumns.TryGetValue(sort.TrimStart('-', '+'), out var column))
        {
            v.Add("sort", $"must be one of {string.Join(", ", SortColumns.Keys)}, optionally prefixed with '-' for descending");
            column = "applied_at";
        }
        var paging = Paging.From(query.Page, query.PageSize, v);
        if (!v.IsValid) return (null, v);

        return (new SearchCriteria(
            roles, Search.TextQuery.Words(query.Skill), languages, minLevel, citizenships, statuses, query.Overdue == true,
            from == default ? null : from, to == default ? null : to, Search.TextQuery.AllOf(query.Q), column, descending, paging), v);
    }

    /// <summary>
    /// One page and the total. The page is one statement on the narrow index table: it follows an
    /// index in sort order and stops after <c>pageSize</c> rows (then reads those rows' cards). The
    /// total is needed only when the page does not already tell it; it is counted in the in-memory
    /// copy of the index table (<see cref="CandidatePool"/>, refreshed first, in the page's
    /// repeatable-read snapshot), because counting thousands of rows in PostgreSQL means visiting
    /// each one's page. With words (<c>q</c>) the count stays a statement on the text table.
    /// (A <c>count(*) over ()</c> would materialise and sort every matching row instead.)
    /// </summary>
    public static async Task<Page<ExpertListItem>> RunAsync(NpgsqlConnection connection, CandidatePool pool, SearchCriteria c, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = c.TextQuery is null ? await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct) : null;
        var snapshot = transaction is null ? null : await pool.RefreshAsync(connection, transaction, ct);
        if (snapshot is not null && c.SortColumn != "name")
        {
            // Everything but the name is in the copy: the page's ids too, then their cards.
            var (ids, found) = Select(snapshot, c, await SkillHashesAsync(connection, transaction!, c, ct), now);
            var cards = ids.Count == 0 ? [] : await CardsAsync(connection, transaction!, ids, now, ct);
            await transaction!.CommitAsync(ct);
            return new Page<ExpertListItem>(cards, found);
        }
        var parameters = new List<NpgsqlParameter>();
        var where = new List<string>();
        void Filter(string sql, params NpgsqlParameter[] values)
        {
            where.Add(sql);
            parameters.AddRange(values);
        }

        if (c.Statuses.Count > 0) Filter("i.status = any(@statuses)", Text("statuses", c.Statuses.Select(Slug.Of)));
        if (c.OverdueOnly) Filter("i.status = 'applied' and i.acknowledgement_due < @now", new NpgsqlParameter("now", now.ToUniversalTime()));
        if (c.Roles.Count > 0) Filter("i.roles && @roles", Smallints("roles", c.Roles.Select(Codes.Role)));
        if (c.SkillQuery is { } skill)
            Filter($"cardinality({ExpertSearchTable.SkillHashesSql("@skill")}) > 0 and i.skills @> {ExpertSearchTable.SkillHashesSql("@skill")}",
                new NpgsqlParameter("skill", skill));
        if (c.Languages.Count > 0)
            Filter("i.language_levels @> @levels", Smallints("levels", c.Languages.Select(l => Codes.LanguageLevel(l, c.MinLevel))));
        if (c.Citizenships.Count > 0) Filter("i.citizenship = any(@citizenships)", Text("citizenships", c.Citizenships));
        if (c.AvailableFrom is { } from && c.AvailableTo is { } to)
            Filter("i.available && daterange(@from, @to, '[]') and not i.blocked && daterange(@from, @to, '[]')",
                new NpgsqlParameter("from", from), new NpgsqlParameter("to", to));
        // Words are selective: find them first (a materialised list of ids), so the planner does not
        // walk the sort order probing the text of every expert.
        var withSql = "";
        if (c.TextQuery is { } text)
        {
            withSql = $"with words as materialized (select id from public.{ExpertSearchTable.TextName} where search_text @@ to_tsquery('simple', @q)) ";
            Filter("i.id in (select id from words)", new NpgsqlParameter("q", text));
        }
        var whereSql = where.Count == 0 ? "" : " where " + string.Join(" and ", where);
        var order = $"{c.SortColumn} {(c.Descending ? "desc" : "asc")}, id";

        var items = new List<ExpertListItem>(c.Paging.PageSize);
        await using (var page = connection.CreateCommand())
        {
            page.Transaction = transaction;
            page.CommandText = $"""
                {withSql}select c.id, c.version, c.status, c.name, c.email, c.citizenship, c.organisation, c.roles, c.languages, c.years,
                       c.applied_at, c.acknowledgement_due
                from (select i.id, i.{c.SortColumn} from public.{ExpertSearchTable.IndexName} i{whereSql}
                      order by i.{order.Replace(", id", ", i.id", StringComparison.Ordinal)} limit @limit offset @offset) p
                join public.{ExpertSearchTable.CardName} c on c.id = p.id
                order by p.{order.Replace(", id", ", p.id", StringComparison.Ordinal)}
                """;
            foreach (var parameter in parameters) page.Parameters.Add(parameter.Clone());
            page.Parameters.Add(new NpgsqlParameter("limit", c.Paging.PageSize));
            page.Parameters.Add(new NpgsqlParameter("offset", c.Paging.Skip));
            items.AddRange(await ReadItemsAsync(page, now, ct));
        }

        // A partial page that is not empty ends the list: its last row says how many there are.
        if (items.Count is > 0 && items.Count < c.Paging.PageSize) return new Page<ExpertListItem>(items, c.Paging.Skip + items.Count);
        if (items.Count == 0 && c.Paging.Page == 1) return new Page<ExpertListItem>(items, 0);
        if (snapshot is not null)
        {
            var counted = Count(snapshot, c, await SkillHashesAsync(connection, transaction!, c, ct), now);
            await transaction!.CommitAsync(ct);
            return new Page<ExpertListItem>(items, counted);
        }
        await using var count = connection.CreateCommand();
        count.CommandText = $"{withSql}select count(*) from public.{ExpertSearchTable.IndexName} i{whereSql}";
        foreach (var parameter in parameters) count.Parameters.Add(parameter);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return new Page<ExpertListItem>(items, total);
    }

    private static async Task<int[]?> SkillHashesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SearchCriteria c, CancellationToken ct)
    {
        if (c.SkillQuery is not { } words) return null;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"select {ExpertSearchTable.SkillHashesSql("@skill")}";
        command.Parameters.Add(new NpgsqlParameter("skill", words));
        return (int[])(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The cards of <paramref name="ids"/>, in that order.</summary>
    private static async Task<List<ExpertListItem>> CardsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<Guid> ids, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            select c.id, c.version, c.status, c.name, c.email, c.citizenship, c.organisation, c.roles, c.languages, c.years,
                   c.applied_at, c.acknowledgement_due
            from unnest(@ids) with ordinality as p(id, ord)
            join public.{ExpertSearchTable.CardName} c on c.id = p.id
            order by p.ord
            """;
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        return await ReadItemsAsync(command, now, ct);
    }

    private static async Task<List<ExpertListItem>> ReadItemsAsync(NpgsqlCommand command, DateTimeOffset now, CancellationToken ct)
    {
        var items = new List<ExpertListItem>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!Slug.TryParse<ExpertStatus>(reader.GetString(2), out var status))
                throw new InvalidOperationException($"Unknown status '{reader.GetString(2)}' in {ExpertSearchTable.CardName}.");
            var due = reader.GetFieldValue<DateTimeOffset>(11);
            items.Add(new ExpertListItem(
                reader.GetGuid(0),
                reader.GetInt64(1),
                status,
                NullIfErased(reader.GetString(3)),
                NullIfErased(reader.GetString(4)),
                reader.GetString(5),
                NullIfErased(reader.GetString(6)),
                ParseRoles(reader.GetFieldValue<string[]>(7)),
                ParseLanguages(reader.GetString(8)),
                reader.GetInt32(9),
                reader.GetFieldValue<DateTimeOffset>(10),
                due,
                status == ExpertStatus.Applied && now > due));
        }
        return items;
    }

    /// <summary>
    /// The page's ids and the total, from the copy, in the order the SQL would give: the sort column
    /// (ascending or descending), then the id ascending. For every sort column but the name.
    /// </summary>
    internal static (List<Guid> Ids, long Total) Select(PoolSnapshot pool, SearchCriteria c, int[]? skillHashes, DateTimeOffset now)
    {
        var filter = new Filter(c, skillHashes, now);
        var matches = new List<Candidate>();
        foreach (var e in pool.All())
            if (filter.Passes(e)) matches.Add(e);
        Comparison<Candidate> byColumn = c.SortColumn switch
        {
            "applied_at" => (a, b) => a.AppliedAt.CompareTo(b.AppliedAt),
            "years" => (a, b) => a.Years.CompareTo(b.Years),
            "citizenship" => (a, b) => string.CompareOrdinal(a.Citizenship, b.Citizenship),
            "status" => (a, b) => string.CompareOrdinal(a.Status, b.Status),
            _ => throw new InvalidOperationException($"Sorting by {c.SortColumn} needs the database."),
        };
        var sign = c.Descending ? -1 : 1;
        int Order(Candidate a, Candidate b)
        {
            var byValue = sign * byColumn(a, b);
            if (byValue != 0) return byValue;
            var high = a.IdHigh.CompareTo(b.IdHigh);
            return high != 0 ? high : a.IdLow.CompareTo(b.IdLow);
        }
        var wanted = (long)c.Paging.Skip + c.Paging.PageSize;
        List<Candidate> best;
        if (wanted >= matches.Count)
        {
            matches.Sort(Order);
            best = matches;
        }
        else
        {
            var queue = new PriorityQueue<Candidate, Candidate>(Comparer<Candidate>.Create((a, b) => Order(b, a)));
            foreach (var e in matches)
            {
                if (queue.Count < wanted) queue.Enqueue(e, e);
                else if (Order(e, queue.Peek()) < 0) queue.EnqueueDequeue(e, e);
            }
            best = new List<Candidate>(queue.Count);
            while (queue.Count > 0) best.Add(queue.Dequeue());
            best.Sort(Order);
        }
        return ([.. best.Skip(c.Paging.Skip).Select(e => e.Id)], matches.Count);
    }

    /// <summary>
    /// The SQL filters above (all but <c>q</c>), applied to the in-memory copy: the number of experts
    /// they let through. <paramref name="skillHashes"/>: the hashes of the skill words (<c>skills @&gt;</c> them).
    /// </summary>
    internal static long Count(PoolSnapshot pool, SearchCriteria c, int[]? skillHashes, DateTimeOffset now)
    {
        var filter = new Filter(c, skillHashes, now);
        long total = 0;
        foreach (var e in pool.All())
            if (filter.Passes(e)) total++;
        return total;
    }

    /// <summary>The SQL filters (all but <c>q</c>) for the copy.</summary>
    private sealed class Filter
    {
        private readonly SearchCriteria _c;
        private readonly int[]? _skillHashes;
        private readonly string[] _statuses;
        private readonly int _mask;
        private readonly int[] _languages;
        private readonly int _minLevel;
        private readonly string[] _citizenships;
        private readonly long _nowTicks;
        private readonly int _from;
        private readonly int _to;
        private static readonly string Applied = Slug.Of(ExpertStatus.Applied);

        public Filter(SearchCriteria c, int[]? skillHashes, DateTimeOffset now)
        {
            _c = c;
            _skillHashes = skillHashes;
            _statuses = [.. c.Statuses.Select(Slug.Of)];
            _mask = Codes.Mask(c.Roles);
            _languages = [.. c.Languages.Select(Codes.Language)];
            _minLevel = (int)c.MinLevel;
            _citizenships = [.. c.Citizenships];
            // PostgreSQL receives timestamps to the microsecond (Npgsql truncates the ticks).
            _nowTicks = now.UtcTicks - now.UtcTicks % 10;
            _from = c.AvailableFrom?.DayNumber ?? 0;
            _to = c.AvailableTo?.DayNumber ?? 0;
        }

        public bool Passes(Candidate e)
        {
            if (_statuses.Length > 0 && Array.IndexOf(_statuses, e.Status) < 0) return false;
            if (_c.OverdueOnly && !(e.Status == Applied && e.AcknowledgementDue < _nowTicks)) return false;
            if (_mask != 0 && (e.RolesMask & _mask) == 0) return false;
            if (_skillHashes is not null && (_skillHashes.Length == 0 || !MatchRanking.ContainsAll(e.Skills, _skillHashes))) return false;
            foreach (var language in _languages)
                if (e.Level(language) < _minLevel) return false;
            if (_citizenships.Length > 0 && Array.IndexOf(_citizenships, e.Citizenship) < 0) return false;
            if (_c.AvailableFrom is not null && (!MatchRanking.Overlaps(e.Available, _from, _to) || MatchRanking.Overlaps(e.Blocked, _from, _to))) return false;
            return true;
        }
    }

    internal static NpgsqlParameter Smallints(string name, IEnumerable<short> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = values.ToArray() };

    internal static NpgsqlParameter Text(string name, IEnumerable<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    internal static IReadOnlyList<EcsfRole> ParseRoles(IEnumerable<string> slugs) =>
        [.. slugs.Select(s => Slug.TryParse<EcsfRole>(s, out var role) ? role : (EcsfRole?)null).OfType<EcsfRole>()];

    internal static IReadOnlyList<SpokenLanguage> ParseLanguages(string json) =>
        [.. (JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? []).Select(p => new SpokenLanguage(p.Key, (LanguageLevel)p.Value))];

    private static string? NullIfErased(string value) => value.Length == 0 ? null : value;
}
