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
/// Ranks candidates in PostgreSQL. Hard filters (what makes someone a candidate): accepted (so not
/// suspended), consent to data processing, one of the roles (declared or trained for), at least
/// one skill term (stemmed English words), one of the languages at B1 or better, and available in the period: an
/// availability window overlaps it and no confirmed, started or extended deployment does. The rest
/// only ranks. The ranking expression is generated from <see cref="MatchScoring"/>'s weights.
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

    public static async Task<Page<MatchItem>> RunAsync(NpgsqlConnection connection, MatchCriteria c, Paging paging, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        var p = command.Parameters;
        var hasTerms = c.SkillTerms.Count > 0;
        var hasPeriod = c.PeriodDays > 0;
        if (c.Roles.Count > 0)
        {
            p.Add(ExpertSearch.Smallints("roles", c.Roles.Select(Codes.Role)));
            p.Add(new NpgsqlParameter("mask", Codes.Mask(c.Roles)));
        }
        if (hasTerms) p.Add(ExpertSearch.Text("terms", c.SkillTerms));
        if (c.Languages.Count > 0)
            p.Add(ExpertSearch.Smallints("langmin", c.Languages.Select(l => Codes.LanguageLevel(l, MatchScoring.MinimumLanguageLevel))));
        if (c.Country is { } country) p.Add(new NpgsqlParameter("country", country));
        if (hasPeriod)
        {
            p.Add(new NpgsqlParameter("from", c.From!.Value));
            p.Add(new NpgsqlParameter("to", c.To!.Value));
        }
        p.Add(new NpgsqlParameter("limit", paging.PageSize));
        p.Add(new NpgsqlParameter("offset", paging.Skip));

        var where = new List<string> { "e.pool" };
        if (c.Roles.Count > 0) where.Add("e.match_roles && @roles");
        if (hasTerms) where.Add("e.skills && (select hashes from tl)");
        if (c.Languages.Count > 0) where.Add("e.language_levels && @langmin");
        if (hasPeriod) where.Add("e.available && daterange(@from, @to, '[]') and not e.blocked && daterange(@from, @to, '[]')");

        var facts = Facts(c);
        // Every candidate is scored, in a narrow materialised list (id, score, tie-breakers) that is
        // both ranked and counted; only the page's rows are read again, with their cards, for the
        // words of the reasons.
        command.CommandText = $"""
            with {(hasTerms ? SkillTermsSql : "")}
            candidates as materialized (
                select e.id, {ScoreSql(c, facts)} as score, e.rating_count, e.years
                from public.{ExpertSearchTable.IndexName} e
                where {string.Join(" and ", where)}),
            page as (select * from candidates order by score desc, rating_count desc, years desc, id limit @limit offset @offset)
            select e.id, card.name, card.citizenship, card.years, card.roles, card.trained_roles, {facts.MatchedTerms}, card.languages, {facts.Covered},
                   card.rating_avg, card.rating_count, {facts.RelevantTrainings}, {facts.CountryDone}, (select count(*) from candidates) as total
            from page p
            join public.{ExpertSearchTable.IndexName} e on e.id = p.id
            join public.{ExpertSearchTable.CardName} card on card.id = p.id
            order by p.score desc, p.rating_count desc, p.years desc, p.id
            """;

        var items = new List<MatchItem>(paging.PageSize);
        long total = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
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
                total = reader.GetInt64(13);
                var components = MatchScoring.Components(c, candidate);
                items.Add(new MatchItem(candidate.ExpertId, candidate.Name, candidate.Citizenship, MatchScoring.Score(components),
                    MatchScoring.Reasons(c, candidate, components)));
            }
        }
        if (items.Count == 0 && paging.Page > 1)
        {
            // Past the last page there is no row to carry the total.
            var count = await RunAsync(connection, c, paging with { Page = 1, PageSize = 1 }, ct);
            total = count.Total;
        }
        return new Page<MatchItem>(items, total);
    }

    /// <summary>Each requested skill term with the hashes of its English lexemes (<c>tq</c>), and all of them together (<c>tl</c>).</summary>
    private static readonly string SkillTermsSql = $"""
        tq as (select t.term, t.i, {ExpertSearchTable.SkillHashesSql("t.term")} as hashes from unnest(@terms::text[]) with ordinality as t(term, i)),
        tl as (select coalesce(array_agg(x), '{"{}"}') as hashes from tq, unnest(tq.hashes) x),
        """;

    /// <summary>SQL for what scoring needs to know about a candidate row <c>e</c> of the index table (and <c>tq</c>, the skill terms).</summary>
    internal sealed record FactSql(string MatchedTerms, string MatchedTermCount, string Covered, string RelevantTrainings, string CountryDone);

    internal static FactSql Facts(MatchCriteria c) => new(
        MatchedTerms: c.SkillTerms.Count > 0
            ? "array(select tq.term from tq where cardinality(tq.hashes) > 0 and e.skills @> tq.hashes order by tq.i)"
            : "'{}'::text[]",
        // One containment test per term against its hashes, which PostgreSQL computes once (an
        // uncorrelated scalar subquery): no subquery runs per candidate.
        MatchedTermCount: c.SkillTerms.Count == 0 ? "0" : "(" + string.Join(" + ", Enumerable.Range(1, c.SkillTerms.Count).Select(i =>
            $"(case when cardinality((select hashes from tq where i = {i})) > 0 and e.skills @> (select hashes from tq where i = {i}) then 1 else 0 end)")) + ")",
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

    /// <summary>The SQL twin of <see cref="MatchScoring.Score"/>, for ranking every candidate in the database.</summary>
    internal static string ScoreSql(MatchCriteria c, FactSql? facts = null)
    {
        facts ??= Facts(c);
        var terms = new List<(double Weight, string Credit)>();
        if (c.Roles.Count > 0)
            terms.Add((MatchScoring.RoleWeight,
                $"(case when e.roles_mask & @mask <> 0 then 1.0 when e.trained_mask & @mask <> 0 then {Number(MatchScoring.TrainedRoleCredit)} else 0.0 end)"));
        if (c.SkillTerms.Count > 0)
            terms.Add((MatchScoring.SkillsWeight, $"({facts.MatchedTermCount}::float8 / {c.SkillTerms.Count})"));
        if (c.Languages.Count > 0)
        {
            // The level spoken is the highest whose code the row holds (it holds every level up to it).
            var perLanguage = c.Languages.Select(code => "(case " + string.Join(" ", Enum.GetValues<LanguageLevel>().Reverse().Select(level =>
                $"when e.language_levels @> '{{{Codes.LanguageLevel(code, level)}}}'::smallint[] then {Number(MatchScoring.LanguageCredit(level))}")) + " else 0.0 end)");
            terms.Add((MatchScoring.LanguagesWeight, $"(({string.Join(" + ", perLanguage)}) / {c.Languages.Count}.0)"));
        }
        if (c.PeriodDays > 0)
            terms.Add((MatchScoring.AvailabilityWeight, $"least(1.0, {facts.Covered} / {Number(100.0 * c.PeriodDays)})"));
        terms.Add((MatchScoring.EvaluationsWeight, "e.evaluation_credit"));
        terms.Add((MatchScoring.TrainingsWeight, $"(least({facts.RelevantTrainings}, {MatchScoring.TrainingsForFullCredit}) / {Number(MatchScoring.TrainingsForFullCredit)})"));
        if (c.Country is not null)
            terms.Add((MatchScoring.CountryWeight, $"(case when {facts.CountryDone} then 1.0 else 0.0 end)"));
        var possible = terms.Sum(t => t.Weight);
        return $"(({string.Join(" + ", terms.Select(t => $"{Number(t.Weight)} * {t.Credit}"))}) / {Number(possible)})";
    }

    private static string Number(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);
}
