using System.Diagnostics;
using System.Globalization;
using EuCyberNet.Testing;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// Expert search and matching: runs the Experts service's own benchmark
/// (tests/EuCyberNet.Experts.Benchmarks, see docs/experts.md) several times on one seeded pool (the
/// first run seeds it, the next ones reuse it) and takes the median of each query type's figures.
/// </summary>
internal static class ExpertsBenchmark
{
    public static async Task<List<(string Query, double P50, double P99, string Cpu, List<Run> Runs)>> RunAsync(Platform platform, BenchOptions options, int experts)
    {
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "EuCyberNet.Experts.Benchmarks", "bin", options.Configuration, "net10.0",
            "EuCyberNet.Experts.Benchmarks.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build tests/EuCyberNet.Experts.Benchmarks first", dll);
        var iterations = options.Quick ? 100 : 200;
        var byQuery = new Dictionary<string, List<(Run Run, string Cpu)>>();
        for (var run = 0; run < options.Runs; run++)
        {
            string[] args = [dll, "--experts", experts.ToString(CultureInfo.InvariantCulture), "--iterations", iterations.ToString(CultureInfo.InvariantCulture),
                "--database", $"bench_experts_pool_{experts}", .. run == 0 ? Array.Empty<string>() : ["--reuse"]];
            // From its own folder: the in-process service finds its content root relative to it (docs/experts.md).
            var info = new ProcessStartInfo("dotnet", args)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(dll)!,
            };
            info.Environment["EUCYBERNET_BENCH_POSTGRES"] = platform.AdminConnection;
            info.Environment.Remove(RabbitMqServer.EnvironmentVariable); // the queries need no broker
            using var process = Process.Start(info)!;
            var errors = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                Console.WriteLine("    experts| " + line);
                lines.Add(line);
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(30));
            if (process.ExitCode != 0) throw new InvalidOperationException($"the Experts benchmark failed: {await errors}");
            foreach (var row in lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| query", StringComparison.Ordinal)))
            {
                // | query | p50 | p90 | p99 | max | q/s (1 client) | q/s (4 clients) | CPU service + PostgreSQL | matching |
                var cells = row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                double N(string s) => double.Parse(s.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                var cpu = cells[7].Split('+').Sum(c => N(c.Trim()));
                var parsed = new Run(N(cells[5]), N(cells[1]), N(cells[3]), cpu, iterations, 0);
                (byQuery.TryGetValue(cells[0], out var list) ? list : byQuery[cells[0]] = []).Add((parsed, cells[7]));
            }
        }
        return [.. byQuery.Select(q =>
        {
            var figure = new Figure(q.Key, [.. q.Value.Select(v => v.Run)]);
            return (q.Key, figure.P50Ms, figure.P99Ms, $"{Report.F(figure.CpuMsPerOp, 1)} ms", figure.Runs.ToList());
        })];
    }
}
