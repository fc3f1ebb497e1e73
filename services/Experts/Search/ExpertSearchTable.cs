using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using Marten;
using Weasel.Postgresql.Tables;

namespace EuCyberNet.Experts.Search;

/// <summary>
/// The read side of search and matching, written in the same transaction as the expert's events
/// (by <see cref="ExpertProjection"/>) as three tables with one row per expert:
/// <list type="bullet">
/// <item><see cref="IndexName"/>: what filters, sorts, counts and scores, and nothing else, as
/// compact as it goes (about 450 bytes a row), because ranking and counting thousands of
/// candidates costs what reading their rows costs. Vocabularies are small integer codes
/// (<see cref="Codes"/>): roles as <c>smallint[]</c> (GIN, "any of" is <c>&amp;&amp;</c>) and as a
/// bit mask for scoring; languages as <c>language*8+level</c> for every level up to the one spoken,
/// so "English at B2 or better" is the GIN containment <c>@&gt; {en·8+4}</c>; skills as hashes of their
/// English lexemes (<c>int[]</c>, GIN), so a skill word is an array containment, not a text search
/// per row; availability and blocking deployments as <c>datemultirange</c> (GiST; a period is one
/// <c>&amp;&amp;</c>) with the windows as parallel arrays for the coverage score; matching's inputs
/// precomputed (evaluation credit, countries of completed deployments, trainings as role masks).
/// Partial indexes cover exactly the pool that matching reads (accepted, with consent).</item>
/// <item><see cref="CardName"/>: what a list or a ranking shows of the page's rows.</item>
/// <item><see cref="TextName"/>: name, e-mail, organisation, biography and skills as a
/// <c>tsvector</c>, read only by <c>q</c>.</item>
/// </list>
/// They hold personal data only as long as the expert's snapshot does: erasure rewrites them from
/// the erased snapshot in the same transaction.
/// </summary>
public static class ExpertSearchTable
{
    public const string IndexName = "experts_index";
    public const string CardName = "experts_cards";
    public const string TextName = "experts_text";

    /// <summary>Counts the deletions from <see cref="IndexName"/> (rows are never deleted in operation; by hand they may be), so the in-memory copy reloads.</summary>
    public const string DeletionsName = "experts_index_deletions";

    public static IEnumerable<Weasel.Core.ISchemaObject> Definitions()
    {
        var index = new Table($"public.{IndexName}");
        index.AddColumn("id", "uuid").AsPrimaryKey();
        index.AddColumn("status", "text").NotNull().AddIndex();
        index.AddColumn("citizenship", "varchar(2)").NotNull().AddIndex();
        index.AddColumn("name", "text").NotNull().AddIndex();
        index.AddColumn("applied_at", "timestamp with time zone").NotNull().AddIndex();
        index.AddColumn("acknowledgement_due", "timestamp with time zone").NotNull();
        index.AddColumn("years", "smallint").NotNull().AddIndex();
        index.AddColumn("pool", "boolean").NotNull();
        index.AddColumn("roles", "smallint[]").NotNull().AddIndex(Gin);
        index.AddColumn("match_roles", "smallint[]").NotNull();
        index.AddColumn("roles_mask", "integer").NotNull();
        index.AddColumn("trained_mask", "integer").NotNull();
        index.AddColumn("language_levels", "smallint[]").NotNull().AddIndex(Gin);
        index.AddColumn("skills", "integer[]").NotNull().AddIndex(Gin);
        index.AddColumn("available", "datemultirange").NotNull().AddIndex(Gist);
        index.AddColumn("blocked", "datemultirange").NotNull();
        index.AddColumn("window_from", "date[]").NotNull();
        index.AddColumn("window_to", "date[]").NotNull();
        index.AddColumn("window_percent", "smallint[]").NotNull();
        index.AddColumn("evaluation_credit", "double precision").NotNull();
        index.AddColumn("rating_count", "smallint").NotNull();
        index.AddColumn("countries_done", "text[]").NotNull();
        index.AddColumn("training_masks", "integer[]").NotNull();
        // The writing transaction's id: the candidate pool (Matching/CandidatePool.cs) reloads the
        // rows whose transaction it may not have seen yet (changed >= the xmin of its last snapshot).
        index.AddColumn("changed", "xid8").NotNull().AddIndex();
        foreach (var (column, method) in new[] { ("match_roles", IndexMethod.gin), ("skills", IndexMethod.gin), ("language_levels", IndexMethod.gin), ("available", IndexMethod.gist) })
            index.Indexes.Add(new IndexDefinition($"ix_{IndexName}_pool_{column}") { Columns = [column], Method = method, Predicate = "pool" });
        yield return index;

        var card = new Table($"public.{CardName}");
        card.AddColumn("id", "uuid").AsPrimaryKey();
        card.AddColumn("version", "bigint").NotNull();
        card.AddColumn("status", "text").NotNull();
        card.AddColumn("name", "text").NotNull();
        card.AddColumn("email", "text").NotNull();
        card.AddColumn("organisation", "text").NotNull();
        card.AddColumn("citizenship", "varchar(2)").NotNull();
        card.AddColumn("roles", "text[]").NotNull();
        card.AddColumn("trained_roles", "text[]").NotNull();
        card.AddColumn("languages", "jsonb").NotNull();
        card.AddColumn("years", "integer").NotNull();
        card.AddColumn("applied_at", "timestamp with time zone").NotNull();
        card.AddColumn("acknowledgement_due", "timestamp with time zone").NotNull();
        card.AddColumn("rating_avg", "double precision").AllowNulls();
        card.AddColumn("rating_count", "integer").NotNull();
        yield return card;

        var text = new Table($"public.{TextName}");
        text.AddColumn("id", "uuid").AsPrimaryKey();
        text.AddColumn("search_text", "tsvector").NotNull().AddIndex(Gin);
        yield return text;

        // A deleted row leaves no "changed" behind: a statement-level trigger counts deletions in
        // the same transaction, and the copy reloads when the count moved (Matching/CandidatePool.cs).
        var deletions = new Table($"public.{DeletionsName}");
        deletions.AddColumn("id", "integer").AsPrimaryKey();
        deletions.AddColumn("generation", "bigint").NotNull();
        yield return deletions;
        yield return Weasel.Postgresql.Functions.Function.ForSql($"""
            create or replace function public.{DeletionsName}_count() returns trigger language plpgsql as $$
            begin
                insert into public.{DeletionsName} (id, generation) values (1, 1)
                on conflict (id) do update set generation = public.{DeletionsName}.generation + 1;
                return null;
            end;
            $$;
            """);
        yield return new Weasel.Postgresql.Triggers.Trigger($"public.{DeletionsName}_count", $"public.{IndexName}", $"public.{DeletionsName}_count()")
        {
            Timing = Weasel.Core.TriggerTiming.After,
            Events = Weasel.Core.TriggerEvents.Delete | Weasel.Core.TriggerEvents.Truncate,
            ForEachRow = false,
        };
    }

    private static void Gin(IndexDefinition index) => index.Method = IndexMethod.gin;

    private static void Gist(IndexDefinition index) => index.Method = IndexMethod.gist;

    /// <summary>Hashes of the English lexemes of <paramref name="text"/> (a SQL expression), as stored in <c>skills</c>.</summary>
    public static string SkillHashesSql(string text) => $"array(select hashtext(x) from unnest(tsvector_to_array(to_tsvector('english', {text}))) x)";

    private static readonly string UpsertIndexSql = $"""
        insert into public.{IndexName} (id, status, citizenship, name, applied_at, acknowledgement_due, years, pool, roles, match_roles,
            roles_mask, trained_mask, language_levels, skills, available, blocked, window_from, window_to, window_percent,
            evaluation_credit, rating_count, countries_done, training_masks, changed)
        values (?, ?, ?, ?, ?, ?, ?::smallint, ?, ?::smallint[], ?::smallint[],
            ?, ?, ?::smallint[], {SkillHashesSql("?")}, ?::datemultirange, ?::datemultirange, ?, ?, ?::smallint[],
            ?, ?::smallint, ?, ?, pg_current_xact_id())
        on conflict (id) do update set status = excluded.status, citizenship = excluded.citizenship, name = excluded.name,
            applied_at = excluded.applied_at, acknowledgement_due = excluded.acknowledgement_due, years = excluded.years,
            pool = excluded.pool, roles = excluded.roles, match_roles = excluded.match_roles, roles_mask = excluded.roles_mask,
            trained_mask = excluded.trained_mask, language_levels = excluded.language_levels, skills = excluded.skills,
            available = excluded.available, blocked = excluded.blocked, window_from = excluded.window_from,
            window_to = excluded.window_to, window_percent = excluded.window_percent, evaluation_credit = excluded.evaluation_credit,
            rating_count = excluded.rating_count, countries_done = excluded.countries_done, training_masks = excluded.training_masks,
            changed = excluded.changed
        """;

    private const string UpsertCardSql = $"""
        insert into public.{CardName} (id, version, status, name, email, organisation, citizenship, roles, trained_roles, languages,
            years, applied_at, acknowledgement_due, rating_avg, rating_count)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::double precision, ?)
        on conflict (id) do update set version = excluded.version, status = excluded.status, name = excluded.name, email = excluded.email,
            organisation = excluded.organisation, citizenship = excluded.citizenship, roles = excluded.roles,
            trained_roles = excluded.trained_roles, languages = excluded.languages, years = excluded.years,
            applied_at = excluded.applied_at, acknowledgement_due = excluded.acknowledgement_due, rating_avg = excluded.rating_avg,
            rating_count = excluded.rating_count
        """;

    private const string UpsertTextSql = $"""
        insert into public.{TextName} (id, search_text) values (?, to_tsvector('simple', ?))
        on conflict (id) do update set search_text = excluded.search_text
        """;

    /// <summary>Queues the rows for <paramref name="expert"/> in the session that is committing its events.</summary>
    public static void Upsert(IDocumentOperations operations, Expert expert)
    {
        var row = new Row(expert);
        operations.QueueSqlCommand(UpsertIndexSql, row.IndexValues());
        operations.QueueSqlCommand(UpsertCardSql, row.CardValues());
        operations.QueueSqlCommand(UpsertTextSql, expert.Id, row.FreeText());
    }

    /// <summary>
    /// Rewrites the tables from the stored snapshots, for when their shape or derivation changed
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

    /// <summary>An expert's rows, derived from the snapshot.</summary>
    private sealed class Row(Expert e)
    {
        private readonly IReadOnlyList<EcsfRole> _roles = e.Profile?.Roles ?? [];
        private readonly IReadOnlyList<EcsfRole> _trainedRoles = [.. e.Trainings.SelectMany(t => t.RolesCovered).Distinct()];
        private readonly IReadOnlyList<SpokenLanguage> _languages = e.Profile?.Languages ?? [];
        private readonly List<DeploymentRecord> _rated = [.. e.Deployments.Where(d => d.Rating is not null)];

        private double? RatingAverage => _rated.Count == 0 ? null : _rated.Average(d => d.Rating!.Value);

        public object[] IndexValues() =>
        [
            e.Id,
            Slug.Of(e.Status),
            e.Citizenship,
            e.Name,
            e.AppliedAt.ToUniversalTime(),
            e.AcknowledgementDue.ToUniversalTime(),
            e.Profile?.YearsOfExperience ?? 0,
            e.Status == ExpertStatus.Accepted && e.ConsentsToDataProcessing,
            _roles.Select(Codes.Role).ToArray(),
            _roles.Union(_trainedRoles).Select(Codes.Role).ToArray(),
            Codes.Mask(_roles),
            Codes.Mask(_trainedRoles),
            Codes.LanguageLevels(_languages),
            SkillText(e.Profile),
            MultiRange(e.Availability.Select(w => (w.From, w.To))),
            MultiRange(e.Deployments.Where(d => d.BlocksAvailability).Select(d => (d.StartDate, d.EndDate))),
            e.Availability.Select(w => w.From).ToArray(),
            e.Availability.Select(w => w.To).ToArray(),
            e.Availability.Select(w => w.Percent).ToArray(),
            Matching.MatchScoring.EvaluationCredit(RatingAverage, _rated.Count),
            _rated.Count,
            e.Deployments.Where(d => d.IsCompleted).Select(d => d.Country).Distinct().ToArray(),
            e.Trainings.Select(t => Codes.Mask(t.RolesCovered)).ToArray(),
        ];

        public object[] CardValues() =>
        [
            e.Id,
            e.Version,
            Slug.Of(e.Status),
            e.Name,
            e.Email,
            e.Organisation,
            e.Citizenship,
            _roles.Select(Slug.Of).ToArray(),
            _trainedRoles.Select(Slug.Of).ToArray(),
            System.Text.Json.JsonSerializer.Serialize(_languages.ToDictionary(l => l.Code, l => (int)l.Level)),
            e.Profile?.YearsOfExperience ?? 0,
            e.AppliedAt.ToUniversalTime(),
            e.AcknowledgementDue.ToUniversalTime(),
            RatingAverage!,
            _rated.Count,
        ];

        /// <summary>What <c>q</c> searches: name, e-mail, organisation, biography and skills (only skills once erased).</summary>
        public string FreeText() =>
            string.Join(' ', new[] { e.Name, e.Email, e.Organisation, e.Profile?.Bio ?? "", SkillText(e.Profile) }.Where(s => s.Length > 0));
    }

    private static string SkillText(ExpertProfile? profile) =>
        profile is null ? "" : string.Join(' ', profile.Skills.SelectMany(s => new[] { s.Name, s.Skillset, Slug.Of(s.Family) }).Distinct());

    /// <summary>A datemultirange literal of inclusive periods, e.g. <c>{[2027-03-01,2027-03-14]}</c>.</summary>
    internal static string MultiRange(IEnumerable<(DateOnly From, DateOnly To)> periods) =>
        "{" + string.Join(',', periods.Select(p => $"[{Date(p.From)},{Date(p.To)}]")) + "}";

    internal static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The small integer codes the index table stores vocabularies as. Stable by construction (enum
/// values, letters of ISO codes), so stored rows never need renumbering.
/// </summary>
public static class Codes
{
    public static short Role(EcsfRole role) => (short)role;

    /// <summary>One bit per role (bit 0 = the role with value 1).</summary>
    public static int Mask(IEnumerable<EcsfRole> roles) => roles.Aggregate(0, (mask, role) => mask | (1 << ((int)role - 1)));

    /// <summary>An ISO 639-1 code as a number: 26 × first letter + second letter (aa = 0 … zz = 675).</summary>
    public static int Language(string code) => (code[0] - 'a') * 26 + (code[1] - 'a');

    /// <summary><c>language × 8 + level</c>: the code of "speaks this language at this level".</summary>
    public static short LanguageLevel(string code, Contracts.Vocabularies.LanguageLevel level) => (short)(Language(code) * 8 + (int)level);

    /// <summary>A code for every level up to the one spoken, so "at least B2" is a containment.</summary>
    public static short[] LanguageLevels(IEnumerable<SpokenLanguage> languages) =>
        [.. languages.SelectMany(l => Enumerable.Range(1, (int)l.Level).Select(level => LanguageLevel(l.Code, (Contracts.Vocabularies.LanguageLevel)level)))];
}
