using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Testing;
using Marten;
using Npgsql;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// The services as real processes behind the gateway, and every benchmark that needs them, each
/// figure next to its baseline measured in the same run on the same servers.
/// </summary>
internal sealed class SystemUnderTest(Platform platform, BenchOptions options, Report report)
{
    private static readonly int[] Concurrency = [1, 8, 32];

    private readonly Dictionary<string, string> _databases = [];
    private readonly Dictionary<string, ServiceProcess> _running = [];
    private readonly Dictionary<string, double> _peakRss = [];
    private string _token = "";
    private string _baselineDatabase = "";

    private IReadOnlyList<int> ServerPids => [platform.PostgresPid];

    private int[] ServicePids => [.. _running.Values.Select(s => s.Pid)];

    public async Task RunAsync()
    {
        await platform.NewVirtualHostAsync("bench");
        foreach (var name in new[] { "experts", "projects", "training", "coordination" })
            _databases[name] = await platform.CreateDatabaseAsync($"bench_{name}");
        _baselineDatabase = await platform.CreateDatabaseAsync("bench_baselines");
        _token = Tokens.Create(platform.SigningKey, "benchmark", Roles.Coordinator);

        // Phase 1: the command path alone (Projects and the gateway; its relay runs, nobody consumes).
        if (Wants("commands"))
        {
            await StartAsync(["projects"], groupCommit: false);
            await Guard("commands (group commit off)", () => CommandsAsync(groupCommit: false, [8, 32]));
            await StopAllAsync();
        }
        if (Wants("commands") || Wants("rate") || Wants("messaging"))
        {
            await StartAsync(["projects"], groupCommit: true);
            if (Wants("commands")) await Guard("commands", () => CommandsAsync(groupCommit: true, Concurrency));
            if (Wants("rate")) await Guard("commands at 200/s", () => FixedRateAsync(200, "commands at a fixed 200/s", "p99 < 50 ms", p99 => p99 < 50));
            if (Wants("messaging")) await Guard("partner ingestion", PartnerIngestionAsync);
            await StopAllAsync();
        }

        // Phase 2: the whole system.
        if (Wants("messaging") || Wants("propagation") || Wants("reads"))
        {
            await StartAsync(["experts", "projects", "training", "coordination"], groupCommit: true);
            if (Wants("messaging")) await Guard("pipeline", PipelineAsync);
            if (Wants("propagation")) await Guard("propagation", PropagationAsync);
            if (Wants("reads")) await Guard("reads", ReadsAsync);
            SampleRss();
            foreach (var (name, peak) in _peakRss.OrderBy(p => p.Key))
                report.Add(new Row("memory", $"{name}: peak RSS under this run's load", $"{Report.F(peak)} MiB", "—", "—", "—", "measured", Machine.LoadAverage()));
            await StopAllAsync();
        }

        if (Wants("experts")) await Guard("expert search and matching", ExpertsAsync);
    }

    private bool Wants(string part) => options.Only.Contains(part);

    private async Task Guard(string name, Func<Task> benchmark)
    {
        Console.WriteLine($"\n## {name} (load {Machine.LoadAverage()})");
        try
        {
            await benchmark();
        }
        catch (Exception e)
        {
            report.Failed(name, e);
        }
    }

    private async Task StartAsync(string[] services, bool groupCommit)
    {
        var peers = new Dictionary<string, Uri>();
        foreach (var name in services)
        {
            var settings = platform.SettingsFor($"{name}db", _databases[name], peers);
            settings["EventStore__GroupCommit"] = groupCommit ? "true" : "false";
            // Projects asks Experts for candidates (not used here); a closed port when Experts is not running.
            if (!peers.ContainsKey("experts")) settings["services__experts__http__0"] = "http://127.0.0.1:9";
            var service = await platform.StartAsync(name, settings);
            _running[name] = service;
            peers[name] = service.Address;
            Console.WriteLine($"  started {name} at {service.Address} (pid {service.Pid})");
        }
        var gateway = new Dictionary<string, string>
        {
            // Rate limiting is per user; the benchmark is one user sending thousands of requests a second.
            ["Gateway__RequestsPerMinute"] = "100000000",
        };
        foreach (var name in new[] { "experts", "projects", "training", "coordination" })
            gateway[$"services__{name}__http__0"] = peers.TryGetValue(name, out var address) ? address.ToString() : "http://127.0.0.1:9";
        _running["gateway"] = await platform.StartAsync("gateway", gateway);
        Console.WriteLine($"  started gateway at {_running["gateway"].Address}");
    }

    /// <summary>
    /// ANALYZE every database after a warm-up, as autovacuum keeps a running store analyzed. The
    /// databases are created for the run; until their first ANALYZE PostgreSQL plans Marten's
    /// high-water gap query and the daemon's page loads as scans of the whole event table (measured:
    /// 0.56 ms per call instead of about 0.1 ms, a tenth of a command's PostgreSQL time), which a
    /// store that has run for a minute no longer pays.
    /// </summary>
    private async Task AnalyzeAsync()
    {
        foreach (var connectionString in _databases.Values.Append(_baselineDatabase))
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var analyze = new Npgsql.NpgsqlCommand("analyze", connection);
            await analyze.ExecuteNonQueryAsync();
        }
    }

    private async Task StopAllAsync()
    {
        SampleRss();
        foreach (var service in _running.Values) await platform.StopAsync(service);
        _running.Clear();
    }

    private void SampleRss()
    {
        foreach (var (name, service) in _running)
        {
            service.SampleRss();
            _peakRss[name] = Math.Max(_peakRss.GetValueOrDefault(name), service.PeakRssMiB);
        }
    }

    private Uri Gateway => _running["gateway"].Address;

    // ---------------------------------------------------------------- commands

    private async Task CommandsAsync(bool groupCommit, int[] levels)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "commands.lua");
        var marten = Baselines.MartenStore(_baselineDatabase, ownsSchema: true);
        await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var raw = await Baselines.RawInsertAsync(_baselineDatabase);
        var duration = options.RunDuration;
        var cap = 1_000_000L;
        int[] gatewayCpu = [.. ServicePids, .. ServerPids];
        int[] inProcessCpu = [Machine.SelfPid, .. ServerPids];

        // Warm up JIT, pools and caches on every path before measuring (the in-process baselines settle in seconds).
        await Wrk.RunAsync(Gateway, script, _token, 8, options.WarmUp, gatewayCpu);
        await ClosedLoop.RunAsync(8, TimeSpan.FromSeconds(2), 500, Baselines.PlainMarten(marten, 8), inProcessCpu);
        await ClosedLoop.RunAsync(8, TimeSpan.FromSeconds(2), 500, raw, inProcessCpu);
        await AnalyzeAsync();

        // What the processes burn with no load at all (daemon polling, health and lag probes, timers):
        // at a few hundred commands a second it is a visible part of the CPU per command. Measured once
        // the warm-up's tail has settled (the relay's last pages, the JIT's last recompilations).
        int[] each = [_running["gateway"].Pid, _running["projects"].Pid, platform.PostgresPid];
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleBefore = Profile.CpuEach(each);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idle = Profile.CpuEach(each).Zip(idleBefore, (a, b) => (a - b) / 5).ToArray();
        report.Note($"Idle CPU after the warm-up, before the command runs{(groupCommit ? "" : " (group commit off)")}: gateway {Report.F(idle[0])} ms/s, Projects {Report.F(idle[1])} ms/s, " +
                    $"PostgreSQL {Report.F(idle[2])} ms/s (included in the CPU per command above; it weighs more at low throughput).");

        var suffix = groupCommit ? "" : ", group commit off";
        foreach (var clients in levels)
        {
            List<Run> http = [], plain = [], rawRuns = [];
            for (var run = 0; run < options.Runs; run++)
            {
                if (run == 0 && clients == 8) http.Add(await ProfiledAsync(script, clients, groupCommit));
                else http.Add(await Wrk.RunAsync(Gateway, script, _token, clients, duration, gatewayCpu));
                SampleRss();
                if (groupCommit)
                {
                    plain.Add(await ClosedLoop.RunAsync(clients, duration, cap, Baselines.PlainMarten(marten, clients), inProcessCpu));
                    rawRuns.Add(await ClosedLoop.RunAsync(clients, duration, cap, raw, inProcessCpu));
                }
            }
            var h = new Figure($"HTTP commands via the gateway, {clients} clients{suffix}", http);
            report.Runs(h);
            if (!groupCommit)
            {
                report.Add(new Row("commands (group commit off)", $"{clients} clients: commands/s", Report.F(h.PerSecond),
                    "—", "—", "—", "for comparison", Machine.LoadAverage()));
                report.Add(new Row("commands (group commit off)", $"{clients} clients: p50 / p99; CPU per command", $"{Report.F(h.P50Ms, 1)} / {Report.F(h.P99Ms, 1)} ms; {Report.F(h.CpuMsPerOp, 2)} ms",
                    "—", "—", "—", "for comparison", Machine.LoadAverage()));
                continue;
            }
            var m = new Figure($"plain Marten, {clients} clients", plain);
            var r = new Figure($"raw Npgsql inserts, {clients} clients", rawRuns);
            report.Runs(m);
            report.Runs(r);
            var vsMarten = h.PerSecond / m.PerSecond;
            report.Add(new Row("commands", $"{clients} clients: commands/s", Report.F(h.PerSecond),
                $"plain Marten {Report.F(m.PerSecond)}/s; raw {Report.F(r.PerSecond)}/s",
                $"{Report.Ratio(h.PerSecond, m.PerSecond)} Marten; {Report.Ratio(h.PerSecond, r.PerSecond)} raw",
                "≥ 1.5× Marten (moonshot ≥ 0.25× raw)", Report.Verdict(vsMarten >= 1.5) + (h.PerSecond / r.PerSecond >= 0.25 ? ", moonshot met" : ""),
                Machine.LoadAverage()));
            report.Add(new Row("commands", $"{clients} clients: p50 / p99", $"{Report.F(h.P50Ms, 1)} / {Report.F(h.P99Ms, 1)} ms",
                $"Marten {Report.F(m.P50Ms, 1)} / {Report.F(m.P99Ms, 1)} ms; raw {Report.F(r.P50Ms, 1)} / {Report.F(r.P99Ms, 1)} ms", "—", "—",
                h.Errors > 0 ? $"{h.Errors} errors" : "no errors", Machine.LoadAverage()));
            report.Add(new Row("commands", $"{clients} clients: CPU per command (services + PostgreSQL)", $"{Report.F(h.CpuMsPerOp, 2)} ms",
                $"Marten {Report.F(m.CpuMsPerOp, 2)} ms; raw {Report.F(r.CpuMsPerOp, 2)} ms (bench process + PostgreSQL)",
                Report.Ratio(m.CpuMsPerOp, h.CpuMsPerOp) + " Marten's", "—", "measured", Machine.LoadAverage()));
        }
        await ((IAsyncDisposable)marten).DisposeAsync();
    }

    /// <summary>One run of the command benchmark with its profile: CPU per process and PostgreSQL's statements.</summary>
    private Task<Run> ProfiledAsync(string script, int clients, bool groupCommit) =>
        ProfiledRunAsync($"{clients} clients, group commit {(groupCommit ? "on" : "off")}", "command",
            () => Wrk.RunAsync(Gateway, script, _token, clients, options.RunDuration, [.. ServicePids, .. ServerPids]),
            [("gateway", _running["gateway"].Pid), ("Projects", _running["projects"].Pid), ("PostgreSQL", platform.PostgresPid)],
            traced: ["gateway", "projects"], databases: ["projects"], traceName: $"commands-{clients}-{(groupCommit ? "on" : "off")}", top: 8);

    /// <summary>
    /// One measured run with its profile, noted under the table: the CPU per operation of each
    /// process, and the top statements of each service database (pg_stat_statements, reset before
    /// the run). With EUCYBERNET_BENCH_TRACE=&lt;folder&gt;, also an EventPipe CPU sample profile of
    /// each <paramref name="traced"/> service (dotnet-trace), named <c>{traceName}-{service}</c>.
    /// </summary>
    private async Task<Run> ProfiledRunAsync(string during, string unit, Func<Task<Run>> measure, (string Name, int Pid)[] processes,
        string[] traced, string[] databases, string traceName, int top)
    {
        var statements = await Profile.ResetStatementsAsync(platform.AdminConnection);
        int[] pids = [.. processes.Select(p => p.Pid)];
        var before = Profile.CpuEach(pids);
        var traces = traced.Select(service => Profile.StartTrace(_running[service].Pid, $"{traceName}-{service}",
            TimeSpan.FromSeconds(Math.Max(5, options.RunDuration.TotalSeconds)))).ToList();
        var run = await measure();
        var per = Profile.CpuEach(pids).Zip(before, (a, b) => (a - b) / Math.Max(1, run.Operations)).ToArray();
        foreach (var trace in traces)
        {
            if (trace is null) continue;
            await trace.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            trace.Dispose();
        }
        report.Note($"Profile, {during}: CPU per {unit} — " + string.Join(", ", processes.Zip(per, (p, c) => $"{p.Name} {Report.F(c, 2)} ms")) +
                    $" ({Report.F(run.PerSecond)} {unit}s/s).");
        if (statements)
            foreach (var database in databases)
                await NoteStatementsAsync(database, during, run.Operations, top, unit);
        return run;
    }

    /// <summary>Notes a service database's statements that took the most time since the last reset, per operation.</summary>
    private async Task NoteStatementsAsync(string service, string during, long operations, int top = 8, string unit = "command")
    {
        var lines = await Profile.TopStatementsAsync(platform.AdminConnection, new NpgsqlConnectionStringBuilder(_databases[service]).Database!, operations, top, unit);
        report.Note($"Top PostgreSQL statements of {service}, {during} (pg_stat_statements; execution time only):<br>" + string.Join("<br>", lines));
    }

    /// <summary>An HTTP client for the gateway, with the benchmark's token.</summary>
    private HttpClient GatewayClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = Gateway,
            Timeout = TimeSpan.FromSeconds(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return client;
    }

    private static StringContent ProjectBody(string title) => new(
        $$"""{"title":"{{title}}","funder":"Bench Fund","implementers":["e-Governance Academy"],"beneficiaryCountries":["MD"],"themes":["policy-and-strategy"],"pillars":["national-strategic-framework"],"budgetEur":2500000,"startDate":"2027-01-01","endDate":"2028-12-31","status":"ongoing"}""",
        Encoding.UTF8, "application/json");

    /// <summary>Registers a project (POST) and returns its id.</summary>
    private static async Task<Guid> RegisterAsync(HttpClient client, string title, CancellationToken ct)
    {
        using var response = await client.PostAsync(new Uri("/projects", UriKind.Relative), ProjectBody(title), ct);
        if ((int)response.StatusCode != 201) throw new HttpRequestException($"POST /projects answered {(int)response.StatusCode}");
        return Guid.Parse(response.Headers.Location!.ToString().Split('/')[^1]);
    }

    private async Task FixedRateAsync(double rate, string name, string goal, Func<double, bool> met)
    {
        using var client = GatewayClient();
        var registered = new ConcurrentQueue<Guid>();
        async Task Command(long n, CancellationToken ct)
        {
            if (n % 2 == 1 && registered.TryDequeue(out var id))
            {
                using var response = await client.PutAsync(new Uri($"/projects/{id}", UriKind.Relative), ProjectBody($"Bench project {id} renamed"), ct);
                if ((int)response.StatusCode != 200) throw new HttpRequestException($"PUT /projects answered {(int)response.StatusCode}");
                return;
            }
            registered.Enqueue(await RegisterAsync(client, $"Rate project {n}", ct));
        }

        await OpenLoop.RunAsync(rate, TimeSpan.FromSeconds(2), Command, ServicePids);
        var runs = new List<Run>();
        for (var run = 0; run < options.Runs; run++)
        {
            runs.Add(await OpenLoop.RunAsync(rate, options.RunDuration, Command, [.. ServicePids, .. ServerPids]));
            SampleRss();
        }
        var figure = new Figure($"{name} (open loop, latency from the intended send time)", runs);
        report.Runs(figure);
        report.Add(new Row(name, "p50 / p99 (achieved rate)", $"{Report.F(figure.P50Ms, 1)} / {Report.F(figure.P99Ms, 1)} ms ({Report.F(figure.PerSecond)}/s)",
            "—", "—", goal, Report.Verdict(met(figure.P99Ms) && figure.Errors == 0) + (figure.Errors > 0 ? $" ({figure.Errors} errors)" : ""), Machine.LoadAverage()));
    }

    // ---------------------------------------------------------------- messaging

    private int BurstSize => options.Quick ? 2000 : 5000;

    // The partner intake stores one to two thousand events a second here: a smaller burst keeps a run within its bound.
    private int PartnerBurstSize => options.Quick ? 500 : 1000;

    /// <summary>
    /// Bursts of a messaging benchmark, unmeasured, for <see cref="BenchOptions.WarmUp"/>, then ANALYZE.
    /// Besides the services' JIT (item 14 of performance.md), this is about the tables: until
    /// 2026-11-29 14:30 UTC a warm-up of 200 events let ANALYZE (ours, or autovacuum's after its
    /// first 50 rows) record the stores' tables as nearly empty; PostgreSQL then plans a
    /// lookup by primary key as a scan of the whole table, keeps that plan on each connection until
    /// the next ANALYZE, and the measured bursts grew the tables by thousands of rows. In one run,
    /// Projects' `mt_streams` was scanned whole 8,037 times (13 million rows read).
    /// </summary>
    private async Task WarmUpAsync(Func<Task<Run>> burst)
    {
        var warming = System.Diagnostics.Stopwatch.StartNew();
        do await burst();
        while (warming.Elapsed < options.WarmUp);
        await AnalyzeAsync();
    }

    private async Task<Run> RawRabbitAsync(int messages) =>
        await RawRabbit.RunAsync(platform.VirtualHost!, messages, Baselines.EventJson, [Machine.SelfPid, platform.RabbitPid]);

    private async Task<Run> RawStoredAsync(int messages) =>
        await RawStored.RunAsync(platform.VirtualHost!, _baselineDatabase, messages, Baselines.EventJson, [Machine.SelfPid, platform.RabbitPid, platform.PostgresPid]);

    /// <summary>
    /// The rows of <see cref="RawStored"/> beside a messaging benchmark: the reference against raw
    /// RabbitMQ, and the benchmark against the reference.
    /// </summary>
    private void ReportAgainstStored(string benchmark, string measure, Figure ours, List<Run> storedRuns, Figure raw, int burst)
    {
        var stored = new Figure($"raw RabbitMQ.Client + raw Npgsql, each message stored as a row, one transaction per arrived batch ({burst} per burst)", storedRuns);
        report.Runs(stored);
        report.Add(new Row($"{benchmark}: raw reference that stores", $"messages/s, each stored as a row, one transaction per arrived batch; CPU per message (bench process + RabbitMQ + PostgreSQL)",
            $"{Report.F(stored.PerSecond)} ({Report.F(stored.CpuMsPerOp, 2)} ms)", $"raw RabbitMQ {Report.F(raw.PerSecond)}/s", Report.Ratio(stored.PerSecond, raw.PerSecond),
            "—", "reference: storing alone, raw", Machine.LoadAverage()));
        report.Add(new Row(benchmark, $"{measure}, against the raw reference that stores", Report.F(ours.PerSecond),
            $"raw RabbitMQ + PostgreSQL {Report.F(stored.PerSecond)}/s", Report.Ratio(ours.PerSecond, stored.PerSecond), "—", "measured", Machine.LoadAverage()));
    }

    private async Task PartnerIngestionAsync()
    {
        var projects = _running["projects"];
        var ingest = await PartnerBurst.PrepareAsync(platform, projects.Address, _token);
        int[] cpu = [projects.Pid, platform.RabbitPid, platform.PostgresPid];
        Task<Run> Burst() => ingest.RunAsync(PartnerBurstSize, _databases["projects"], cpu);
        await WarmUpAsync(Burst);
        await RawRabbitAsync(500);
        await RawStoredAsync(500);
        List<Run> ours = [], raw = [], stored = [];
        for (var run = 0; run < options.Runs; run++)
        {
            ours.Add(run == 0
                ? await ProfiledRunAsync("partner ingestion", "event", Burst, [("Projects", cpu[0]), ("RabbitMQ", cpu[1]), ("PostgreSQL", cpu[2])],
                    traced: ["projects"], databases: ["projects"], traceName: "ingestion", top: 8)
                : await Burst());
            raw.Add(await RawRabbitAsync(PartnerBurstSize));
            stored.Add(await RawStoredAsync(PartnerBurstSize));
            SampleRss();
        }
        var o = new Figure($"partner events over AMQP, validated and stored ({PartnerBurstSize} per burst)", ours);
        var r = new Figure($"raw RabbitMQ.Client publish-confirm + acking consumer ({PartnerBurstSize} per burst)", raw);
        report.Runs(o);
        report.Runs(r);
        report.Add(new Row("partner ingestion (AMQP burst)", "events/s, validated and stored", Report.F(o.PerSecond), $"raw RabbitMQ {Report.F(r.PerSecond)}/s",
            Report.Ratio(o.PerSecond, r.PerSecond), "≥ 0.5× raw", Report.Verdict(o.PerSecond / r.PerSecond >= 0.5), Machine.LoadAverage()));
        report.Add(new Row("partner ingestion (AMQP burst)", "CPU per event (Projects + RabbitMQ + PostgreSQL)", $"{Report.F(o.CpuMsPerOp, 2)} ms",
            $"raw {Report.F(r.CpuMsPerOp, 2)} ms (bench process + RabbitMQ)", "—", "—", "measured", Machine.LoadAverage()));
        ReportAgainstStored("partner ingestion (AMQP burst)", "events/s, validated and stored", o, stored, r, PartnerBurstSize);
    }

    private async Task PipelineAsync()
    {
        var pipeline = new RelayPipeline(_databases["projects"], _databases["coordination"]);
        int[] cpu = [_running["projects"].Pid, _running["coordination"].Pid, platform.RabbitPid, .. ServerPids];
        await WarmUpAsync(() => pipeline.RunAsync(BurstSize, cpu));
        await using var alone = await MassTransitAlone.StartAsync(platform.VirtualHost!);
        await alone.RunAsync(500, [Machine.SelfPid, platform.RabbitPid]); // warm-up
        await RawStoredAsync(500);
        List<Run> ours = [], raw = [], massTransit = [], stored = [];
        for (var run = 0; run < options.Runs; run++)
        {
            ours.Add(run == 0 ? await ProfiledPipelineAsync(pipeline, cpu) : await pipeline.RunAsync(BurstSize, cpu));
            raw.Add(await RawRabbitAsync(BurstSize));
            massTransit.Add(await alone.RunAsync(BurstSize, [Machine.SelfPid, platform.RabbitPid]));
            stored.Add(await RawStoredAsync(BurstSize));
            SampleRss();
        }
        var o = new Figure($"Marten → relay → RabbitMQ → Coordination's idempotent recorder ({BurstSize} events per burst)", ours);
        var r = new Figure($"raw RabbitMQ.Client publish-confirm + acking consumer ({BurstSize} per burst)", raw);
        report.Runs(o);
        report.Runs(r);
        report.Add(new Row("pipeline (relay → consumer)", "events/s, effect committed", Report.F(o.PerSecond), $"raw RabbitMQ {Report.F(r.PerSecond)}/s",
            Report.Ratio(o.PerSecond, r.PerSecond), "≥ 0.5× raw", Report.Verdict(o.PerSecond / r.PerSecond >= 0.5), Machine.LoadAverage()));
        report.Add(new Row("pipeline (relay → consumer)", "CPU per event (Projects + Coordination + RabbitMQ + PostgreSQL)", $"{Report.F(o.CpuMsPerOp, 2)} ms",
            $"raw {Report.F(r.CpuMsPerOp, 2)} ms (bench process + RabbitMQ)", "—", "—", "measured", Machine.LoadAverage()));
        var m = new Figure($"MassTransit alone, no database: publish-confirm + counting handler ({BurstSize} per burst)", massTransit);
        report.Runs(m);
        report.Add(new Row("MassTransit alone (reference)", "messages/s, published with confirms and handled, no database", Report.F(m.PerSecond),
            $"raw RabbitMQ {Report.F(r.PerSecond)}/s", Report.Ratio(m.PerSecond, r.PerSecond), "—", "reference: the pipeline's ceiling", Machine.LoadAverage()));
        report.Add(new Row("MassTransit alone (reference)", "CPU per message (bench process + RabbitMQ)", $"{Report.F(m.CpuMsPerOp, 2)} ms",
            $"raw {Report.F(r.CpuMsPerOp, 2)} ms", "—", "—", "measured", Machine.LoadAverage()));
        ReportAgainstStored("pipeline (relay → consumer)", "events/s, effect committed", o, stored, r, BurstSize);
    }

    /// <summary>One pipeline run with its profile: CPU per process, and each database's statements.</summary>
    private Task<Run> ProfiledPipelineAsync(RelayPipeline pipeline, int[] cpu) =>
        ProfiledRunAsync("pipeline", "event", () => pipeline.RunAsync(BurstSize, cpu),
            [("Projects", cpu[0]), ("Coordination", cpu[1]), ("RabbitMQ", cpu[2]), ("PostgreSQL", cpu[3])],
            traced: ["projects", "coordination"], databases: ["projects", "coordination"], traceName: "pipeline", top: 6);

    // ---------------------------------------------------------------- propagation

    private async Task PropagationAsync()
    {
        const double rate = 500;
        using var client = GatewayClient();
        var recorded = new List<Run>();
        var readModel = new List<Run>();
        for (var run = -1; run < options.Runs; run++)
        {
            var ids = new ConcurrentBag<Guid>();
            var duration = run < 0 ? options.WarmUp : options.RunDuration;
            // Where the path's CPU goes (first measured run): each process, until Coordination has caught up.
            string[] names = [.. _running.Keys.Order(StringComparer.Ordinal)];
            int[] each = [.. names.Select(n => _running[n].Pid), platform.PostgresPid, platform.RabbitPid, Machine.SelfPid];
            var statements = run == 0 && await Profile.ResetStatementsAsync(platform.AdminConnection);
            var before = Profile.CpuEach(each);
            var load = await OpenLoop.RunAsync(rate, duration, async (n, ct) => ids.Add(await RegisterAsync(client, $"Propagated project {n}", ct)),
                [.. ServicePids, .. ServerPids]);
            SampleRss();
            var (r, m) = await Propagation.MeasureAsync(_databases["projects"], _databases["coordination"], [.. ids], TimeSpan.FromSeconds(90));
            if (run == 0)
            {
                var per = Profile.CpuEach(each).Zip(before, (a, b) => (a - b) / Math.Max(1, ids.Count)).ToArray();
                string[] labels = [.. names, "PostgreSQL", "RabbitMQ", "load generator (bench process)"];
                report.Note($"Profile, propagation at {Report.F(rate)}/s (first run, until Coordination caught up; {ids.Count} commands): CPU per command — " +
                            string.Join(", ", labels.Zip(per, (l, c) => $"{l} {Report.F(c, 2)} ms")) +
                            $"; services + PostgreSQL + RabbitMQ {Report.F(per[..^1].Sum(), 2)} ms.");
                if (statements)
                    foreach (var service in new[] { "projects", "coordination" })
                        await NoteStatementsAsync(service, $"propagation at {Report.F(rate)}/s", ids.Count, top: 10);
            }
            if (run < 0)
            {
                await AnalyzeAsync();
                continue;
            }
            Console.WriteLine($"    load: {load}");
            recorded.Add(r with { PerSecond = load.PerSecond, Errors = load.Errors });
            readModel.Add(m with { PerSecond = load.PerSecond, Errors = load.Errors });
        }
        var rec = new Figure("command committed → recorded in Coordination's event store", recorded);
        var vis = new Figure("command committed → in Coordination's activity read model (overview, search)", readModel);
        report.Runs(rec);
        report.Runs(vis);
        foreach (var f in new[] { rec, vis })
            report.Add(new Row("propagation at 500 commands/s", f.Name + $" (achieved {Report.F(f.PerSecond)} commands/s): p50 / p99",
                $"{Report.F(f.P50Ms, 1)} / {Report.F(f.P99Ms, 1)} ms", "—", "—", "p50 < 50 ms, p99 < 250 ms",
                Report.Verdict(f.P50Ms < 50 && f.P99Ms < 250) + (f.Errors > 0 ? $" ({f.Errors} commands failed)" : ""), Machine.LoadAverage()));
    }

    // ---------------------------------------------------------------- reads

    private async Task ReadsAsync()
    {
        using var client = GatewayClient();
        var history = await LongStreamAsync(client, 1000);
        var count = options.Quick ? 100 : 300;
        async Task Get(string path)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }

        foreach (var (name, path) in new[]
                 {
                     ("Coordination overview (GET /coordination/overview)", "/coordination/overview"),
                     ("history of a stream with 1,000 events (GET /projects/{id}/history)", $"/projects/{history}/history"),
                 })
        {
            await ClosedLoop.RunAsync(1, TimeSpan.FromSeconds(30), 20, (_, _) => Get(path), ServicePids);
            var runs = new List<Run>();
            for (var run = 0; run < options.Runs; run++)
                runs.Add(await ClosedLoop.RunAsync(1, TimeSpan.FromSeconds(60), count, (_, _) => Get(path), [.. ServicePids, .. ServerPids]));
            var figure = new Figure(name + ", one client via the gateway", runs);
            report.Runs(figure);
            report.Add(new Row("reads", name + ": p50 / p99 (CPU per read)", $"{Report.F(figure.P50Ms, 1)} / {Report.F(figure.P99Ms, 1)} ms ({Report.F(figure.CpuMsPerOp, 1)} ms)",
                "—", "—", "p99 < 50 ms", Report.Verdict(figure.P99Ms < 50), Machine.LoadAverage()));
        }
    }

    /// <summary>A project registered through the gateway, then changed directly in its store until it has <paramref name="events"/> events.</summary>
    private async Task<Guid> LongStreamAsync(HttpClient client, int events)
    {
        var id = await RegisterAsync(client, "A long story", CancellationToken.None);
        var store = Baselines.MartenStore(_databases["projects"]);
        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "benchmark";
            for (var i = 2; i <= events; i++)
                session.Events.Append(id, new ProjectDetailsChanged(Baselines.Details($"A long story, chapter {i}"), ["title"]));
            await session.SaveChangesAsync();
        }
        await ((IAsyncDisposable)store).DisposeAsync();
        return id;
    }

    // ---------------------------------------------------------------- experts (their own benchmark)

    private async Task ExpertsAsync()
    {
        var experts = options.Quick ? 10_000 : 100_000;
        var results = await ExpertsBenchmark.RunAsync(platform, options, experts);
        foreach (var (query, p50, p99, cpu, runs) in results)
        {
            report.Add(new Row("reads", $"Experts {query} over {experts:N0} experts: p50 / p99 (CPU per query)",
                $"{Report.F(p50, 1)} / {Report.F(p99, 1)} ms ({cpu})", "—", "—", "p99 < 50 ms", Report.Verdict(p99 < 50), Machine.LoadAverage()));
            report.Runs(new Figure($"Experts {query}", runs));
        }
    }
}
