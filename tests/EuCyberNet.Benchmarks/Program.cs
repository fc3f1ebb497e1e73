using System.Globalization;
using EuCyberNet.Benchmarks;

// End-to-end benchmarks of EU CyberNet against raw baselines, each figure the median of several
// runs, each run bounded in count and time. Run it with `./eucybernet bench [--quick]`, which starts
// throwaway PostgreSQL and RabbitMQ servers, builds Release and passes them in the environment.
//
//   dotnet tests/EuCyberNet.Benchmarks/bin/Release/net10.0/EuCyberNet.Benchmarks.dll
//       [--quick] [--runs 3] [--only commands,rate,messaging,propagation,reads,experts,inprocess,coldstart] [--out docs/performance.md]

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
var report = new Report(options);
Console.WriteLine($"# EU CyberNet benchmarks ({(options.Quick ? "quick" : "full")}, {options.Runs} runs per figure, {Environment.ProcessorCount} cores, load {Machine.LoadAverage()})");

await using (var platform = Platform.FromEnvironment(options.Configuration))
{
    var system = new SystemUnderTest(platform, options, report);
    await system.RunAsync();
    // BenchmarkDotNet, in this process, once the services are stopped: the write path without HTTP.
    if (options.Only.Contains("inprocess")) await InProcess.RunAsync(platform, options, report);
}

if (options.Only.Contains("coldstart")) await ColdStart.RunAsync(options, report);

report.Finish();
Console.WriteLine(report.Markdown());
if (options.Out is { } path)
{
    report.WriteInto(path, partial: !BenchOptions.All.All(options.Only.Contains));
    Console.WriteLine($"Results written into {path}");
}
return report.Failures == 0 ? 0 : 1;

internal sealed record BenchOptions(bool Quick, int Runs, HashSet<string> Only, string? Out, string Configuration)
{
    public static readonly string[] All = ["commands", "rate", "messaging", "propagation", "reads", "experts", "inprocess", "coldstart"];

    public TimeSpan RunDuration => Quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(10);

    /// <summary>
    /// Unmeasured load on services just started, before a phase's runs: each service JIT-compiles
    /// about 35,000 methods in its first 40 s under load (docs/performance.md, item 14). With 2–3 s
    /// the first runs measured the compiler: 112, 207 and 246 commands/s at 1 client in runs 1–3;
    /// p50 to Coordination's read model 228–424 ms in <c>--only propagation</c>, 48–52 ms warm.
    /// </summary>
    public TimeSpan WarmUp => Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(30);

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var runs = 3;
        string? output = null;
        var only = new HashSet<string>(All);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = Math.Max(3, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--only": only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--out": output = args[++i]; break;
                case "--quick": break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return new BenchOptions(quick, runs, only, output, Environment.GetEnvironmentVariable("EUCYBERNET_BENCH_CONFIGURATION") ?? "Release");
    }
}
