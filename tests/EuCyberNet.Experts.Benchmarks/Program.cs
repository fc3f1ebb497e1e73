using System.Diagnostics;
using System.Globalization;
using System.Text;
using EuCyberNet.Experts;
using EuCyberNet.Experts.Benchmarks;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// Search and matching latency of the Experts service on a realistic pool in a real PostgreSQL.
//
//   dotnet run -c Release --project tests/EuCyberNet.Experts.Benchmarks -- [--experts 100000] [--iterations 300]
//       [--warmup 30] [--database experts_bench] [--reuse | --rebuild-search] [--out results.md]
//       [--dump answers.tsv [--dump-queries 50]]
//
// PostgreSQL comes from EUCYBERNET_BENCH_POSTGRES or EUCYBERNET_TEST_POSTGRES (a superuser connection
// string), else a throwaway local server is started. With --reuse an already seeded database of the
// same size is measured again without seeding; --rebuild-search also rebuilds its search tables
// from the stored snapshots. --dump writes the answers to a fixed set of queries instead of measuring
// (to prove that a change of the read side answers exactly as before). RabbitMQ (EUCYBERNET_TEST_RABBITMQ) is optional.
//
// Method: the pool is written through the service's own event store (events, inline snapshot and
// search row per expert, as the HTTP commands write them). The service then runs in this process
// (TestServer: no network hop, but ASP.NET Core routing, validation, SQL and JSON all included) and
// each query type runs `warmup` times, then `iterations` times one after another with fresh random
// parameters; latency is measured around each HTTP call. Throughput is sequential (one client,
// 1/mean) and with 4 concurrent clients.

var options = BenchmarkOptions.Parse(args);
var adminConnection = Environment.GetEnvironmentVariable("EUCYBERNET_BENCH_POSTGRES")
                      ?? Environment.GetEnvironmentVariable(PostgresServer.EnvironmentVariable);
await using var ownedPostgres = adminConnection is null ? await PostgresServer.StartLocalAsync() : null;
adminConnection ??= ownedPostgres!.AdminConnectionString;

var database = options.Database ?? $"experts_bench_{options.Experts}";
var connectionString = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database, MaxPoolSize = 20 }.ConnectionString;
var seeded = options.Reuse ? await SeededExpertsAsync(adminConnection, database, connectionString) : -1;
var signingKey = AuthenticationExtensions.NewSigningKey();
Console.WriteLine($"# Experts benchmark: {options.Experts:N0} experts, {Environment.ProcessorCount} cores, PostgreSQL {(ownedPostgres is null ? "from the environment" : "started locally")}");

if (seeded != options.Experts)
{
    await RecreateDatabaseAsync(adminConnection, database);
    await using var seeding = Host(connectionString, signingKey, rabbitMq: null);
    var store = seeding.Services.GetRequiredService<IDocumentStore>();
    var clock = Stopwatch.StartNew();
    var (streams, events) = await SeedAsync(store, options.Experts, options.Seed);
    Console.WriteLine($"Seeded {streams:N0} experts ({events:N0} events) in {clock.Elapsed.TotalSeconds:N0} s " +
                      $"({streams / clock.Elapsed.TotalSeconds:N0} experts/s, {events / clock.Elapsed.TotalSeconds:N0} events/s, through Marten with the inline projections)");
}

else if (options.RebuildSearch)
{
    // The events and snapshots stay; the derived search tables are dropped, recreated by the service
    // and refilled from the snapshots (after a change of their shape).
    await ExecuteAsync(connectionString, "drop table if exists public.experts_search, public.experts_index, public.experts_cards, public.experts_text, public.experts_index_deletions");
    await using var rebuilding = Host(connectionString, signingKey, rabbitMq: null);
    var clock = Stopwatch.StartNew();
    var rebuilt = await EuCyberNet.Experts.Search.ExpertSearchTable.RebuildAsync(rebuilding.Services.GetRequiredService<IDocumentStore>());
    Console.WriteLine($"Rebuilt the search tables of {rebuilt:N0} experts in {clock.Elapsed.TotalSeconds:N0} s");
}

// The seeded history counts as relayed: publishing 100,000 experts' events would compete with the queries
// being measured (a running system relays as it goes and is idle once caught up).
await FastForwardRelayAsync(connectionString);
await AnalyzeAsync(connectionString);

Uri? virtualHost = null;
if (Environment.GetEnvironmentVariable(RabbitMqServer.EnvironmentVariable) is { Length: > 0 })
    virtualHost = await (await RabbitMqServer.StartAsync()).CreateVirtualHostAsync("bench");
await using var host = Host(connectionString, signingKey, virtualHost);
if (virtualHost is not null) await host.WaitUntilHealthyAsync();
var client = host.CreateClient(Roles.Coordinator, "benchmark");

if (options.Dump is { } dumpPath)
{
    // Answers to a fixed, seeded set of queries of every type (first and second page), one per line,
    // so two versions of the read side can be compared answer for answer (diff the files).
    await using var dump = new StreamWriter(dumpPath);
    foreach (var query in Queries.All(options.Seed + 7))
        for (var i = 0; i < options.DumpQueries; i++)
        {
            var url = query.Next();
            foreach (var page in url.Contains("page=", StringComparison.Ordinal) ? [url] : new[] { url, url + "&page=2" })
            {
                using var response = await client.GetAsync(page);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{page}: {(int)response.StatusCode} {body}");
                await dump.WriteLineAsync($"{page}\t{body}");
            }
        }
    Console.WriteLine($"Wrote the answers to {options.DumpQueries} queries of each type (two pages each) to {dumpPath}");
    return 0;
}

var cpu = new CpuMeter(connectionString, database);
var load = File.Exists("/proc/loadavg") ? string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[..3]) : "unknown";
Console.WriteLine($"Load average (1, 5, 15 min): {load}");
// The first query of a replica loads its in-memory copy of the search table (Matching/CandidatePool.cs).
var cold = Stopwatch.StartNew();
(await client.GetAsync("/experts/matches?role=ciso")).EnsureSuccessStatusCode();
Console.WriteLine($"First query (loads the in-memory copy of {options.Experts:N0} experts): {cold.ElapsedMilliseconds:N0} ms");
// Warm the whole service first (JIT tiering, connection pool, PostgreSQL's caches), so that the first
// query type measured is not charged for it.
foreach (var query in Queries.All(options.Seed + 1))
    for (var i = 0; i < options.Warmup; i++)
        (await client.GetAsync(query.Next())).EnsureSuccessStatusCode();

var results = new List<Result>();
foreach (var query in Queries.All(options.Seed))
    results.Add(await MeasureAsync(client, host, query, options, cpu));

GC.Collect();
Console.WriteLine($"Managed heap after the queries (service and benchmark, after a full GC): {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:N0} MB");
var report = Report(options, results, load);
Console.WriteLine(report);
if (options.Out is { } path) await File.AppendAllTextAsync(path, report);
return 0;

static ServiceHost<ExpertsService> Host(string connectionString, string signingKey, Uri? rabbitMq) => new(new Dictionary<string, string?>
{
    ["ConnectionStrings:expertsdb"] = connectionString,
    // Without a broker the relay waits (publishes fail, it backs off); the queries do not need one.
    ["ConnectionStrings:rabbitmq"] = rabbitMq?.ToString() ?? "amqp://guest:guest@127.0.0.1:1/",
    ["Auth:SigningKey"] = signingKey,
    ["Relay:MaxRetryDelay"] = "00:05:00",
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:MassTransit"] = "None",
    ["Logging:LogLevel:EuCyberNet.ServiceDefaults.Messaging.IntegrationEventRelay"] = "None",
    ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
});

static async Task<(int Streams, long Events)> SeedAsync(IDocumentStore store, int experts, int seed)
{
    const int batch = 500;
    long events = 0;
    var next = -batch;
    var progress = Stopwatch.StartNew();
    async Task Worker(int worker)
    {
        var generator = new PoolGenerator(seed * 31 + worker);
        while (true)
        {
            var start = Interlocked.Add(ref next, batch);
            if (start >= experts) return;
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "seed";
            for (var i = start; i < Math.Min(start + batch, experts); i++)
            {
                var (id, stream) = generator.Next(i);
                session.Events.StartStream<EuCyberNet.Experts.Pool.Expert>(id, stream);
                Interlocked.Add(ref events, stream.Count);
            }
            await session.SaveChangesAsync();
            if (start / batch % 20 == 0) Console.WriteLine($"  {start + batch:N0} experts, {progress.Elapsed.TotalSeconds:N0} s");
        }
    }
    await Task.WhenAll(Enumerable.Range(0, 2).Select(Worker));
    return (experts, events);
}

static async Task<int> SeededExpertsAsync(string admin, string database, string connectionString)
{
    await using (var connection = new NpgsqlConnection(admin))
    {
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("select count(*) from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0) return -1;
    }
    try
    {
        return (int)await ScalarAsync(connectionString, "select count(*) from public.mt_doc_expert");
    }
    catch (PostgresException)
    {
        return -1;
    }
}

static async Task RecreateDatabaseAsync(string admin, string database)
{
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    await using (var drop = new NpgsqlCommand($"drop database if exists \"{database}\" with (force)", connection)) await drop.ExecuteNonQueryAsync();
    await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
    await create.ExecuteNonQueryAsync();
}

static async Task FastForwardRelayAsync(string connectionString)
{
    var head = await ScalarAsync(connectionString, "select coalesce(max(seq_id), 0) from mt_events");
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("""
        insert into mt_event_progression (name, last_seq_id) values ('IntegrationEventRelay:All', @head)
        on conflict (name) do update set last_seq_id = @head
        """, connection);
    command.Parameters.AddWithValue("head", head);
    await command.ExecuteNonQueryAsync();
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task AnalyzeAsync(string connectionString)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    foreach (var table in new[] { "public.experts_index", "public.experts_cards", "public.experts_text" })
    {
        await using var command = new NpgsqlCommand($"vacuum analyze {table}", connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}

static async Task<long> ScalarAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

static async Task<Result> MeasureAsync(HttpClient client, ServiceHost<ExpertsService> host, Query query, BenchmarkOptions options, CpuMeter cpu)
{
    long totalRows = 0;
    async Task<double> Once()
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(query.Next());
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{query.Name}: {(int)response.StatusCode} {body}");
        var at = body.LastIndexOf("\"total\":", StringComparison.Ordinal);
        totalRows += long.Parse(body[(at + 8)..].TrimEnd('}'), CultureInfo.InvariantCulture);
        return elapsed;
    }

    for (var i = 0; i < options.Warmup; i++) await Once();
    totalRows = 0;
    var latencies = new double[options.Iterations];
    var cpuBefore = await cpu.SnapshotAsync();
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < options.Iterations; i++) latencies[i] = await Once();
    var sequentialSeconds = wall.Elapsed.TotalSeconds;
    var cpuAfter = await cpu.SnapshotAsync();
    var serviceCpu = (cpuAfter.Service - cpuBefore.Service).TotalMilliseconds / options.Iterations;
    var databaseCpu = (cpuAfter.Database - cpuBefore.Database).TotalMilliseconds / options.Iterations;
    var averageTotal = totalRows / (double)options.Iterations;

    // Four clients at once, a bounded number of queries each.
    const int clients = 4;
    var concurrentClients = Enumerable.Range(0, clients).Select(_ => host.CreateClient(Roles.Coordinator, "benchmark")).ToList();
    var perClient = Math.Max(10, options.Iterations / 4);
    wall.Restart();
    await Task.WhenAll(concurrentClients.Select(async c =>
    {
        for (var i = 0; i < perClient; i++)
        {
            using var response = await c.GetAsync(query.Next());
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsStringAsync();
        }
    }));
    var concurrentQps = clients * perClient / wall.Elapsed.TotalSeconds;

    Array.Sort(latencies);
    var result = new Result(query.Name, Percentile(latencies, 0.50), Percentile(latencies, 0.90), Percentile(latencies, 0.99), latencies[^1],
        options.Iterations / sequentialSeconds, concurrentQps, averageTotal, serviceCpu, databaseCpu);
    Console.WriteLine($"  {result.Name,-48} p50 {result.P50,7:N1} ms  p99 {result.P99,7:N1} ms  {result.Sequential,6:N0} q/s  (4 clients {result.Concurrent,6:N0} q/s)  " +
                      $"CPU {result.ServiceCpu:N1} + {result.DatabaseCpu:N1} ms  matches ~{result.AverageTotal:N0}");
    return result;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static string Report(BenchmarkOptions options, List<Result> results, string load)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"\n## {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC — {options.Experts:N0} experts, {options.Iterations} iterations after {options.Warmup} warm-up\n");
    text.AppendLine(CultureInfo.InvariantCulture, $"Load average before: {load}\n");
    text.AppendLine("| query | p50 ms | p90 ms | p99 ms | max ms | q/s (1 client) | q/s (4 clients) | CPU ms/query (service + PostgreSQL) | matching experts (avg total) |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.P50:N1} | {r.P90:N1} | {r.P99:N1} | {r.Max:N1} | {r.Sequential:N0} | {r.Concurrent:N0} | {r.ServiceCpu:N1} + {r.DatabaseCpu:N1} | {r.AverageTotal:N0} |");
    return text.ToString();
}

internal sealed record Result(string Name, double P50, double P90, double P99, double Max, double Sequential, double Concurrent, double AverageTotal,
    double ServiceCpu, double DatabaseCpu);

internal sealed record BenchmarkOptions(int Experts, int Iterations, int Warmup, string? Database, bool Reuse, bool RebuildSearch, string? Out, int Seed,
    string? Dump, int DumpQueries)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchmarkOptions(Number("--experts", 100_000), Number("--iterations", 300), Number("--warmup", 30),
            Value("--database"), args.Contains("--reuse") || args.Contains("--rebuild-search"), args.Contains("--rebuild-search"), Value("--out"), Number("--seed", 2027),
            Value("--dump"), Number("--dump-queries", 50));
    }
}
