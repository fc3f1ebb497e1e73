using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EuCyberNet.Benchmarks;

/// <summary>Runs wrk (a closed-loop HTTP load generator: each connection sends its next request when the last answered).</summary>
internal static partial class Wrk
{
    public static async Task<Run> RunAsync(Uri target, string script, string token, int connections, TimeSpan duration, IReadOnlyList<int> cpuRoots)
    {
        var threads = Math.Min(connections, 2);
        var info = new ProcessStartInfo("wrk",
        [
            "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "10s", "-s", script, target.ToString(), "--", token,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start wrk");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(duration + TimeSpan.FromSeconds(60));
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        var match = ResultLine().Match(output);
        if (!match.Success) throw new InvalidOperationException($"wrk gave no result: {output} {errors}");
        long Field(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        var requests = Field("requests");
        var failed = Field("status") + Field("socket");
        var ok = requests - Field("status");
        return new Run(ok / (Field("duration") / 1e6), Field("p50") / 1000.0, Field("p99") / 1000.0, cpu / Math.Max(1, ok), ok, failed);
    }

    [GeneratedRegex(@"RESULT requests=(?<requests>\d+) duration_us=(?<duration>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+) status_errors=(?<status>\d+) socket_errors=(?<socket>\d+)")]
    private static partial Regex ResultLine();
}
