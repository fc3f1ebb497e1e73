using System.Diagnostics;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// A fixed-rate (open-loop) load generator: operation i is due at start + i/rate whatever happened
/// to the earlier ones, and its latency is measured from when it was DUE, not from when it was sent,
/// so a stall shows up in the percentiles instead of silently lowering the rate (no coordinated
/// omission). Bounded: rate × duration operations, each with a timeout; at most
/// <paramref name="maxInFlight"/> outstanding (beyond that the run reports the overload as errors).
/// </summary>
internal static class OpenLoop
{
    public static async Task<Run> RunAsync(double rate, TimeSpan duration, Func<long, CancellationToken, Task> operation,
        IReadOnlyList<int> cpuRoots, int maxInFlight = 2000, TimeSpan? timeout = null)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var latencies = new Latencies();
        long errors = 0, inFlight = 0;
        var tasks = new List<Task>((int)total);
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i / rate * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            if (Interlocked.Read(ref inFlight) >= maxInFlight)
            {
                Interlocked.Increment(ref errors);
                continue;
            }
            var n = i;
            Interlocked.Increment(ref inFlight);
            tasks.Add(Task.Run(async () =>
            {
                using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
                try
                {
                    await operation(n, cancel.Token);
                    latencies.Add((Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (Interlocked.Increment(ref errors) == 1) Console.WriteLine($"    first error: {e.GetType().Name}: {e.Message}");
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }));
        }
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        return new Run(latencies.Count / elapsed, latencies.Percentile(50), latencies.Percentile(99), cpu / Math.Max(1, latencies.Count),
            latencies.Count, errors);
    }
}
