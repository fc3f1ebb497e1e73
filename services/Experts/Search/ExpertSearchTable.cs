using System.Globalization;
using System.Text;
using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using Marten;
using Weasel.Postgresql.Tables;

namespace EuCyberNet.Experts.Search;

/// <summary>
/// The read side of search and matching: one narrow row per expert, written in the same
/// transaction as the expert's events (by <see cref="ExpertProjection"/>), shaped for the filters
/// of <c>GET /experts</c> and <c>GET /experts/matches</c> on 100,000 experts:
/// <list type="bullet">
/// <item>vocabularies as <c>text[]</c> with GIN indexes (roles "any of": <c>&amp;&amp;</c>);</item>
/// <item>languages as <c>text[]</c> of <c>code:level</c> for every level up to the one spoken
/// (<c>en:1 … en:5</c> for C1), so "English at B2 or better" is the GIN lookup <c>@&gt; '{en:4}'</c>;</item>
/// <item>skills as their English lexemes (<c>text[]</c>, GIN), so a requested skill term is an
/// array containment, not a text search per row;</item>
/// <item>availability and blocking deployments as <c>datemultirange</c> with GiST indexes
/// (a period is an <c>&amp;&amp;</c> away);</item>
/// <item>what matching scores on precomputed (evaluation credit, countries of past deployments,
/// trainings), and partial indexes over the pool matching looks at (accepted, with consent).</item>
/// </list>
/// Rows stay well under PostgreSQL's 2 kB TOAST threshold, so no value is compressed and reading one
/// costs no decompression. Free text (name, e-mail, organisation, biography, skills) lives in a
/// second table, <see cref="TextName"/>, read only by <c>q</c>.
/// Both hold personal data only as long as the expert's snapshot does: erasure rewrites them from
/// the erased snapshot in the same transaction.
/// </summary>
public static class ExpertSearchTable
{
    public const string Name = "experts_search";
    public const string TextName = "experts_text";

    /// <summary>The experts matching considers; the partial indexes cover exactly them.</summary>
    public const string PoolPredicate = "status = 'accepted' and consent_processing";

    public static IEnumerable<Table> Definitions()
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
        table.AddColumn("match_roles", "text[]").NotNull();
        table.AddColumn("languages", "jsonb").NotNull();
        table.AddColumn("language_levels", "text[]").NotNull().AddIndex(Gin);
        table.AddColumn("skill_lexemes", "text[]").NotNull().AddIndex(Gin);
        table.AddColumn("years", "integer").NotNull().AddIndex();
        table.AddColumn("applied_at", "timestamp with time zone").NotNull().AddIndex();
        table.AddColumn("acknowledgement_due", "timestamp with time zone").NotNull();
        table.AddColumn("consent_processing", "boolean").NotNull();
        table.AddColumn("windows", "jsonb").NotNull();
        table.AddColumn("available", "datemultirange").NotNull().AddIndex(Gist);
        table.AddColumn("blocked", "datemultirange").NotNull();
        table.AddColumn("rating_avg", "double precision").AllowNulls();
        table.AddColumn("rating_count", "integer").NotNull();
        table.AddColumn("evaluation_credit", "double precision").NotNull();
        table.AddColumn("countries_done", "text[]").NotNull();
        table.AddColumn("trainings", "jsonb").NotNull();
        foreach (var (column, method) in new[] { ("match_roles", IndexMethod.gin), ("skill_lexemes", IndexMethod.gin), ("language_levels", IndexMethod.gin), ("available", IndexMethod.gist) })
            table.Indexes.Add(new IndexDefinition($"ix_{Name}_pool_{column}") { Columns = [column], Method = method, Predicate = PoolPredicate });
        yield return table;

        var text = new Table($"public.{TextName}");
        text.AddColumn("id", "uuid").AsPrimaryKey();
        text.AddColumn("search_text", "tsvector").NotNull().AddIndex(Gin);
        yield return text;
    }

    private static void Gin(IndexDefinition index) => index.Method = IndexMethod.gin;

    private static void Gist(IndexDefinition index) => index.Method = IndexMethod.gist;

    private const string UpsertSql = $"""
        insert into public.{Name} (id, version, status, citizenship, name, email, organisation, roles, trained_roles, match_roles,
            languages, language_levels, skill_lexemes, years, applied_at, acknowledgement_due, consent_processing,
            windows, available, blocked, rating_avg, rating_count, evaluation_credit, countries_done, trainings)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
            ?::jsonb, ?, tsvector_to_array(to_tsvector('english', ?)), ?, ?, ?, ?,
            ?::jsonb, ?::datemultirange, ?::datemultirange, ?::double precision, ?, ?, ?, ?::jsonb)
        on conflict (id) do update set version = excluded.version, status = excluded.status, citizenship = excluded.citizenship,
            name = excluded.name, email = excluded.email, organisation = excluded.organisation, roles = excluded.roles,
            trained_roles = excluded.trained_roles, match_roles = excluded.match_roles, languages = excluded.languages,
            language_levels = excluded.language_levels, skill_lexemes = excluded.skill_lexemes,
            years = excluded.years, applied_at = excluded.applied_at, acknowledgement_due = excluded.acknowledgement_due,
            consent_processing = excluded.consent_processing, windows = excluded.windows, available = excluded.available,
            blocked = excluded.blocked, rating_avg = excluded.rating_avg, rating_count = excluded.rating_count,
            evaluation_credit = excluded.evaluation_credit, countries_done = excluded.countries_done, trainings = excluded.trainings
        """;

    private const string UpsertTextSql = $"""
        insert into public.{TextName} (id, search_text) values (?, to_tsvector('simple', ?))
        on conflict (id) do update set search_text = excluded.search_text
        """;

    /// <summary>Queues the rows for <paramref name="expert"/> in the session that is committing its events.</summary>
    public static void Upsert(IDocumentOperations operations, Expert expert)
    {
        operations.QueueSqlCommand(UpsertSql, Values(expert));
        operations.QueueSqlCommand(UpsertTextSql, expert.Id, FreeText(expert));
    }

    /// <summary>
    /// Rewrites both tables from the stored snapshots, for when their shape or derivation changed
    /// (they are derived data). Writes in batches; returns the number of experts.
    /// </summary>
    public static async Task<int> RebuildAsync(IDocumentStore store, CancellationToken ct = default)
    {
        const int batch = 500;
        var count = 0;
        await using var reader = store.QuerySession();
        var writer = store.LightweightSession();
        try
        {
            await foreach (var expert in reader.Query<Expert>().ToAsyncEnumerable(ct))
            {
                Upsert(writer, expert);
                if (++count % batch != 0) continue;
                await writer.SaveChangesAsync(ct);
                await writer.DisposeAsync();
                writer = store.LightweightSession();
            }
            await writer.SaveChangesAsync(ct);
        }
        finally
        {
            await writer.DisposeAsync();
        }
        return count;
    }

    internal static object[] Values(Expert e)
    {
        var profile = e.Profile;
        var roles = profile?.Roles.Select(Slug.Of).ToArray() ?? [];
        var trainedRoles = e.Trainings.SelectMany(t => t.RolesCovered).Distinct().Select(Slug.Of).ToArray();
        var languages = profile?.Languages ?? [];
        var rated = e.Deployments.Where(d => d.Rating is not null).ToList();
        double? ratingAverage = rated.Count == 0 ? null : rated.Average(d => d.Rating!.Value);
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
            profile?.YearsOfExperience ?? 0,
            e.AppliedAt.ToUniversalTime(),
            e.AcknowledgementDue.ToUniversalTime(),
            e.ConsentsToDataProcessing,
            JsonSerializer.Serialize(e.Availability.Select(w => new { from = Date(w.From), to = Date(w.To), percent = w.Percent })),
            MultiRange(e.Availability.Select(w => (w.From, w.To))),
            MultiRange(e.Deployments.Where(d => d.BlocksAvailability).Select(d => (d.StartDate, d.EndDate))),
            ratingAverage!,
            rated.Count,
            Matching.MatchScoring.EvaluationCredit(ratingAverage, rated.Count),
            e.Deployments.Where(d => d.IsCompleted).Select(d => d.Country).Distinct().ToArray(),
            JsonSerializer.Serialize(e.Trainings.Select(t => t.RolesCovered.Select(Slug.Of))),
        ];
    }

    /// <summary>What <c>q</c> searches: name, e-mail, organisation, biography and skills (empty once erased, but for skills).</summary>
    internal static string FreeText(Expert e) =>
        string.Join(' ', new[] { e.Name, e.Email, e.Organisation, e.Profile?.Bio ?? "", SkillText(e.Profile) }.Where(s => s.Length > 0));

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
