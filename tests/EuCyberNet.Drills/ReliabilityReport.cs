using System.Globalization;
using System.Text;

namespace EuCyberNet.Drills;

/// <summary>
/// Writes the drills' figures into docs/reliability.md, as table rows between two markers: a re-run
/// replaces the rows of the drills it ran and keeps the others.
/// </summary>
public static class ReliabilityReport
{
    public const string Start = "<!-- drill-results:start -->";
    public const string End = "<!-- drill-results:end -->";

    private const string Header =
        "| drill | fault | commands sent / accepted / rejected / unanswered | events stored | integration events owed by stored events / published (tap deliveries) | effects applied / owed (subscriptions) | duplicates suppressed | double effects | error queues | partner accepted / sent, rejected / malformed | read models = rebuild | lost | result |\n" +
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    public static string Row(DrillFigures f)
    {
        var i = CultureInfo.InvariantCulture;
        var errorQueues = f.ErrorQueues.Count == 0
            ? "empty"
            : string.Join("<br>", f.ErrorQueues.Select(q => string.Create(i, $"`{q.Key}` {q.Value}"))) +
              string.Create(i, $"<br>(poison {f.PoisonInErrorQueues}/{f.PoisonExpected}, unexpected {f.UnexpectedInErrorQueues})");
        var partner = f.PartnerSent + f.PartnerMalformed == 0
            ? "–"
            : string.Create(i, $"{f.PartnerAccepted} / {f.PartnerSent} (activities {f.PartnerActivitiesAccepted} / {f.PartnerActivitiesSent}), {f.PartnerRejected} / {f.PartnerMalformed}");
        var problems = f.Problems().ToList();
        var result = problems.Count == 0 ? "pass" : "**FAIL**: " + string.Join("; ", problems);
        return string.Create(i,
            $"| {f.Drill} | {f.Fault} | {f.CommandsSent} / {f.CommandsAccepted} / {f.CommandsRejected} / {f.CommandsUnanswered} | {f.Events} | {f.RelayOwed} / {f.Published} ({f.TapDeliveries}) | {f.Consumed} / {f.ExpectedEffects} ({f.Subscriptions}) | {f.DuplicatesSuppressed} | {f.DoubleEffects} | {errorQueues} | {partner} | {f.ReadModelsChecked - f.ReadModelMismatches} / {f.ReadModelsChecked} | {f.Lost} | {result} |");
    }

    public static void Write(string path, IReadOnlyList<DrillFigures> results, string environment)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Reliability\n\n" + Start + "\n" + End + "\n";
        var start = text.IndexOf(Start, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"{path} lacks the markers {Start} … {End}.");

        var rows = new List<(string Drill, string Row)>();
        var notes = new List<(string Drill, string Line)>();
        foreach (var line in text[(start + Start.Length)..end].Split('\n'))
        {
            if (line.StartsWith("- **", StringComparison.Ordinal) && line.IndexOf("**:", 4, StringComparison.Ordinal) is > 4 and var close)
                notes.Add((line[4..close], line));
            if (!line.StartsWith("| ", StringComparison.Ordinal) || line.StartsWith("| drill |", StringComparison.Ordinal)) continue;
            rows.Add((line.Split('|', StringSplitOptions.TrimEntries)[1], line));
        }
        foreach (var f in results)
        {
            notes.RemoveAll(n => n.Drill == f.Drill);
            List<string> observed = [.. f.Notes, .. new[] { f.RefusalSummary(), f.IdleSummary(named: false) }.OfType<string>()];
            if (observed.Count > 0) notes.Add((f.Drill, $"- **{f.Drill}**: {string.Join("; ", observed)}"));
        }
        foreach (var f in results)
        {
            var at = rows.FindIndex(r => r.Drill == f.Drill);
            if (at >= 0) rows[at] = (f.Drill, Row(f));
            else rows.Add((f.Drill, Row(f)));
        }

        var block = new StringBuilder();
        block.Append(Start).Append('\n');
        block.Append(CultureInfo.InvariantCulture, $"Last run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {environment}.\n\n");
        block.Append(Header).Append('\n');
        foreach (var (_, row) in rows) block.Append(row).Append('\n');
        if (notes.Count > 0)
        {
            block.Append("\nWhat each drill observed:\n\n");
            foreach (var drill in rows.Select(r => r.Drill))
                foreach (var (_, line) in notes.Where(n => n.Drill == drill)) block.Append(line).Append('\n');
        }
        var idle = results.Select(f => f.IdleSubscriptions).Aggregate((IEnumerable<string>?)null, (all, next) => all is null ? next : all.Intersect(next))?.ToList();
        if (idle is { Count: > 0 })
            block.Append(CultureInfo.InvariantCulture, $"\nSubscriptions no drill of the last run sent anything to (the load has no command that feeds them): {string.Join(", ", idle)}.\n");
        block.Append(End);
        File.WriteAllText(path, text[..start] + block + text[(end + End.Length)..]);
    }
}
