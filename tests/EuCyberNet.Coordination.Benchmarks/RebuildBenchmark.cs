using System.Diagnostics;
using System.Net.Http.Json;
using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Rebuild;
using EuCyberNet.Coordination.Recording;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Coordination.Benchmarks;

/// <summary>
/// Rebuild speed: a Coordination store of <c>events</c> recorded events (seeded with Marten's
/// COPY-based bulk event import, in time order across subjects), then the admin rebuild endpoint,
/// timed, several times on the same store.
/// </summary>
public static class RebuildBenchmark
{
    public static async Task<IReadOnlyList<double>> RunAsync(int events, int runs)
    {
        var platform = await TestPlatform.CreateAsync();
        var overrides = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        var settings = await platform.SettingsForAsync("coordinationdb", overrides);
        var connectionString = settings["ConnectionStrings:coordinationdb"]!;

        // A first instance creates the schema; its daemon is paused while the store is seeded, and
        // every daemon shard is then marked as caught up, as a long-running service would be.
        await using (var schema = new ServiceHost<CoordinationService>(settings))
        {
            await schema.WaitUntilHealthyAsync();
            await schema.Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>().PauseAsync();
            var store = (DocumentStore)schema.Services.GetRequiredService<IDocumentStore>();
            var seeded = await SeedAsync(store, events);
            await MarkCaughtUpAsync(connectionString, seeded);
        }

        await using var service = new ServiceHost<CoordinationService>(settings);
        await service.WaitUntilHealthyAsync();
        var client = service.CreateClient("coordinator", "benchmark");
        client.Timeout = TimeSpan.FromMinutes(30);
        var rates = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var cpu = Cpu.Now();
            var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var watch = Stopwatch.StartNew();
            var response = await client.PostAsync("/coordination/admin/rebuild", null);
            watch.Stop();
            response.EnsureSuccessStatusCode();
            var result = (await response.Content.ReadFromJsonAsync<RebuildResult>())!;
            rates.Add(result.EventsPerSecond);
            Console.WriteLine($"rebuild run {run}: {result.Events:N0} events in {result.Seconds:F1} s = {result.EventsPerSecond:N0} events/s (HTTP round trip {watch.Elapsed.TotalSeconds:F1} s)");
            Console.WriteLine("  " + Cpu.Since(cpu, watch.Elapsed) +
                              $"; GCs gen0/1/2 {GC.CollectionCount(0) - collections.Item1}/{GC.CollectionCount(1) - collections.Item2}/{GC.CollectionCount(2) - collections.Item3}");
        }
        return rates;
    }

    private static async Task<long> SeedAsync(DocumentStore store, int events)
    {
        var watch = Stopwatch.StartNew();
        var stories = new Network(seed: 2027).Stories(events, DateTimeOffset.UtcNow, TimeSpan.FromDays(730));
        var ordered = stories
            .SelectMany(s => s.Steps.Select((step, index) => (Story: s, StoryEvent: step, Version: index + 1)))
            .OrderBy(x => x.StoryEvent.At)
            .ToList();
        var headers = stories.Select(s => new BulkEventStreamHeader { Id = s.Id, Version = s.Steps.Count }).ToList();
        Console.WriteLine($"seeding {ordered.Count:N0} events in {stories.Count:N0} streams (generated in {watch.Elapsed.TotalSeconds:F1} s)…");

        await store.BulkInsertEventStreamAsync(JasperFx.StorageConstants.DefaultTenantId, headers, Events(ordered), batchSize: 5000);
        Console.WriteLine($"seeded {ordered.Count:N0} events in {watch.Elapsed.TotalSeconds:F1} s");
        return ordered.Count;

        static async IAsyncEnumerable<IEvent> Events(List<(Story Story, StoryEvent StoryEvent, int Version)> ordered)
        {
            foreach (var (story, step, version) in ordered)
            {
                var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(step.Event.GetType()), step.Event)!;
                e.Id = Guid.CreateVersion7(step.At);
                e.StreamId = story.Id;
                e.Version = version;
                e.Timestamp = step.At.AddMilliseconds(40);
                e.CorrelationId = $"story-{story.Id:N}"[..22];
                e.CausationId = Guid.NewGuid().ToString();
                e.UserName = "seed";
                e.SetHeader(PlatformHeaders.SourceService, HeardEvents.PublisherOf(step.Event.GetType()));
                yield return e;
            }
            await Task.CompletedTask;
        }
    }

    private static async Task MarkCaughtUpAsync(string connectionString, long head)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "insert into mt_event_progression (name, last_seq_id) select n, (select max(seq_id) from mt_events) " +
            "from unnest(array['HighWaterMark', 'OverlapDetection:All', 'IntegrationEventRelay:All']) n " +
            "on conflict (name) do update set last_seq_id = excluded.last_seq_id", connection);
        await command.ExecuteNonQueryAsync();
        Console.WriteLine($"every daemon shard marked caught up at the head ({head:N0} events)");

        // A store that has been running a while has been vacuumed: its rows' hint bits are set and its
        // statistics known. Without this, the first rebuild after seeding also pays for that (about
        // 15 s of PostgreSQL CPU per 300,000 freshly copied events), which a real rebuild does not.
        await using var vacuum = new NpgsqlCommand("vacuum (analyze) mt_events, mt_streams", connection) { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync();
        Console.WriteLine("store vacuumed and analysed");
    }
}
