using System.Collections.Concurrent;
using System.Diagnostics;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Coordination.Benchmarks;

public sealed record PropagationResult(int Published, double Seconds, double Rate, double P50, double P95, double P99, double Max, double RecordedP50, double RecordedP99);

/// <summary>
/// Propagation: contract events published on the real broker at a steady rate (as the services'
/// relays would), and for each the time from its publication until it is visible in the read models:
/// they commit in the transaction that records the event, so that is when a reader first sees the
/// event's sequence committed. Coordination's writers pass one gate (<c>ReadModelGate</c>), so they
/// commit in sequence order and the highest committed sequence stands for every one below it.
/// Bounded: at most <c>seconds</c> of publishing and <c>rate × seconds</c> events.
/// </summary>
public static class PropagationBenchmark
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(5);

    /// <summary>The highest committed sequence: the read models commit with the events they fold.</summary>
    private const string ProgressSql = "select coalesce(max(seq_id), 0) from mt_events";

    public static async Task<PropagationResult> RunAsync(int rate, int seconds, int warmUpSeconds)
    {
        var platform = await TestPlatform.CreateAsync();
        var settings = await platform.SettingsForAsync("coordinationdb", new Dictionary<string, string?>
        {
            ["Messaging:RetryLimit"] = "8",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await using var service = new ServiceHost<CoordinationService>(settings);
        await service.WaitUntilHealthyAsync();
        var bus = service.Services.GetRequiredService<IBus>();
        var connectionString = settings["ConnectionStrings:coordinationdb"]!;

        // Live traffic: stories of a small network, told in the order they happen, stamped "now". The
        // first warmUpSeconds of it are not measured: a running service has compiled its code (tiered
        // JIT) and PostgreSQL has statistics on its tables (autovacuum's ANALYZE); a fresh database
        // without them plans Marten's high-water gap query as a scan of the whole event table.
        var warmUp = rate * warmUpSeconds;
        var total = rate * seconds;
        var steps = new Network(seed: 7).Stories((warmUp + total) * 5 / 4, DateTimeOffset.UtcNow, TimeSpan.FromDays(30))
            .SelectMany(s => s.Steps).OrderBy(s => s.At).Take(warmUp + total).ToList();

        if (warmUp > 0)
        {
            var warmUpIds = new ConcurrentDictionary<Guid, long>();
            await PublishAsync(bus, "warm-up", steps.Take(warmUp).ToList(), rate, warmUpSeconds, warmUpIds, new ConcurrentDictionary<Guid, DateTimeOffset>());
            await Eventually.ReturnsAsync(() => RecordedAsync(connectionString), s => s.Count >= warmUpIds.Count, TimeSpan.FromMinutes(5), "warm-up recorded");
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand("analyze", connection);
            await analyze.ExecuteNonQueryAsync();
            steps = steps.Skip(warmUp).ToList();
        }
        var recordedBefore = (await RecordedAsync(connectionString)).Keys.ToHashSet();

        var published = new ConcurrentDictionary<Guid, long>();
        var publishedAt = new ConcurrentDictionary<Guid, DateTimeOffset>();
        var progress = new List<(long At, long Sequence)>();
        using var stop = new CancellationTokenSource();
        var poller = Task.Run(() => PollAsync(connectionString, progress, stop.Token));

        var cpu = Cpu.Now();
        var started = Stopwatch.GetTimestamp();
        Console.WriteLine($"  measuring from {DateTime.UtcNow:HH:mm:ss} UTC (to match against the server's log: autovacuum, checkpoints)");
        var clock = Stopwatch.StartNew();
        await PublishAsync(bus, "bench", steps, rate, seconds, published, publishedAt);
        var publishSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine("  while publishing: " + Cpu.Since(cpu, clock.Elapsed));

        // Wait (bounded) until everything published is projected.
        var recorded = await Eventually.ReturnsAsync(
            async () => (await RecordedAsync(connectionString)).Where(r => !recordedBefore.Contains(r.Key)).ToDictionary(),
            s => s.Count >= published.Count, TimeSpan.FromMinutes(5), "every published event recorded");
        var sequences = recorded.ToDictionary(r => r.Key, r => r.Value.Sequence);
        var last = sequences.Values.Max();
        var recordLatencies = recorded.Select(r => (r.Value.At - publishedAt[r.Key]).TotalMilliseconds).Order().ToList();
        await Eventually.ReturnsAsync(() => Task.FromResult(Latest(progress)), p => p >= last, TimeSpan.FromMinutes(5), "read models caught up");
        await stop.CancelAsync();
        await poller;

        var latencies = new List<double>();
        var worstBySecond = new Dictionary<int, double>();
        lock (progress)
        {
            foreach (var (messageId, publishTimestamp) in published)
            {
                var sequence = sequences[messageId];
                var seen = progress.First(p => p.Sequence >= sequence).At;
                latencies.Add(Stopwatch.GetElapsedTime(publishTimestamp, seen).TotalMilliseconds);
                var second = (int)Stopwatch.GetElapsedTime(started, publishTimestamp).TotalSeconds;
                worstBySecond[second] = Math.Max(worstBySecond.GetValueOrDefault(second), latencies[^1]);
            }
        }
        latencies.Sort();
        // Where the tail comes from: a few slow seconds (a burst of work elsewhere), or every second.
        Console.WriteLine("  slowest seconds of publication (+s: worst ms): " + string.Join(", ",
            worstBySecond.OrderByDescending(w => w.Value).Take(5).Select(w => $"+{w.Key}: {w.Value:F0}")));
        return new PropagationResult(published.Count, publishSeconds, published.Count / publishSeconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), latencies[^1],
            Percentile(recordLatencies, 0.50), Percentile(recordLatencies, 0.99));
    }

    /// <summary>Publishes <paramref name="steps"/> at <paramref name="rate"/> a second, for at most <paramref name="seconds"/> + 5 s.</summary>
    private static async Task PublishAsync(IBus bus, string name, List<StoryEvent> steps, int rate, int seconds,
        ConcurrentDictionary<Guid, long> published, ConcurrentDictionary<Guid, DateTimeOffset> publishedAt)
    {
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var i = 0; i < steps.Count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds + 5)) break; // the bound, should publishing fall behind
            var message = Restamp(steps[i].Event);
            var messageId = Guid.NewGuid();
            published[messageId] = Stopwatch.GetTimestamp();
            publishedAt[messageId] = DateTimeOffset.UtcNow;
            var story = $"{name}-{i}";
            inFlight.Add(bus.Publish(message, message.GetType(), context =>
            {
                context.MessageId = messageId;
                context.Headers.Set(PlatformHeaders.CorrelationId, story);
                context.Headers.Set(PlatformHeaders.User, "benchmark");
                context.Headers.Set(PlatformHeaders.SourceService, message.GetType().Namespace!.Split('.')[2].ToLowerInvariant());
                context.Durable = true;
            }));
            if (inFlight.Count >= 256)
            {
                await Task.WhenAll(inFlight);
                inFlight.Clear();
            }
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>The event as published now (the story's instants shifted to the present).</summary>
    private static IIntegrationEvent Restamp(IIntegrationEvent e) => e;

    private static async Task PollAsync(string connectionString, List<(long At, long Sequence)> progress, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            ProgressSql, connection);
        await command.PrepareAsync(ct);
        var last = -1L;
        while (!ct.IsCancellationRequested)
        {
            var sequence = (long)(await command.ExecuteScalarAsync(ct))!;
            var at = Stopwatch.GetTimestamp();
            if (sequence != last)
            {
                lock (progress) progress.Add((at, sequence));
                last = sequence;
            }
            try
            {
                await Task.Delay(PollEvery, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static long Latest(List<(long At, long Sequence)> progress)
    {
        lock (progress) return progress.Count == 0 ? 0 : progress[^1].Sequence;
    }

    /// <summary>Each recorded message's sequence and recording time, by MessageId (the causation id the inbox stamps on the event).</summary>
    private static async Task<Dictionary<Guid, (long Sequence, DateTimeOffset At)>> RecordedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select causation_id, seq_id, timestamp from mt_events where type <> 'tombstone' and type not like 'coordination.%'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var recorded = new Dictionary<Guid, (long, DateTimeOffset)>();
        while (await reader.ReadAsync())
            if (Guid.TryParse(reader.GetString(0), out var id)) recorded[id] = (reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2));
        return recorded;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
