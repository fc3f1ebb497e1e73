using EuCyberNet.Coordination.Benchmarks;

// dotnet run -c Release --project tests/EuCyberNet.Coordination.Benchmarks -- rebuild [events=1000000] [runs=3]
// dotnet run -c Release --project tests/EuCyberNet.Coordination.Benchmarks -- propagation [rate=500] [seconds=60] [runs=3] [warm-up seconds=10]
// Servers: EUCYBERNET_TEST_POSTGRES / _RABBITMQ (+_MANAGEMENT) when set, else throwaway local servers (as the tests).
var mode = args.ElementAtOrDefault(0) ?? "help";
// The service runs in this process (WebApplicationFactory); a console app must name its content root.
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_EuCyberNet_Coordination",
    Path.Combine(EuCyberNet.Testing.TestEnvironment.RepositoryRoot, "services", "Coordination"));
int Arg(int index, int fallback) => int.TryParse(args.ElementAtOrDefault(index), out var value) ? value : fallback;

switch (mode)
{
    case "rebuild":
    {
        var rates = await RebuildBenchmark.RunAsync(Arg(1, 1_000_000), Arg(2, 3));
        Console.WriteLine($"rebuild: median {Median(rates):N0} events/s over {rates.Count} runs (goal ≥ 20,000)");
        break;
    }
    case "propagation":
    {
        // Run 0 warms the process up (tiered JIT) and is not counted: a freshly started service compiles
        // its hot paths for its first tens of seconds, a running one has done so long ago.
        var results = new List<PropagationResult>();
        for (var run = 0; run <= Arg(3, 3); run++)
        {
            var r = await PropagationBenchmark.RunAsync(Arg(1, 500), Arg(2, 60), Arg(4, 10));
            if (run > 0) results.Add(r);
            Console.WriteLine($"propagation run {(run == 0 ? "0 (process warm-up, not counted)" : run)}: {r.Published:N0} events at {r.Rate:N0}/s over {r.Seconds:F1} s; " +
                              $"p50 {r.P50:F0} ms, p95 {r.P95:F0} ms, p99 {r.P99:F0} ms, max {r.Max:F0} ms (recorded: p50 {r.RecordedP50:F0} ms, p99 {r.RecordedP99:F0} ms)");
        }
        Console.WriteLine($"propagation: median p50 {Median(results.Select(r => r.P50)):F0} ms, median p99 {Median(results.Select(r => r.P99)):F0} ms (goal p99 < 250 ms)");
        break;
    }
    default:
        Console.WriteLine("usage: rebuild [events] [runs] | propagation [rate] [seconds] [runs] [warm-up seconds]");
        return 2;
}
return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
