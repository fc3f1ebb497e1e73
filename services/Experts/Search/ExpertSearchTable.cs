using System.Globalization;
using System.Text;
using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using Marten;
using Weasel.Postgresql.Tables;

namespace EuCyberNet.Experts.Search;

/// <summary>
/// The read side of search and matching: one flat row per expert, written in the same
/// transaction as the expert's events (by <see cref="ExpertProjection"/>), shaped for the filters
/// of <c>GET /experts</c> and <c>GET /experts/matches</c> on 100,000 experts:
/// <list type="bullet">
/// <item>vocabularies as <c>text[]</c> with GIN indexes (roles "any of": <c>&amp;&amp;</c>);</item>
/// <item>languages as <c>text[]</c> of <c>code:level</c> for every level up to the one spoken
/// (<c>en:1 … en:5</c> for C1), so "English at B2 or better" is the GIN lookup <c>@&gt; '{en:4}'</c>;</item>
/// <item>skills and free text as <c>tsvector</c> with GIN indexes;</item>
/// <item>availability and blocking deployments as <c>datemultirange</c> with GiST indexes
/// (a period is an <c>&amp;&amp;</c> away);</item>
/// <item>what matching scores on (ratings, countries of past deployments, trainings) precomputed.</item>
/// </list>
/// It holds personal data (name, e-mail, organisation, words of the biography) only as long as the
/// expert's snapshot does: erasure rewrites the row from the erased snapshot in the same transaction.
/// </summary>
public static class ExpertSearchTable
{
    public const string Name = "experts_search";

    public static Table Definition()
    {
        var table = new Table($"public.{Name}");
        table.AddColumn("id", "uuid").AsPrimaryKey();
        table.AddColumn("version", "bigint").NotNull();
        table.AddColumn("status", "text").NotNull().AddIndex();
        table.AddColumn("citizenship", "varchar(2)").NotNull().AddIndex();
        table.AddColumn("name", "text").NotNull().AddIndex();
        table.AddColumn("email", "text").NotNull();
        table.AddColumn("organisation", "text").NotNull();
        table.AddColumn("roles", "text[]").NotNull().AddIndex(Gin);
        table.AddColumn("trained_roles", "text[]").NotNull();
        table.AddColumn("match_roles", "text[]").NotNull().AddIndex(Gin);
        table.AddColumn("languages", "jsonb").NotNull();
        table.AddColumn("language_levels", "text[]").NotNull().AddIndex(Gin);
        table.AddColumn("skill_text", "tsvector").NotNull().AddIndex(Gin);
        table.AddColumn("search_text", "tsvector").NotNull().AddIndex(Gin);
        table.AddColumn("years", "integer").NotNull().AddIndex();
        table.AddColumn("applied_at", "timestamp with time zone").NotNull().AddIndex();
        table.AddColumn("acknowledgement_due", "timestamp with time zone").NotNull();
        table.AddColumn("consent_processing", "boolean").NotNull();
        table.AddColumn("windows", "jsonb").NotNull();
        table.AddColumn("available", "datemultirange").NotNull().AddIndex(Gist);
        table.AddColumn("blocked", "datemultirange").NotNull();
        table.AddColumn("rating_avg", "double precision").AllowNulls();
        table.AddColumn("rating_count", "integer").NotNull();
        table.AddColumn("countries_done", "text[]").NotNull();
        table.AddColumn("trainings", "jsonb").NotNull();
        return table;
    }

    private static void Gin(IndexDefinition index) => index.Method = IndexMethod.gin;

    private static void Gist(IndexDefinition index) => index.Method = IndexMethod.gist;

    private const string UpsertSql = $"""
        insert into public.{Name} (id, version, status, citizenship, name, email, organisation, roles, trained_roles, match_roles,
            languages, language_levels, skill_text, search_text, years, applied_at, acknowledgement_due, consent_processing,
            windows, available, blocked, rating_avg, rating_count, countries_done, trainings)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
            ?::jsonb, ?, to_tsvector('english', ?), to_tsvector('simple', ?), ?, ?, ?, ?,
            ?::jsonb, ?::datemultirange, ?::datemultirange, ?::double precision, ?, ?, ?::jsonb)
        on conflict (id) do update set version = excluded.version, status = excluded.status, citizenship = excluded.citizenship,
            name = excluded.name, email = excluded.email, organisation = excluded.organisation, roles = excluded.roles,
            trained_roles = excluded.trained_roles, match_roles = excluded.match_roles, languages = excluded.languages,
            language_levels = excluded.language_levels, skill_text = excluded.skill_text, search_text = excluded.search_text,
            years = excluded.years, applied_at = excluded.applied_at, acknowledgement_due = excluded.acknowledgement_due,
            consent_processing = excluded.consent_processing, windows = excluded.windows, available = excluded.available,
            blocked = excluded.blocked, rating_avg = excluded.rating_avg, rating_count = excluded.rating_count,
            countries_done = excluded.countries_done, trainings = excluded.trainings
        """;

    /// <summary>Queues the row for <paramref name="expert"/> in the session that is committing its events.</summary>
    public static void Upsert(IDocumentOperations operations, Expert expert) => operations.QueueSqlCommand(UpsertSql, Values(expert));

    internal static object[] Values(Expert e)
    {
        var profile = e.Profile;
        var roles = profile?.Roles.Select(Slug.Of).ToArray() ?? [];
        var trainedRoles = e.Trainings.SelectMany(t => t.RolesCovered).Distinct().Select(Slug.Of).ToArray();
        var languages = profile?.Languages ?? [];
        var rated = e.Deployments.Where(d => d.Rating is not null).ToList();
        return
        [
            e.Id,
            e.Version,
            Slug.Of(e.Status),
            e.Citizenship,
            e.Name,
            e.Email,
            e.Organisation,
            roles,
            trainedRoles,
            roles.Union(trainedRoles).ToArray(),
            JsonSerializer.Serialize(languages.ToDictionary(l => l.Code, l => (int)l.Level)),
            LanguageLevels(languages),
            SkillText(profile),
            string.Join(' ', new[] { e.Name, e.Email, e.Organisation, profile?.Bio ?? "", SkillText(profile) }.Where(s => s.Length > 0)),
            profile?.YearsOfExperience ?? 0,
            e.AppliedAt.ToUniversalTime(),
            e.AcknowledgementDue.ToUniversalTime(),
            e.ConsentsToDataProcessing,
            JsonSerializer.Serialize(e.Availability.Select(w => new { from = Date(w.From), to = Date(w.To), percent = w.Percent })),
            MultiRange(e.Availability.Select(w => (w.From, w.To))),
            MultiRange(e.Deployments.Where(d => d.BlocksAvailability).Select(d => (d.StartDate, d.EndDate))),
            rated.Count == 0 ? null! : rated.Average(d => d.Rating!.Value),
            rated.Count,
            e.Deployments.Where(d => d.IsCompleted).Select(d => d.Country).Distinct().ToArray(),
            JsonSerializer.Serialize(e.Trainings.Select(t => t.RolesCovered.Select(Slug.Of))),
        ];
    }

    /// <summary><c>en:1 … en:n</c> for a language spoken at level n: every "at least" question is a containment.</summary>
    public static string[] LanguageLevels(IEnumerable<SpokenLanguage> languages) =>
        [.. languages.SelectMany(l => Enumerable.Range(1, (int)l.Level).Select(level => LevelKey(l.Code, (LanguageLevel)level)))];

    public static string LevelKey(string code, LanguageLevel level) => $"{code}:{(int)level}";

    private static string SkillText(ExpertProfile? profile) =>
        profile is null ? "" : string.Join(' ', profile.Skills.SelectMany(s => new[] { s.Name, s.Skillset, Slug.Of(s.Family) }).Distinct());

    /// <summary>A datemultirange literal of inclusive periods, e.g. <c>{[2027-03-01,2027-03-14]}</c>.</summary>
    internal static string MultiRange(IEnumerable<(DateOnly From, DateOnly To)> periods)
    {
        var text = new StringBuilder("{");
        foreach (var (from, to) in periods)
        {
            if (text.Length > 1) text.Append(',');
            text.Append('[').Append(Date(from)).Append(',').Append(Date(to)).Append(']');
        }
        return text.Append('}').ToString();
    }

    internal static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
