using System.Globalization;
using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Search;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace EuCyberNet.Experts.Matching;

/// <summary>The query string of <c>GET /experts/matches</c> (the contract Projects codes against).</summary>
public sealed record MatchRequest(
    [property: FromQuery(Name = "role")] string[]? Role,
    [property: FromQuery(Name = "skills")] string? Skills,
    [property: FromQuery(Name = "languages")] string[]? Languages,
    [property: FromQuery(Name = "country")] string? Country,
    [property: FromQuery(Name = "from")] string? From,
    [property: FromQuery(Name = "to")] string? To,
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "pageSize")] int? PageSize);

/// <summary>One ranked candidate.</summary>
public sealed record MatchItem(Guid ExpertId, string Name, string Citizenship, double Score, IReadOnlyList<string> Reasons);

/// <summary>
/// Finds and ranks candidates. Hard filters (what makes someone a candidate): accepted (so not
/// suspended), consent to data processing, one of the roles (declared or trained for), at least
/// one skill term (stemmed English words), one of the languages at B1 or better, and available in the period: an
/// availability window overlaps it and no confirmed, started or extended deployment does. The rest
/// only ranks (<see cref="MatchRanking"/>, in memory); the page's facts are read from the database and
/// scored and explained by <see cref="MatchScoring"/>.
/// </summary>
public static class MatchQuery
{
    public const int MaxPeriodDays = 731;
    public const int MaxSkillsLength = 500;

    public static (MatchCriteria? Criteria, Paging Paging, Validator Validation) Validate(MatchRequest request)
    {
        var v = new Validator();
        var roles = v.Slugs<EcsfRole>("role", request.Role, maxCount: 12);
        var skillsText = v.Text("skills", request.Skills, MaxSkillsLength, required: false);
        var terms = TextQuery.Terms(skillsText);
        if (skillsText.Length > 0 && terms.Count == 0) v.Add("skills", "has no words to match");
        var languages = new List<string>();
        if (request.Languages is { Length: > 10 }) v.Add("languages", "must have at most 10 entries");
        else
        {
            for (var i = 0; i < (request.Languages?.Length ?? 0); i++)
            {
                var code = v.Language(request.Languages!.Length == 1 ? "languages" : $"languages[{i}]", request.Languages[i]);
                if (!languages.Contains(code)) languages.Add(code);
            }
        }
        var country = v.Country("country", request.Country, required: false);
        var from = v.IsoDate("from", request.From, required: false);
        var to = v.IsoDate("to", request.To, required: false);
        if ((request.From is null) != (request.To is null)) v.Add(request.From is null ? "from" : "to", "give both from and to (the same day for one day)");
        v.Period("to", from, to);
        if (from != default && to != default && to.DayNumber - from.DayNumber + 1 > MaxPeriodDays) v.Add("to", $"the period may be at most {MaxPeriodDays} days");
        var paging = Paging.From(request.Page, request.PageSize, v);
        if (roles.Count == 0 && skillsText.Length == 0 && (request.Languages?.Length ?? 0) == 0 && request.Country is null && request.From is null && request.To is null)
            v.Add("criteria", "give at least one of role, skills, languages, country, or from and to");
        if (!v.IsValid) return (null, paging, v);

        return (new MatchCriteria(roles, terms, languages, country.Length == 0 ? null : country,
            from == default ? null : from, to == default ? null : to), paging, v);
    }

    /// <summary>
    /// Ranks in memory (<see cref="MatchRanking"/> over the <see cref="CandidatePool"/>, refreshed first)
    /// and reads only the page's rows from the database, for the words of the reasons; all of it in
    /// one repeatable-read transaction, so the ranking and the page see the same snapshot.
    /// </summary>
    public static async Task<Page<MatchItem>> RunAsync(NpgsqlConnection connection, CandidatePool pool, MatchCriteria c, Paging paging, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var snapshot = await pool.RefreshAsync(connection, transaction, ct);
        var termHashes = c.SkillTerms.Count == 0 ? [] : await TermHashesAsync(connection, transaction, c.SkillTerms, ct);
        var (ranked, total) = MatchRanking.Rank(snapshot, c, termHashes, (long)(paging.Page - 1) * paging.PageSize, paging.PageSize);
        var items = new List<MatchItem>(ranked.Count);
        if (ranked.Count > 0)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var p = command.Parameters;
            p.Add(new NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid) { Value = ranked.Select(r => r.Candidate.Id).ToArray() });
            if (c.Roles.Count > 0) p.Add(new NpgsqlParameter("mask", Codes.Mask(c.Roles)));
            if (c.SkillTerms.Count > 0) p.Add(ExpertSearch.Text("terms", c.SkillTerms));
            if (c.Country is { } country) p.Add(new NpgsqlParameter("country", country));
            if (c.PeriodDays > 0)
            {
                p.Add(new NpgsqlParameter("from", c.From!.Value));
                p.Add(new NpgsqlParameter("to", c.To!.Value));
            }
            var facts = Facts(c);
            command.CommandText = $"""
                {(c.SkillTerms.Count > 0 ? "with " + SkillTermsSql : "")}
                select e.id, card.name, card.citizenship, card.years, card.roles, card.trained_roles, {facts.MatchedTerms}, card.languages, {facts.Covered},
                       card.rating_avg, card.rating_count, {facts.RelevantTrainings}, {facts.CountryDone}
                from unnest(@ids) with ordinality as p(id, ord)
                join public.{ExpertSearchTable.IndexName} e on e.id = p.id
                join public.{ExpertSearchTable.CardName} card on card.id = p.id
                order by p.ord
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var candidate = new CandidateFacts(
                    reader.GetGuid(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetInt32(3),
                    ExpertSearch.ParseRoles(reader.GetFieldValue<string[]>(4)),
                    ExpertSearch.ParseRoles(reader.GetFieldValue<string[]>(5)),
                    reader.GetFieldValue<string[]>(6),
                    (JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(7)) ?? []).ToDictionary(l => l.Key, l => (LanguageLevel)l.Value),
                    reader.GetDouble(8),
                    reader.IsDBNull(9) ? null : reader.GetDouble(9),
                    reader.GetInt32(10),
                    reader.GetInt32(11),
                    reader.GetBoolean(12));
                var components = MatchScoring.Components(c, candidate);
                items.Add(new MatchItem(candidate.ExpertId, candidate.Name, candidate.Citizenship, MatchScoring.Score(components),
                    MatchScoring.Reasons(c, candidate, components)));
            }
        }
        await transaction.CommitAsync(ct);
        return new Page<MatchItem>(items, total);
    }

    /// <summary>Per skill term, the hashes of its English lexemes (as <c>skills</c> stores them; none for a stop word).</summary>
    private static async Task<int[][]> TermHashesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<string> terms, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"with {SkillTermsSql} select hashes from tq order by i";
        command.Parameters.Add(ExpertSearch.Text("terms", terms));
        var hashes = new List<int[]>(terms.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hashes.Add(reader.GetFieldValue<int[]>(0));
        return [.. hashes];
    }

    /// <summary>Each requested skill term with the hashes of its English lexemes (<c>tq</c>).</summary>
    private static readonly string SkillTermsSql = $"""
        tq as (select t.term, t.i, {ExpertSearchTable.SkillHashesSql("t.term")} as hashes from unnest(@terms::text[]) with ordinality as t(term, i))
        """;

    /// <summary>SQL for what the reasons need to know about a candidate row <c>e</c> of the index table (and <c>tq</c>, the skill terms).</summary>
    internal sealed record FactSql(string MatchedTerms, string Covered, string RelevantTrainings, string CountryDone);

    internal static FactSql Facts(MatchCriteria c) => new(
        MatchedTerms: c.SkillTerms.Count > 0
            ? "array(select tq.term from tq where cardinality(tq.hashes) > 0 and e.skills @> tq.hashes order by tq.i)"
            : "'{}'::text[]",
        // Percent-days of the period covered by the windows. Almost everyone has at most three
        // windows: those are summed as an expression (a missing window is null, so 0), the rest by a subquery.
        Covered: c.PeriodDays > 0
            ? "(case when cardinality(e.window_from) <= 3 then " + string.Join(" + ", Enumerable.Range(1, 3).Select(k =>
                  $"coalesce(greatest(0, least(e.window_to[{k}], @to) - greatest(e.window_from[{k}], @from) + 1) * e.window_percent[{k}], 0)")) +
              " else (select sum(greatest(0, least(e.window_to[k], @to) - greatest(e.window_from[k], @from) + 1) * e.window_percent[k]) from generate_subscripts(e.window_from, 1) k) end)::float8"
            : "0::float8",
        // Most experts have no training for the roles asked: the mask test spares them the subquery.
        RelevantTrainings: c.Roles.Count > 0
            ? "(case when e.trained_mask & @mask <> 0 then (select count(*) from unnest(e.training_masks) m where m & @mask <> 0)::int else 0 end)"
            : "cardinality(e.training_masks)",
        CountryDone: c.Country is null ? "false" : "e.countries_done @> array[@country]::text[]");
}
