using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.EventSourcing;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// The in-process part of the command path, measured with BenchmarkDotNet (its pilot, warm-up and
/// statistics, and its allocation counts) against the same PostgreSQL as the rest of the run: what a
/// registration costs when no HTTP hop is paid, written three ways, each with 1 and with 32
/// operations in flight:
/// <list type="bullet">
/// <item>raw Npgsql: one autocommitted single-row insert of the event's JSON (the baseline);</item>
/// <item>plain Marten: <c>StartStream</c> + <c>SaveChangesAsync</c>, one transaction per event;</item>
/// <item>the platform's writer, <see cref="CommandGroupCommit"/>, which the services' commands go
/// through: the commands waiting share one transaction.</item>
/// </list>
/// Set apart from the HTTP figures, it says how much of the gap to plain Marten and to raw is the
/// write path and how much the two HTTP hops. Runs in this process (in-process toolchain: no
/// generated project to build), so its statics carry the connection string.
/// </summary>
internal static class InProcess
{
    public static async Task RunAsync(Platform platform, BenchOptions options, Report report)
    {
        WritePathBenchmarks.ConnectionString = await platform.CreateDatabaseAsync("bench_inprocess");
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(options.Quick ? 2 : 3)
            .WithIterationCount(options.Quick ? 5 : 10)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(options.Quick ? 250 : 500));
        var artifacts = Path.Combine(Path.GetTempPath(), $"eucybernet-bdn-{Environment.ProcessId}");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .WithOption(ConfigOptions.DisableLogFile, true)
            .WithArtifactsPath(artifacts);

        Summary summary;
        try
        {
            summary = BenchmarkRunner.Run<WritePathBenchmarks>(config);
        }
        finally
        {
            if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true); // its table is printed above and kept in ours
        }
        var load = Machine.LoadAverage();
        foreach (var inFlight in new[] { 1, WritePathBenchmarks.InFlight })
        {
            var raw = Find(summary, nameof(WritePathBenchmarks.RawInsert), inFlight);
            var marten = Find(summary, nameof(WritePathBenchmarks.PlainMarten), inFlight);
            var group = Find(summary, nameof(WritePathBenchmarks.GroupCommit), inFlight);
            if (raw is null || marten is null || group is null)
            {
                report.Failed($"in-process write path, {inFlight} in flight", new InvalidOperationException("BenchmarkDotNet reported no result for one of the three writers; see its log above."));
                continue;
            }
            report.Add(new Row("in-process write path (BenchmarkDotNet)", $"{inFlight} in flight: registrations/s (median time per registration ± stddev over {job.Run.IterationCount} iterations; allocated per registration)",
                $"{Report.F(1000 / group.Median)} ({Report.F(group.Median, 3)} ± {Report.F(group.StdDev, 3)} ms; {Kib(group.Allocated)})",
                $"plain Marten {Report.F(1000 / marten.Median)}/s ({Report.F(marten.Median, 3)} ms; {Kib(marten.Allocated)}); raw {Report.F(1000 / raw.Median)}/s ({Report.F(raw.Median, 3)} ms; {Kib(raw.Allocated)})",
                $"{Report.Ratio(marten.Median, group.Median)} Marten; {Report.Ratio(raw.Median, group.Median)} raw",
                "—", "measured", load));
        }
    }

    private static string Kib(long? bytes) => bytes is { } b ? $"{Report.F(b / 1024.0, 1)} KiB" : "—";

    /// <summary>Time per operation (ms: the median of the iterations, and their standard deviation) and bytes allocated per operation.</summary>
    private sealed record Result(double Median, double StdDev, long? Allocated);

    private static Result? Find(Summary summary, string method, int inFlight)
    {
        var report = summary.Reports.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && Equals(r.BenchmarkCase.Parameters[nameof(WritePathBenchmarks.Concurrency)], inFlight));
        if (report?.ResultStatistics is not { } stats) return null;
        // An invocation starts inFlight operations together; BenchmarkDotNet's figures are per invocation.
        return new Result(stats.Median / 1e6 / inFlight, stats.StandardDeviation / 1e6 / inFlight,
            report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) / inFlight);
    }
}

/// <summary>One registration (a new project stream with its first event and inline snapshot), written three ways.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet's [GlobalCleanup] disposes what [GlobalSetup] made.")]
public class WritePathBenchmarks
{
    public const int InFlight = 32;

    /// <summary>Set by <see cref="InProcess"/> before the run (same process).</summary>
    public static string ConnectionString { get; set; } = "";

    private static readonly ProjectDetails Details = Baselines.Details("Bench project");

    private NpgsqlDataSource _raw = null!;
    private IDocumentStore _store = null!;
    private CommandGroupCommit _writer = null!;
    private Task[] _tasks = null!;

    /// <summary>Operations started together in one invocation (each benchmark's time is divided by it).</summary>
    [Params(1, InFlight)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await Baselines.CreateRawTableAsync(ConnectionString);
        _raw = NpgsqlDataSource.Create(ConnectionString);
        _store = Baselines.MartenStore(ConnectionString, ownsSchema: true);
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        _writer = new CommandGroupCommit(_store, NullLogger<CommandGroupCommit>.Instance);
        _tasks = new Task[Concurrency];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _writer.DisposeAsync();
        _store.Dispose();
        await _raw.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task RawInsert() => Together(() => Baselines.RawInsertOneAsync(_raw));

    [Benchmark]
    public Task PlainMarten() => Together(() => Baselines.PlainMartenRegisterAsync(_store, Guid.NewGuid(), Details));

    [Benchmark]
    public Task GroupCommit() => Together(async () =>
    {
        await using var session = _store.LightweightSession();
        session.LastModifiedBy = "benchmark";
        var outcome = await _writer.CommitAsync(session, typeof(Project), Guid.NewGuid(), null, [new ProjectRegistered(Details)], CancellationToken.None);
        if (outcome != CommitOutcome.Committed) throw new InvalidOperationException($"A new stream was not committed: {outcome}.");
    });

    /// <summary>
    /// <see cref="Concurrency"/> operations at once. BenchmarkDotNet's time per invocation is divided
    /// by it when the results are read (<see cref="InProcess"/>): the time per operation at that
    /// concurrency, the inverse of its throughput.
    /// </summary>
    private async Task Together(Func<Task> operation)
    {
        for (var i = 0; i < _tasks.Length; i++) _tasks[i] = operation();
        await Task.WhenAll(_tasks);
    }
}
