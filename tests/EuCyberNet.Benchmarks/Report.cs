using System.Globalization;
using System.Text;

namespace EuCyberNet.Benchmarks;

/// <summary>One row of the results table.</summary>
internal sealed record Row(string Benchmark, string Measure, string Value, string Baseline, string Ratio, string Goal, string Verdict, string Load);

/// <summary>Collects the figures and writes them into docs/performance.md between its markers.</summary>
internal sealed class Report(BenchOptions options)
{
    public const string Start = "<!-- bench:results:start -->";
    public const string End = "<!-- bench:results:end -->";

    private readonly List<Row> _rows = [];
    private readonly List<string> _runs = [];
    private readonly List<string> _notes = [];
    private readonly string _started = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    private readonly string _loadAtStart = Machine.LoadAverage();
    private string _loadAtEnd = "";

    public int Failures { get; private set; }

    public void Add(Row row)
    {
        _rows.Add(row);
        Console.WriteLine($"  => {row.Benchmark} | {row.Measure}: {row.Value} (baseline {row.Baseline}, ratio {row.Ratio}, goal {row.Goal}: {row.Verdict})");
    }

    /// <summary>Prints and keeps every run of a figure (the table shows their median).</summary>
    public void Runs(Figure figure)
    {
        var lines = figure.Runs.Select((r, i) => $"run {i + 1}: {r}").ToList();
        _runs.Add($"- **{figure.Name}** — median {F(figure.PerSecond)}/s, p50 {F(figure.P50Ms, 1)} ms, p99 {F(figure.P99Ms, 1)} ms; " + string.Join("; ", lines.Select(l => l.Replace("  ", " ", StringComparison.Ordinal))));
        Console.WriteLine($"  {figure.Name}:");
        foreach (var line in lines) Console.WriteLine($"    {line}");
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public void Failed(string benchmark, Exception e)
    {
        Failures++;
        var reason = e.Message.Split('\n')[0];
        if (reason.Length > 300) reason = reason[..300];
        _rows.Add(new Row(benchmark, "failed", "—", "—", "—", "—", $"failed: {reason}", Machine.LoadAverage()));
        Console.WriteLine($"!! {benchmark} failed: {e}");
    }

    public void Finish() => _loadAtEnd = Machine.LoadAverage();

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {_started} with `./eucybernet bench{(options.Quick ? " --quick" : "")}` ({options.Runs} runs per figure, " +
            $"{(options.Quick ? 4 : 10)} s each; {Environment.ProcessorCount} cores; load average (1/5/15 min) {_loadAtStart} at the start, {_loadAtEnd} at the end).");
        md.AppendLine();
        md.AppendLine("| benchmark | measure | median | raw / baseline (same run) | ratio | goal | verdict | load (1/5/15 min) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Benchmark} | {r.Measure} | {r.Value} | {r.Baseline} | {r.Ratio} | {r.Goal} | {r.Verdict} | {r.Load} |");
        if (_notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in _notes) md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }
        md.AppendLine();
        md.AppendLine("<details><summary>Every run</summary>");
        md.AppendLine();
        foreach (var line in _runs) md.AppendLine(line);
        md.AppendLine();
        md.AppendLine("</details>");
        return md.ToString();
    }

    /// <summary>
    /// Replaces the results between the markers. A run of only some benchmarks (<c>--only</c>) goes
    /// between the "partial" markers instead, so it never erases a full run's table.
    /// </summary>
    public void WriteInto(string path, bool partial)
    {
        var (startMarker, endMarker) = partial ? (PartialStart, PartialEnd) : (Start, End);
        var text = File.Exists(path) ? File.ReadAllText(path) : $"# Performance\n\n{Start}\n{End}\n";
        var start = text.IndexOf(startMarker, StringComparison.Ordinal);
        var end = text.IndexOf(endMarker, StringComparison.Ordinal);
        if (start < 0 || end < start) text = text.TrimEnd() + $"\n\n{startMarker}\n{endMarker}\n";
        start = text.IndexOf(startMarker, StringComparison.Ordinal);
        end = text.IndexOf(endMarker, StringComparison.Ordinal);
        var heading = partial ? $"Partial run (`--only {string.Join(',', options.Only.Order())}`); the full table is above.\n\n" : "";
        File.WriteAllText(path, text[..(start + startMarker.Length)] + "\n" + heading + Markdown() + text[end..]);
    }

    public const string PartialStart = "<!-- bench:partial:start -->";
    public const string PartialEnd = "<!-- bench:partial:end -->";

    public static string F(double value, int decimals = 0) =>
        double.IsNaN(value) ? "—"
        : value.ToString(decimals == 0 && Math.Abs(value) < 10 ? "N1" : decimals == 0 ? "N0" : "N" + decimals, CultureInfo.InvariantCulture);

    public static string Ratio(double value, double baseline) =>
        double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0 ? "—" : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Verdict(bool met) => met ? "met" : "**missed**";
}
