using System.Diagnostics;

namespace EuCyberNet.Coordination.Benchmarks;

/// <summary>
/// CPU seconds spent by this process and, when <c>EUCYBERNET_BENCH_PG_PID</c> names the PostgreSQL
/// postmaster, by the database server (its backends included), to tell where a run's time went on a
/// machine shared with others.
/// </summary>
public readonly record struct Cpu(double Own, double? Database)
{
    public static Cpu Now()
    {
        var own = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        return new Cpu(own, int.TryParse(Environment.GetEnvironmentVariable("EUCYBERNET_BENCH_PG_PID"), out var pid) ? ServerSeconds(pid) : null);
    }

    public static string Since(Cpu start, TimeSpan wall)
    {
        var now = Now();
        var text = $"CPU: this process {now.Own - start.Own:F1} s";
        if (now.Database is { } db && start.Database is { } before) text += $", PostgreSQL {db - before:F1} s";
        return text + $" over {wall.TotalSeconds:F1} s wall";
    }

    private static double ServerSeconds(int postmaster)
    {
        long ticks = 0;
        var pids = new List<int> { postmaster };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == postmaster) pids.Add(pid);
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // utime, stime, cutime, cstime are fields 14–17 of stat, 12–15 after the command
                for (var i = 11; i <= 14; i++) ticks += long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }
        return ticks / 100.0;
    }
}
