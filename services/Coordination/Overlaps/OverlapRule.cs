using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;

namespace EuCyberNet.Coordination.Overlaps;

/// <summary>The overlap rule's thresholds (configuration section <c>Coordination:Overlaps</c>).</summary>
public sealed class OverlapOptions
{
    public const string Section = "Coordination:Overlaps";

    /// <summary>The periods must share at least this many calendar days (both ends counted).</summary>
    public int MinimumOverlapDays { get; set; } = 1;

    /// <summary>The activities must share at least this many CCB themes.</summary>
    public int MinimumSharedThemes { get; set; } = 1;

    /// <summary>
    /// The kinds of activity compared. Deployments are left out by default: a deployment serves a
    /// request, which is compared already, so it would only repeat the request's alerts.
    /// </summary>
    public List<ActivityKind> Kinds { get; set; } =
        [ActivityKind.Project, ActivityKind.ExpertiseRequest, ActivityKind.TrainingSession, ActivityKind.TrainingRequest];

    /// <summary>Activities in these statuses will not happen (or are not real yet) and overlap nothing.</summary>
    public List<string> IgnoredStatuses { get; set; } = ["cancelled", "rejected", "withdrawn", "draft", "unknown"];
}

/// <summary>Where two activities overlap.</summary>
public sealed record Overlap(
    Activity A,
    Activity B,
    IReadOnlyList<string> Countries,
    IReadOnlyList<CcbTheme> SharedThemes,
    DateOnly From,
    DateOnly To)
{
    public string Pair => OverlapRule.PairKey(A.Subject, B.Subject);
}

/// <summary>
/// The duplication detector's rule, pure. Two activities overlap when all of these hold:
/// <list type="number">
/// <item>both take part: a kind that is compared, a status that is not ignored, countries, themes and a period known;</item>
/// <item>neither belongs to the other and they do not belong to the same parent (a request of a
/// project, a deployment of a request, a training request scheduled into a session, two requests of
/// one project): that is one piece of work, not two;</item>
/// <item>they come from different actors: a different funder, or no implementer in common;</item>
/// <item>they share at least one beneficiary country;</item>
/// <item>they share at least <see cref="OverlapOptions.MinimumSharedThemes"/> themes;</item>
/// <item>their periods share at least <see cref="OverlapOptions.MinimumOverlapDays"/> days.</item>
/// </list>
/// </summary>
public static class OverlapRule
{
    public static string PairKey(string subjectA, string subjectB) =>
        string.CompareOrdinal(subjectA, subjectB) <= 0 ? $"{subjectA}|{subjectB}" : $"{subjectB}|{subjectA}";

    public static bool TakesPart(Activity a, OverlapOptions options) =>
        a.Known && options.Kinds.Contains(a.Kind)
        && !options.IgnoredStatuses.Contains(a.Status, StringComparer.OrdinalIgnoreCase)
        && a.From is not null && a.To is not null && a.Countries.Count > 0 && a.Themes.Count > 0;

    /// <summary>The overlap of two activities, or null when the rule does not hold.</summary>
    public static Overlap? Find(Activity a, Activity b, OverlapOptions options) => Evaluate(a, b, options).Overlap;

    /// <summary>Why two activities do not overlap (for the reason of an automatic resolution), or null when they do.</summary>
    public static string? WhyNot(Activity a, Activity b, OverlapOptions options) => Evaluate(a, b, options).WhyNot;

    private static (Overlap? Overlap, string? WhyNot) Evaluate(Activity a, Activity b, OverlapOptions options)
    {
        // Cheapest tests first: the detector runs this for every candidate of every changed activity.
        if (a.Id == b.Id) return (null, "the same activity");
        if (!TakesPart(a, options)) return (null, WhyNotCompared(a, options));
        if (!TakesPart(b, options)) return (null, WhyNotCompared(b, options));

        var from = a.From!.Value > b.From!.Value ? a.From.Value : b.From.Value;
        var to = a.To!.Value < b.To!.Value ? a.To.Value : b.To.Value;
        var days = to.DayNumber - from.DayNumber + 1;
        if (days < Math.Max(1, options.MinimumOverlapDays))
            return (null, days <= 0 ? "the periods no longer overlap" : $"the periods share {days} day(s), fewer than {options.MinimumOverlapDays}");

        var countries = Common(a.Countries, b.Countries);
        if (countries.Count == 0) return (null, "no beneficiary country in common any more");

        var themes = Common(a.Themes, b.Themes);
        if (themes.Count < Math.Max(1, options.MinimumSharedThemes))
            return (null, $"fewer than {Math.Max(1, options.MinimumSharedThemes)} shared theme(s)");

        if (Linked(a, b)) return (null, "the activities belong together (one is part of the other or of the same parent)");
        if (!DifferentActors(a, b)) return (null, "same funder and a common implementer");

        countries.Sort(StringComparer.Ordinal);
        themes.Sort();
        var (first, second) = string.CompareOrdinal(a.Subject, b.Subject) <= 0 ? (a, b) : (b, a);
        return (new Overlap(first, second, countries, themes, from, to), null);
    }

    private static string WhyNotCompared(Activity x, OverlapOptions options) =>
        options.IgnoredStatuses.Contains(x.Status, StringComparer.OrdinalIgnoreCase)
            ? $"{x.Subject} is {x.Status}"
            : $"{x.Subject} is not compared (kind, period, countries or themes missing)";

    private static List<T> Common<T>(IReadOnlyList<T> left, IReadOnlyList<T> right)
    {
        var common = new List<T>();
        foreach (var item in left)
            if (right.Contains(item) && !common.Contains(item)) common.Add(item);
        return common;
    }

    private static bool Linked(Activity a, Activity b)
    {
        foreach (var link in a.Links())
            if (link == b.Id || b.Links().Contains(link)) return true;
        return b.Links().Contains(a.Id);
    }

    private static bool DifferentActors(Activity a, Activity b)
    {
        if (!string.Equals(a.Funder?.Trim(), b.Funder?.Trim(), StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var x in a.Implementers)
            foreach (var y in b.Implementers)
                if (string.Equals(x.Trim(), y.Trim(), StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }

}
