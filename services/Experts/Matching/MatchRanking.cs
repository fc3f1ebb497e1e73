using System.Globalization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Search;

namespace EuCyberNet.Experts.Matching;

/// <summary>
/// Finds and ranks the candidates of a request in a <see cref="PoolSnapshot"/>: the hard filters of
/// <see cref="MatchQuery"/>, then the score of <see cref="MatchScoring"/> (unrounded) with the
/// tie-breakers (more evaluations, more years, id in PostgreSQL's uuid order).
/// <para>
/// The score is computed exactly as the SQL ranking this replaced computed it, to the last bit, so
/// the order (ties included) did not change: the sum of the weighted credits, left to right in the
/// order role, skills, languages, availability, evaluations, trainings, country, divided by the
/// weights given. In that SQL the role, languages, trainings and country credits were
/// <c>numeric</c> (decimal) and the others <c>float8</c>; a numeric sum became a double where it met
/// the first double (with a correctly rounded conversion), and PostgreSQL divides numerics to 20
/// decimals. Those steps take only a few values per request, so they are tabulated once per
/// request (<see cref="Weights"/>); the per-candidate work is double arithmetic.
/// </para>
/// </summary>
public static class MatchRanking
{
    /// <summary>What ranks a candidate: the sort key and the candidate.</summary>
    public readonly record struct Ranked(double Score, short RatingCount, short Years, ulong IdHigh, ulong IdLow, Candidate Candidate);

    /// <summary>Best first: score, then more evaluations, then more years, then the id ascending.</summary>
    public static int Compare(in Ranked a, in Ranked b)
    {
        var c = b.Score.CompareTo(a.Score);
        if (c != 0) return c;
        c = b.RatingCount.CompareTo(a.RatingCount);
        if (c != 0) return c;
        c = b.Years.CompareTo(a.Years);
        if (c != 0) return c;
        c = a.IdHigh.CompareTo(b.IdHigh);
        return c != 0 ? c : a.IdLow.CompareTo(b.IdLow);
    }

    private sealed class BestFirst : IComparer<Ranked>
    {
        public static readonly BestFirst Instance = new();

        public int Compare(Ranked x, Ranked y) => MatchRanking.Compare(x, y);
    }

    private sealed class WorstFirst : IComparer<Ranked>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare(Ranked x, Ranked y) => MatchRanking.Compare(y, x);
    }

    /// <summary>
    /// The candidates ranked <paramref name="skip"/>+1 … <paramref name="skip"/>+<paramref name="take"/>, and how
    /// many candidates there are. <paramref name="termHashes"/>: per skill term, the hashes of its lexemes.
    /// </summary>
    public static (List<Ranked> Page, long Total) Rank(PoolSnapshot pool, MatchCriteria c, IReadOnlyList<int[]> termHashes, long skip, int take)
    {
        var weights = new Weights(c);
        var mask = Codes.Mask(c.Roles);
        var allHashes = termHashes.SelectMany(h => h).Distinct().Order().ToArray();
        var languages = c.Languages.Select(Codes.Language).ToArray();
        var from = c.From?.DayNumber ?? 0;
        var to = c.To?.DayNumber ?? 0;
        // Past the last candidate nothing needs keeping: only the count.
        var wanted = skip >= pool.Count ? 0 : (int)skip + take;
        var best = new PriorityQueue<Ranked, Ranked>(WorstFirst.Instance);
        long total = 0;

        foreach (var e in pool.All())
        {
            // Hard filters.
            if (!e.Pool) continue;
            if (c.Roles.Count > 0 && ((e.RolesMask | e.TrainedMask) & mask) == 0) continue;
            if (c.SkillTerms.Count > 0 && !Overlaps(e.Skills, allHashes)) continue;
            if (languages.Length > 0 && !SpeaksAny(e, languages)) continue;
            if (c.PeriodDays > 0 && (!Overlaps(e.Available, from, to) || Overlaps(e.Blocked, from, to))) continue;
            total++;

            var ranked = new Ranked(weights.Score(e, mask, termHashes, languages, from, to), e.RatingCount, e.Years, e.IdHigh, e.IdLow, e);
            if (best.Count < wanted) best.Enqueue(ranked, ranked);
            else if (wanted > 0 && Compare(ranked, best.Peek()) < 0) best.EnqueueDequeue(ranked, ranked);
        }

        var page = new List<Ranked>(best.Count);
        while (best.Count > 0) page.Add(best.Dequeue());
        page.Sort(BestFirst.Instance);
        return (page.Count > skip ? page.GetRange((int)skip, page.Count - (int)skip) : [], total);
    }

    private static bool SpeaksAny(Candidate e, int[] languages)
    {
        foreach (var language in languages)
            if (e.Level(language) >= (int)MatchScoring.MinimumLanguageLevel) return true;
        return false;
    }

    /// <summary>Whether two sorted arrays share an element.</summary>
    internal static bool Overlaps(int[] sorted, int[] wanted)
    {
        var values = sorted.AsSpan();
        foreach (var value in wanted)
            if (values.Contains(value)) return true;
        return false;
    }

    /// <summary>Whether every element of <paramref name="wanted"/> is in <paramref name="sorted"/>.</summary>
    internal static bool ContainsAll(int[] sorted, int[] wanted)
    {
        var values = sorted.AsSpan();
        foreach (var value in wanted)
            if (!values.Contains(value)) return false;
        return true;
    }

    /// <summary>Whether inclusive day pairs overlap the inclusive period [from, to].</summary>
    internal static bool Overlaps(int[] pairs, int from, int to)
    {
        for (var i = 0; i < pairs.Length; i += 2)
            if (pairs[i] <= to && pairs[i + 1] >= from) return true;
        return false;
    }

    /// <summary>The per-request part of the score: which terms count, and the tabulated decimal steps.</summary>
    public sealed class Weights
    {
        private readonly MatchCriteria _c;
        private readonly double _possible;
        private readonly double _periodPercentDays;

        // The leading run of numeric terms (role; role + languages without skills; languages alone),
        // converted to double once: [role credit: declared, trained, none][sum of language credits × 20].
        private readonly double[,] _prefix;
        private readonly bool _languagesInPrefix;
        private readonly double[] _languageTerm;

        public Weights(MatchCriteria c)
        {
            _c = c;
            var possible = MatchScoring.EvaluationsWeight + MatchScoring.TrainingsWeight;
            if (c.Roles.Count > 0) possible += MatchScoring.RoleWeight;
            if (c.SkillTerms.Count > 0) possible += MatchScoring.SkillsWeight;
            if (c.Languages.Count > 0) possible += MatchScoring.LanguagesWeight;
            if (c.PeriodDays > 0) possible += MatchScoring.AvailabilityWeight;
            if (c.Country is not null) possible += MatchScoring.CountryWeight;
            _possible = possible;
            _periodPercentDays = 100.0 * c.PeriodDays;

            var n = c.Languages.Count;
            var languageTerms = new decimal[20 * n + 1];
            for (var sum = 0; sum <= 20 * n && n > 0; sum++) languageTerms[sum] = LanguageTerm(sum, n);
            _languageTerm = [.. languageTerms.Select(ToDouble)];
            _languagesInPrefix = n > 0 && c.SkillTerms.Count == 0;
            var roleTerms = c.Roles.Count > 0
                ? new[] { (decimal)MatchScoring.RoleWeight, (decimal)MatchScoring.RoleWeight * (decimal)MatchScoring.TrainedRoleCredit, 0m }
                : [0m];
            _prefix = new double[roleTerms.Length, _languagesInPrefix ? languageTerms.Length : 1];
            for (var r = 0; r < roleTerms.Length; r++)
                for (var l = 0; l < _prefix.GetLength(1); l++)
                    _prefix[r, l] = ToDouble(roleTerms[r] + (_languagesInPrefix ? languageTerms[l] : 0m));
        }

        /// <summary><c>15.0 * (Σ credits / n.0)</c> in PostgreSQL's numeric arithmetic: the mean rounded half away from zero to 20 decimals.</summary>
        internal static decimal LanguageTerm(int creditsTimes20, int n) =>
            (decimal)MatchScoring.LanguagesWeight * Math.Round(creditsTimes20 / 20m / n, 20, MidpointRounding.AwayFromZero);

        /// <summary>A numeric's conversion to <c>float8</c>: the nearest double (PostgreSQL goes through the decimal text).</summary>
        internal static double ToDouble(decimal value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        /// <summary>The credit of a language level × 20 (native 20, C2 19, C1 17, B2 14, B1 10, A2 5, A1 2, none 0).</summary>
        internal static int LanguageCredit20(int level) => level == 0 ? 0 : (int)Math.Round(MatchScoring.LanguageCredit((LanguageLevel)level) * 20);

        public double Score(Candidate e, int mask, IReadOnlyList<int[]> termHashes, int[] languages, int from, int to)
        {
            var c = _c;
            var role = 0;
            if (c.Roles.Count > 0) role = (e.RolesMask & mask) != 0 ? 0 : (e.TrainedMask & mask) != 0 ? 1 : 2;
            var languageSum = 0;
            foreach (var language in languages) languageSum += LanguageCredit20(e.Level(language));

            double score;
            var started = c.Roles.Count > 0 || _languagesInPrefix;
            score = started ? _prefix[role, _languagesInPrefix ? languageSum : 0] : 0;
            if (c.SkillTerms.Count > 0)
            {
                var matched = 0;
                foreach (var hashes in termHashes)
                    if (hashes.Length > 0 && ContainsAll(e.Skills, hashes)) matched++;
                var skills = MatchScoring.SkillsWeight * ((double)matched / c.SkillTerms.Count);
                score = started ? score + skills : skills;
                started = true;
            }
            if (languages.Length > 0 && !_languagesInPrefix) score += _languageTerm[languageSum];
            if (c.PeriodDays > 0)
            {
                long covered = 0;
                for (var k = 0; k < e.WindowFrom.Length; k++)
                    covered += Math.Max(0, Math.Min(e.WindowTo[k], to) - Math.Max(e.WindowFrom[k], from) + 1) * (long)e.WindowPercent[k];
                var availability = MatchScoring.AvailabilityWeight * Math.Min(1.0, covered / _periodPercentDays);
                score = started ? score + availability : availability;
                started = true;
            }
            var evaluations = MatchScoring.EvaluationsWeight * e.EvaluationCredit;
            score = started ? score + evaluations : evaluations;

            int relevant;
            if (c.Roles.Count == 0) relevant = e.TrainingMasks.Length;
            else if ((e.TrainedMask & mask) == 0) relevant = 0;
            else
            {
                relevant = 0;
                foreach (var m in e.TrainingMasks)
                    if ((m & mask) != 0) relevant++;
            }
            score += MatchScoring.TrainingsWeight * Math.Min(relevant, MatchScoring.TrainingsForFullCredit) / MatchScoring.TrainingsForFullCredit;
            if (c.Country is { } country && Array.IndexOf(e.CountriesDone, country) >= 0) score += MatchScoring.CountryWeight;
            return score / _possible;
        }
    }
}
