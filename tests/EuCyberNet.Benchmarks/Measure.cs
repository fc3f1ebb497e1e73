using System.Diagnostics;
using System.Globalization;

namespace EuCyberNet.Benchmarks;

/// <summary>Latencies of one run, in milliseconds.</summary>
internal sealed class Latencies
{
    private readonly List<double> _ms = [];
    private readonly Lock _lock = new();

    public void Add(double ms)
    {
        lock (_lock) _ms.Add(ms);
    }

    public int Count => _ms.Count;

    public double Percentile(double p)
    {
        lock (_lock)
        {
            if (_ms.Count == 0) return double.NaN;
            var sorted = _ms.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }
}

/// <summary>One measured run: operations per second, latency percentiles, CPU per operation.</summary>
internal sealed record Run(double PerSecond, double P50Ms, double P99Ms, double CpuMsPerOp, long Operations, long Errors)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{PerSecond,8:F0}/s  p50 {P50Ms,7:F2} ms  p99 {P99Ms,7:F2} ms  cpu {CpuMsPerOp,6:F2} ms/op  n={Operations}{(Errors > 0 ? $"  errors={Errors}" : "")}");
}

/// <summary>The median of several runs of one measurement, with every run kept for the report.</summary>
internal sealed record Figure(string Name, IReadOnlyList<Run> Runs)
{
    public double PerSecond => Median(Runs.Select(r => r.PerSecond));
    public double P50Ms => Median(Runs.Select(r => r.P50Ms));
    public double P99Ms => Median(Runs.Select(r => r.P99Ms));
    public double CpuMsPerOp => Median(Runs.Select(r => r.CpuMsPerOp));
    public long Errors => Runs.Sum(r => r.Errors);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// CPU time (user + system) of process trees, read from /proc: the benchmark's own process, the
/// service processes, PostgreSQL (the postmaster and its backends) and RabbitMQ. Latency depends on
/// how busy the shared machine is; CPU per operation is the work itself.
/// </summary>
internal static class Cpu
{
    private const double MsPerTick = 10; // USER_HZ = 100

    public static bool Available { get; } = OperatingSystem.IsLinux() && File.Exists("/proc/self/stat");

    /// <summary>
    /// CPU milliseconds so far of each root process and all its descendants, those that exited
    /// included. The benchmark process itself (<see cref="Machine.SelfPid"/>) counts alone: the
    /// services, wrk and the tracer it starts are its children, measured as what they are, so neither
    /// they nor the CPU of those it has reaped are the in-process baselines' or the load generator's.
    /// </summary>
    public static double TreeMs(IEnumerable<int> roots)
    {
        if (!Available) return double.NaN;
        var stats = new Dictionary<int, Stat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Read(pid) is { } s) stats[pid] = s;
        }
        var children = stats.GroupBy(s => s.Value.Parent).ToDictionary(g => g.Key, g => g.Select(s => s.Key).ToList());
        var seen = new HashSet<int>();
        var queue = new Queue<int>(roots.Where(r => r > 0));
        long ticks = 0;
        while (queue.TryDequeue(out var pid))
        {
            if (!seen.Add(pid)) continue;
            if (pid == Machine.SelfPid)
            {
                if (stats.TryGetValue(pid, out var self)) ticks += self.Own;
                continue;
            }
            if (stats.TryGetValue(pid, out var s)) ticks += s.Own + s.Reaped;
            if (children.TryGetValue(pid, out var kids)) foreach (var k in kids) queue.Enqueue(k);
        }
        return ticks * MsPerTick;
    }

    /// <summary>Resident set size (and its peak) of one process, in MiB.</summary>
    public static (double Rss, double Peak) MemoryMiB(int pid)
    {
        try
        {
            double rss = double.NaN, peak = double.NaN;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line) / 1024;
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line) / 1024;
            }
            return (rss, peak);
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN);
        }

        static double Kb(string line) => double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>A process's parent, its own CPU ticks (utime + stime) and those of the children it has reaped (cutime + cstime).</summary>
    private readonly record struct Stat(int Parent, long Own, long Reaped);

    private static Stat? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): ppid is field 4, utime and stime are fields 14 and 15, and
            // cutime and cstime (16, 17) the CPU of children it has reaped: a PostgreSQL backend that
            // exits moves its CPU into the postmaster's, so a tree's total never goes down.
            long Ticks(int field) => long.Parse(fields[field - 3], CultureInfo.InvariantCulture);
            return new Stat(int.Parse(fields[1], CultureInfo.InvariantCulture), Ticks(14) + Ticks(15), Ticks(16) + Ticks(17));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

internal static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";

    public static double Load1() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;

    public static int SelfPid { get; } = Environment.ProcessId;
}

/// <summary>Measures a bounded closed loop: <paramref name="clients"/> workers, each doing one operation after another.</summary>
internal static class ClosedLoop
{
    public static async Task<Run> RunAsync(int clients, TimeSpan duration, long maxOperations, Func<int, long, Task> operation,
        IReadOnlyList<int> cpuRoots)
    {
        var latencies = new Latencies();
        long issued = 0, errors = 0;
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > maxOperations) return;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(worker, n);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (Interlocked.Increment(ref errors) == 1) Console.WriteLine($"    first error: {e.GetType().Name}: {e.Message}");
                }
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        return new Run(latencies.Count / elapsed, latencies.Percentile(50), latencies.Percentile(99), cpu / Math.Max(1, latencies.Count), latencies.Count, errors);
    }
}
