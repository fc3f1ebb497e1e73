using System.Data;
using System.Globalization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Matching;
using EuCyberNet.Experts.Pool;
using EuCyberNet.Experts.Search;
using Npgsql;
using NpgsqlTypes;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>
/// Matching used to rank every candidate in PostgreSQL; it now ranks in memory (<see cref="MatchRanking"/>
/// over <see cref="CandidatePool"/>). The SQL it replaced is kept here as the oracle: on thousands of
/// synthetic index rows made to tie (few distinct years, ratings, levels and windows), both must find
/// the same candidates, in the same order, with bit-identical scores. And the copy must never miss a
/// committed write, including one whose transaction began before a later one that committed first.
/// </summary>
public sealed class RankingEquivalenceFixture : IAsyncLifetime
{
    public ExpertsApp App { get; private set; } = null!;

    public static readonly string[] Words = ["incident", "response", "forensics", "malware", "cloud", "governance", "the"];

    public async Task InitializeAsync()
    {
        App = await ExpertsApp.StartAsync();
        var random = new Random(2027);
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var batch = connection.CreateBatch();
        for (var i = 0; i < 3000; i++)
        {
            var roles = Enumerable.Range(0, random.Next(1, 3)).Select(_ => (EcsfRole)random.Next(1, 6)).Distinct().ToArray();
            var trained = random.Next(4) == 0 ? Enumerable.Range(0, random.Next(1, 3)).Select(_ => (EcsfRole)random.Next(1, 6)).Distinct().ToArray() : [];
            var trainings = trained.Length == 0 ? [] : Enumerable.Range(0, random.Next(1, 4)).Select(_ => Codes.Mask(trained.Where(_ => random.Next(2) == 0))).ToArray();
            var languages = new[] { "en", "fr", "de", "uk" }.Where(_ => random.Next(3) > 0)
                .Select(code => new SpokenLanguage(code, (LanguageLevel)random.Next(1, 8))).ToList();
            var skills = string.Join(' ', Words.Where(_ => random.Next(3) == 0));
            var windows = Enumerable.Range(0, random.Next(0, 5)).Select(_ =>
            {
                var from = new DateOnly(2027, 1, 1).AddDays(random.Next(0, 12) * 10);
                return (From: from, To: from.AddDays(random.Next(0, 4) * 10), Percent: (short)(random.Next(1, 5) * 25));
            }).ToList();
            var blocked = random.Next(5) == 0 ? new[] { (From: new DateOnly(2027, 2, 1).AddDays(random.Next(0, 40)), To: new DateOnly(2027, 3, 15)) } : [];
            var ratings = random.Next(0, 5);
            var average = ratings == 0 ? (double?)null : random.Next(4, 21) / 4.0;
            var command = new NpgsqlBatchCommand($"""
                insert into public.{ExpertSearchTable.IndexName} (id, status, citizenship, name, applied_at, acknowledgement_due, years, pool,
                    roles, match_roles, roles_mask, trained_mask, language_levels, skills, available, blocked, window_from, window_to,
                    window_percent, evaluation_credit, rating_count, countries_done, training_masks, changed)
                values ($1, $19, $20, '', now() - $21 * interval '1 hour', now() + $22 * interval '1 hour', $2, $3, $4, $5, $6, $7, $8, {ExpertSearchTable.SkillHashesSql("$9")},
                    $10::datemultirange, $11::datemultirange, $12, $13, $14, $15, $16, $17, $18, pg_current_xact_id())
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            command.Parameters.Add(new NpgsqlParameter { Value = (short)random.Next(5, 8) });
            command.Parameters.Add(new NpgsqlParameter { Value = random.Next(10) > 0 });
            command.Parameters.Add(new NpgsqlParameter { Value = roles.Select(Codes.Role).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = roles.Union(trained).Select(Codes.Role).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = Codes.Mask(roles) });
            command.Parameters.Add(new NpgsqlParameter { Value = Codes.Mask(trained) });
            command.Parameters.Add(new NpgsqlParameter { Value = Codes.LanguageLevels(languages) });
            command.Parameters.Add(new NpgsqlParameter { Value = skills });
            command.Parameters.Add(new NpgsqlParameter { Value = ExpertSearchTable.MultiRange(windows.Select(w => (w.From, w.To))) });
            command.Parameters.Add(new NpgsqlParameter { Value = ExpertSearchTable.MultiRange(blocked.Select(b => (b.From, b.To))) });
            command.Parameters.Add(new NpgsqlParameter { Value = windows.Select(w => w.From).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = windows.Select(w => w.To).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = windows.Select(w => w.Percent).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = MatchScoring.EvaluationCredit(average, ratings) });
            command.Parameters.Add(new NpgsqlParameter { Value = (short)ratings });
            command.Parameters.Add(new NpgsqlParameter { Value = random.Next(3) == 0 ? new[] { "UA" } : Array.Empty<string>() });
            command.Parameters.Add(new NpgsqlParameter { Value = trainings });
            command.Parameters.Add(new NpgsqlParameter { Value = new[] { "accepted", "applied", "suspended", "profile-submitted" }[random.Next(4)] });
            command.Parameters.Add(new NpgsqlParameter { Value = new[] { "SI", "AT", "DE" }[random.Next(3)] });
            command.Parameters.Add(new NpgsqlParameter { Value = (double)random.Next(0, 50) });
            command.Parameters.Add(new NpgsqlParameter { Value = (double)random.Next(-20, 20) });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class RankingEquivalenceTests(RankingEquivalenceFixture fixture) : IClassFixture<RankingEquivalenceFixture>
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task In_memory_ranking_finds_the_same_candidates_in_the_same_order_with_the_same_scores_as_the_SQL_it_replaced(int seed)
    {
        var random = new Random(seed);
        await using var connection = new NpgsqlConnection(fixture.App.ConnectionString);
        await connection.OpenAsync();
        using var pool = new CandidatePool();
        for (var request = 0; request < 8; request++)
        {
            var from = new DateOnly(2027, 1, 1).AddDays(random.Next(0, 120));
            var criteria = new MatchCriteria(
                [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => (EcsfRole)random.Next(1, 6)).Distinct()],
                [.. RankingEquivalenceFixture.Words.Where(_ => random.Next(4) == 0)],
                [.. new[] { "en", "fr", "de", "uk", "es" }.Where(_ => random.Next(3) == 0)],
                random.Next(3) == 0 ? "UA" : null,
                random.Next(2) == 0 ? from : null,
                null);
            if (criteria.From is not null) criteria = criteria with { To = from.AddDays(random.Next(0, 40)) };
            if (criteria is { Roles.Count: 0, SkillTerms.Count: 0, Languages.Count: 0, Country: null, From: null })
                criteria = criteria with { Roles = [EcsfRole.CyberIncidentResponder] };

            var expected = await LegacyRankingAsync(connection, criteria);

            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            var snapshot = await pool.RefreshAsync(connection, transaction, CancellationToken.None);
            var hashes = await TermHashesAsync(connection, criteria.SkillTerms);
            var (ranked, total) = MatchRanking.Rank(snapshot, criteria, hashes, 0, 5000);
            await transaction.CommitAsync();

            var why = $"request {request} of seed {seed}: {string.Join(',', criteria.Roles)} | {string.Join(' ', criteria.SkillTerms)} | " +
                      $"{string.Join(',', criteria.Languages)} | {criteria.Country} | {criteria.From}–{criteria.To}";
            Assert.True(expected.Count == total, $"{why}: {total} candidates, the SQL found {expected.Count}");
            Assert.True(expected.Select(e => e.Id).SequenceEqual(ranked.Select(r => r.Candidate.Id)), $"{why}: another order");
            var firstDifference = expected.Zip(ranked).FirstOrDefault(p => BitConverter.DoubleToInt64Bits(p.First.Score) != BitConverter.DoubleToInt64Bits(p.Second.Score));
            Assert.True(firstDifference == default, $"{why}: score {firstDifference.Second.Score:R}, the SQL {firstDifference.First.Score:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Search_pages_and_counts_from_the_copy_exactly_as_the_SQL_filters_and_sorts(int seed)
    {
        var random = new Random(seed);
        await using var connection = new NpgsqlConnection(fixture.App.ConnectionString);
        await connection.OpenAsync();
        using var pool = new CandidatePool();
        for (var request = 0; request < 8; request++)
        {
            var from = new DateOnly(2027, 1, 1).AddDays(random.Next(0, 120));
            var period = random.Next(3) == 0;
            var criteria = new SearchCriteria(
                [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => (EcsfRole)random.Next(1, 6)).Distinct()],
                random.Next(3) == 0 ? string.Join(' ', RankingEquivalenceFixture.Words.Where(_ => random.Next(4) == 0)) : null,
                [.. new[] { "en", "fr", "de" }.Where(_ => random.Next(4) == 0)],
                (LanguageLevel)random.Next(1, 8),
                [.. new[] { "SI", "AT", "DE" }.Where(_ => random.Next(3) == 0)],
                [.. new[] { ExpertStatus.Accepted, ExpertStatus.Applied, ExpertStatus.Suspended }.Where(_ => random.Next(3) == 0)],
                random.Next(5) == 0,
                period ? from : null,
                period ? from.AddDays(random.Next(0, 40)) : null,
                null,
                new[] { "applied_at", "years", "citizenship", "status" }[random.Next(4)],
                random.Next(2) == 0,
                new EuCyberNet.ServiceDefaults.Http.Paging(random.Next(1, 4), 7));
            if (criteria.SkillQuery == "") criteria = criteria with { SkillQuery = null };
            var now = DateTimeOffset.UtcNow;

            var (expectedIds, expectedTotal) = await SqlSearchAsync(connection, criteria, now);

            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            var snapshot = await pool.RefreshAsync(connection, transaction, CancellationToken.None);
            int[]? hashes = null;
            if (criteria.SkillQuery is { } words)
            {
                await using var command = new NpgsqlCommand($"select {ExpertSearchTable.SkillHashesSql("@skill")}", connection, transaction);
                command.Parameters.AddWithValue("skill", words);
                hashes = (int[])(await command.ExecuteScalarAsync())!;
            }
            var (ids, total) = ExpertSearch.Select(snapshot, criteria, hashes, now);
            await transaction.CommitAsync();

            var why = $"request {request} of seed {seed}: sort {criteria.SortColumn} {(criteria.Descending ? "desc" : "asc")}, page {criteria.Paging.Page}";
            Assert.True(expectedTotal == total, $"{why}: {total} experts, the SQL found {expectedTotal}");
            Assert.True(expectedIds.SequenceEqual(ids), $"{why}: another page");
        }
    }

    /// <summary>The page and count statements of <see cref="ExpertSearch"/>, as SQL.</summary>
    private static async Task<(List<Guid> Ids, long Total)> SqlSearchAsync(NpgsqlConnection connection, SearchCriteria c, DateTimeOffset now)
    {
        await using var command = connection.CreateCommand();
        var where = new List<string> { "true" };
        var p = command.Parameters;
        if (c.Statuses.Count > 0)
        {
            where.Add("i.status = any(@statuses)");
            p.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = c.Statuses.Select(Slug.Of).ToArray() });
        }
        if (c.OverdueOnly)
        {
            where.Add("i.status = 'applied' and i.acknowledgement_due < @now");
            p.Add(new NpgsqlParameter("now", now));
        }
        if (c.Roles.Count > 0)
        {
            where.Add("i.roles && @roles");
            p.Add(new NpgsqlParameter("roles", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = c.Roles.Select(Codes.Role).ToArray() });
        }
        if (c.SkillQuery is { } skill)
        {
            where.Add($"cardinality({ExpertSearchTable.SkillHashesSql("@skill")}) > 0 and i.skills @> {ExpertSearchTable.SkillHashesSql("@skill")}");
            p.Add(new NpgsqlParameter("skill", skill));
        }
        if (c.Languages.Count > 0)
        {
            where.Add("i.language_levels @> @levels");
            p.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = c.Languages.Select(l => Codes.LanguageLevel(l, c.MinLevel)).ToArray() });
        }
        if (c.Citizenships.Count > 0)
        {
            where.Add("i.citizenship = any(@citizenships)");
            p.Add(new NpgsqlParameter("citizenships", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = c.Citizenships.ToArray() });
        }
        if (c.AvailableFrom is { } from && c.AvailableTo is { } to)
        {
            where.Add("i.available && daterange(@from, @to, '[]') and not i.blocked && daterange(@from, @to, '[]')");
            p.Add(new NpgsqlParameter("from", from));
            p.Add(new NpgsqlParameter("to", to));
        }
        command.CommandText = $"""
            select i.id, count(*) over () from public.{ExpertSearchTable.IndexName} i where {string.Join(" and ", where)}
            order by i.{c.SortColumn} {(c.Descending ? "desc" : "asc")}, i.id
            """;
        var all = new List<(Guid Id, long Total)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) all.Add((reader.GetGuid(0), reader.GetInt64(1)));
        return ([.. all.Skip(c.Paging.Skip).Take(c.Paging.PageSize).Select(r => r.Id)], all.Count == 0 ? 0 : all[0].Total);
    }

    [Fact]
    public async Task The_language_credit_is_tabulated_exactly_as_PostgreSQL_computes_it()
    {
        await using var connection = new NpgsqlConnection(fixture.App.ConnectionString);
        await connection.OpenAsync();
        var cases = new List<(int N, int Sum, bool WithRole, string Sql)>();
        for (var n = 1; n <= 10; n++)
            for (var sum = 0; sum <= 20 * n; sum++)
            {
                var credits = string.Join(" + ", Enumerable.Range(0, n).Select(i => i == 0 ? (sum / 20m).ToString(CultureInfo.InvariantCulture) : "0.0"));
                cases.Add((n, sum, false, $"(15.0 * (({credits}) / {n}.0))::float8"));
                cases.Add((n, sum, true, $"(30.0 * 0.6 + 15.0 * (({credits}) / {n}.0))::float8"));
            }
        foreach (var chunk in cases.Chunk(500)) // a select list holds at most 1,664 columns
        {
            await using var command = new NpgsqlCommand("select " + string.Join(", ", chunk.Select(c => c.Sql)), connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            for (var i = 0; i < chunk.Length; i++)
            {
                var term = MatchRanking.Weights.LanguageTerm(chunk[i].Sum, chunk[i].N);
                var expected = MatchRanking.Weights.ToDouble(chunk[i].WithRole ? 18.00m + term : term);
                Assert.True(reader.GetDouble(i) == expected, $"{chunk[i].Sql}: {reader.GetDouble(i):R}, tabulated {expected:R}");
            }
        }
    }

    [Fact]
    public async Task A_refresh_never_misses_a_write_committed_after_a_later_transaction_committed()
    {
        var ids = new List<Guid>();
        await using (var connection = await OpenAsync())
        {
            await using var command = new NpgsqlCommand($"select id from public.{ExpertSearchTable.IndexName} where pool order by id limit 2", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        }
        using var pool = new CandidatePool();
        await RefreshAsync(pool);

        // T1 writes first and commits last; T2 starts later and commits in between, with a refresh
        // after it (a watermark of "the highest transaction seen" would now skip T1).
        await using var t1Connection = await OpenAsync();
        await using var t1 = await t1Connection.BeginTransactionAsync();
        await SetYearsAsync(t1Connection, t1, ids[0], 41);
        await using (var t2Connection = await OpenAsync())
        {
            await using var t2 = await t2Connection.BeginTransactionAsync();
            await SetYearsAsync(t2Connection, t2, ids[1], 42);
            await t2.CommitAsync();
        }
        var between = await RefreshAsync(pool);
        Assert.Equal(42, Years(between, ids[1]));
        Assert.NotEqual(41, Years(between, ids[0]));
        await t1.CommitAsync();

        var after = await RefreshAsync(pool);
        Assert.Equal(41, Years(after, ids[0]));
        Assert.Equal(42, Years(after, ids[1]));
        Assert.NotEqual(41, Years(between, ids[0])); // a snapshot handed out never changes
    }

    [Fact]
    public async Task An_expert_who_leaves_the_pool_is_no_candidate_at_the_next_refresh()
    {
        using var pool = new CandidatePool();
        var before = await RefreshAsync(pool);
        var id = before.All().First(e => e.Pool).Id;
        await using (var connection = await OpenAsync())
        {
            await using var update = new NpgsqlCommand(
                $"update public.{ExpertSearchTable.IndexName} set pool = false, status = 'suspended', changed = pg_current_xact_id() where id = @id", connection);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync();
        }
        var after = await RefreshAsync(pool);
        Assert.False(after.All().Single(e => e.Id == id).Pool);
        Assert.Equal("suspended", after.All().Single(e => e.Id == id).Status);
        Assert.Equal(before.Count, after.Count);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(fixture.App.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<PoolSnapshot> RefreshAsync(CandidatePool pool)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var snapshot = await pool.RefreshAsync(connection, transaction, CancellationToken.None);
        await transaction.CommitAsync();
        return snapshot;
    }

    private static async Task SetYearsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, short years)
    {
        await using var command = new NpgsqlCommand(
            $"update public.{ExpertSearchTable.IndexName} set years = @years, changed = pg_current_xact_id() where id = @id", connection, transaction);
        command.Parameters.AddWithValue("years", years);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    private static int Years(PoolSnapshot snapshot, Guid id) => snapshot.All().Single(e => e.Id == id).Years;

    private static async Task<int[][]> TermHashesAsync(NpgsqlConnection connection, IReadOnlyList<string> terms)
    {
        var hashes = new List<int[]>();
        foreach (var term in terms)
        {
            await using var command = new NpgsqlCommand($"select {ExpertSearchTable.SkillHashesSql("@term")}", connection);
            command.Parameters.AddWithValue("term", term);
            hashes.Add((int[])(await command.ExecuteScalarAsync())!);
        }
        return [.. hashes];
    }

    /// <summary>The ranking statement matching ran before (every candidate, no paging), verbatim in what it computed.</summary>
    private static async Task<List<(Guid Id, double Score)>> LegacyRankingAsync(NpgsqlConnection connection, MatchCriteria c)
    {
        await using var command = connection.CreateCommand();
        var p = command.Parameters;
        var hasTerms = c.SkillTerms.Count > 0;
        var hasPeriod = c.PeriodDays > 0;
        if (c.Roles.Count > 0)
        {
            p.Add(new NpgsqlParameter("roles", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = c.Roles.Select(Codes.Role).ToArray() });
            p.Add(new NpgsqlParameter("mask", Codes.Mask(c.Roles)));
        }
        if (hasTerms) p.Add(new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = c.SkillTerms.ToArray() });
        if (c.Languages.Count > 0)
            p.Add(new NpgsqlParameter("langmin", NpgsqlDbType.Array | NpgsqlDbType.Smallint)
            {
                Value = c.Languages.Select(l => Codes.LanguageLevel(l, MatchScoring.MinimumLanguageLevel)).ToArray(),
            });
        if (c.Country is { } country) p.Add(new NpgsqlParameter("country", country));
        if (hasPeriod)
        {
            p.Add(new NpgsqlParameter("from", c.From!.Value));
            p.Add(new NpgsqlParameter("to", c.To!.Value));
        }
        var where = new List<string> { "e.pool" };
        if (c.Roles.Count > 0) where.Add("e.match_roles && @roles");
        if (hasTerms) where.Add("e.skills && (select hashes from tl)");
        if (c.Languages.Count > 0) where.Add("e.language_levels && @langmin");
        if (hasPeriod) where.Add("e.available && daterange(@from, @to, '[]') and not e.blocked && daterange(@from, @to, '[]')");
        command.CommandText = $"""
            with {(hasTerms ? $"""
                tq as (select t.term, t.i, {ExpertSearchTable.SkillHashesSql("t.term")} as hashes from unnest(@terms::text[]) with ordinality as t(term, i)),
                tl as (select coalesce(array_agg(x), '{"{}"}') as hashes from tq, unnest(tq.hashes) x),
                """ : "")}
            candidates as materialized (
                select e.id, {LegacyScoreSql(c)} as score, e.rating_count, e.years
                from public.{ExpertSearchTable.IndexName} e
                where {string.Join(" and ", where)})
            select id, score from candidates order by score desc, rating_count desc, years desc, id
            """;
        var rows = new List<(Guid, double)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetGuid(0), reader.GetDouble(1)));
        return rows;
    }

    private static string LegacyScoreSql(MatchCriteria c)
    {
        var matchedTermCount = c.SkillTerms.Count == 0 ? "0" : "(" + string.Join(" + ", Enumerable.Range(1, c.SkillTerms.Count).Select(i =>
            $"(case when cardinality((select hashes from tq where i = {i})) > 0 and e.skills @> (select hashes from tq where i = {i}) then 1 else 0 end)")) + ")";
        var covered = c.PeriodDays > 0
            ? "(case when cardinality(e.window_from) <= 3 then " + string.Join(" + ", Enumerable.Range(1, 3).Select(k =>
                  $"coalesce(greatest(0, least(e.window_to[{k}], @to) - greatest(e.window_from[{k}], @from) + 1) * e.window_percent[{k}], 0)")) +
              " else (select sum(greatest(0, least(e.window_to[k], @to) - greatest(e.window_from[k], @from) + 1) * e.window_percent[k]) from generate_subscripts(e.window_from, 1) k) end)::float8"
            : "0::float8";
        var relevantTrainings = c.Roles.Count > 0
            ? "(case when e.trained_mask & @mask <> 0 then (select count(*) from unnest(e.training_masks) m where m & @mask <> 0)::int else 0 end)"
            : "cardinality(e.training_masks)";
        var countryDone = c.Country is null ? "false" : "e.countries_done @> array[@country]::text[]";
        var terms = new List<(double Weight, string Credit)>();
        if (c.Roles.Count > 0)
            terms.Add((MatchScoring.RoleWeight,
                $"(case when e.roles_mask & @mask <> 0 then 1.0 when e.trained_mask & @mask <> 0 then {Number(MatchScoring.TrainedRoleCredit)} else 0.0 end)"));
        if (c.SkillTerms.Count > 0)
            terms.Add((MatchScoring.SkillsWeight, $"({matchedTermCount}::float8 / {c.SkillTerms.Count})"));
        if (c.Languages.Count > 0)
        {
            var perLanguage = c.Languages.Select(code => "(case " + string.Join(" ", Enum.GetValues<LanguageLevel>().Reverse().Select(level =>
                $"when e.language_levels @> '{{{Codes.LanguageLevel(code, level)}}}'::smallint[] then {Number(MatchScoring.LanguageCredit(level))}")) + " else 0.0 end)");
            terms.Add((MatchScoring.LanguagesWeight, $"(({string.Join(" + ", perLanguage)}) / {c.Languages.Count}.0)"));
        }
        if (c.PeriodDays > 0)
            terms.Add((MatchScoring.AvailabilityWeight, $"least(1.0, {covered} / {Number(100.0 * c.PeriodDays)})"));
        terms.Add((MatchScoring.EvaluationsWeight, "e.evaluation_credit"));
        terms.Add((MatchScoring.TrainingsWeight, $"(least({relevantTrainings}, {MatchScoring.TrainingsForFullCredit}) / {Number(MatchScoring.TrainingsForFullCredit)})"));
        if (c.Country is not null)
            terms.Add((MatchScoring.CountryWeight, $"(case when {countryDone} then 1.0 else 0.0 end)"));
        var possible = terms.Sum(t => t.Weight);
        return $"(({string.Join(" + ", terms.Select(t => $"{Number(t.Weight)} * {t.Credit}"))}) / {Number(possible)})";
    }

    private static string Number(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);
}
