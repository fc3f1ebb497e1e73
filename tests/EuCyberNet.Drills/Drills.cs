using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using EuCyberNet.Testing;
using RabbitMQ.Client;

namespace EuCyberNet.Drills;

/// <summary>What a drill does to the system while the load runs.</summary>
public sealed record Drill(string Name, string Fault, Func<DrillContext, Task> InjectAsync, IReadOnlyDictionary<string, int>? Replicas = null)
{
    public override string ToString() => Name;
}

public sealed class DrillContext(DrillPlatform platform, Load load, Reconciler reconciler, PublishedTap tap, DrillFigures figures)
{
    public DrillPlatform Platform { get; } = platform;

    public Load Load { get; } = load;

    public Reconciler Reconciler { get; } = reconciler;

    public PublishedTap Tap { get; } = tap;

    public DrillFigures Figures { get; } = figures;

    public DrillServers Servers => Platform.Servers;

    public void Note(string text)
    {
        Figures.Notes.Add(text);
        Console.WriteLine($"  [{Figures.Drill}] {text}");
    }

    /// <summary>Waits until the load has done <paramref name="fraction"/> of its operations (or its time limit is near).</summary>
    public async Task LoadUnderWayAsync(double fraction = 0.25)
    {
        var target = (int)(Platform.Settings.Operations * fraction);
        var clock = Stopwatch.StartNew();
        while (Load.Outcomes.Count < target && clock.Elapsed < Platform.Settings.LoadTimeLimit / 2) await Task.Delay(100);
    }
}

public static class Drills
{
    /// <summary>Every drill, in the order `./eucybernet drill` runs them.</summary>
    public static IReadOnlyList<Drill> All(IReadOnlyList<string> services)
    {
        var drills = new List<Drill>
        {
            new("broker-stop", "RabbitMQ stopped (graceful) for 20 s under load, then restarted", BrokerStopAsync),
            new("broker-kill", "RabbitMQ killed (SIGKILL of the Erlang VM) under load, restarted after 3 s", BrokerKillAsync),
            new("postgres-restart", "PostgreSQL restarted (fast shutdown: clients cut off) under load", c => PostgresRestartAsync(c, kill: false)),
            new("postgres-kill", "PostgreSQL killed (SIGKILL of the postmaster: crash recovery) under load", c => PostgresRestartAsync(c, kill: true)),
        };
        foreach (var service in services)
            drills.Add(new($"kill-{service}", $"{service} killed (SIGKILL) mid-consume and restarted", c => KillServiceAsync(c, service)));
        // Projects: a relay that publishes most; Coordination: inline read models that both replicas'
        // inboxes write (behind its write gate), and the leader's overlap detector.
        foreach (var replicated in new[] { "projects", "coordination" }.Where(services.Contains).DefaultIfEmpty(services[0]))
            drills.Add(new($"replicas-{replicated}", $"two replicas of {replicated} at once; the relay leader killed half-way",
                c => ReplicasAsync(c, replicated), new Dictionary<string, int> { [replicated] = 2 }));
        drills.Add(new("poison", "poison messages on every subscribed exchange and a burst of malformed partner events, mixed into the load", PoisonAsync));
        return drills;
    }

    /// <summary>Runs one drill on fresh databases and a fresh virtual host: start, load + fault, settle, reconcile.</summary>
    public static async Task<DrillFigures> RunAsync(DrillServers servers, DrillSettings settings, Drill drill)
    {
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"drill {drill.Name}: {drill.Fault}");
        await using var platform = await DrillPlatform.StartAsync(servers, settings, drill.Name, drill.Replicas);
        await using var tap = await PublishedTap.StartAsync(platform.VirtualHost);
        using var load = new Load(platform);
        await load.PrepareAsync();
        var figures = new DrillFigures { Drill = drill.Name, Fault = drill.Fault };
        var reconciler = new Reconciler(platform, load, tap);
        var context = new DrillContext(platform, load, reconciler, tap, figures);
        Console.WriteLine($"  services up ({string.Join(", ", platform.Processes.Select(p => $"{p.Service}#{p.Replica}"))}) in {clock.Elapsed.TotalSeconds:0} s; load running");

        var running = load.RunAsync();
        await drill.InjectAsync(context);
        await running;
        Console.WriteLine($"  load done: {load.Outcomes.Count} commands; settling");
        // A service the fault left down is a finding, but reconciliation needs every service answering.
        foreach (var process in platform.Processes.Where(p => !p.IsRunning && p.Starts > 0 && !figures.Notes.Contains($"left {p.Service}#{p.Replica} down")))
        {
            process.Start();
            await process.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
        }
        await reconciler.SettleAndReconcileAsync(figures);
        figures.Duration = clock.Elapsed;
        Print(figures);
        return figures;
    }

    private static async Task BrokerStopAsync(DrillContext c)
    {
        await c.LoadUnderWayAsync();
        await c.Servers.RabbitMq.StopAsync();
        c.Note($"RabbitMQ stopped after {c.Load.Outcomes.Count} commands");
        await Task.Delay(c.Platform.Settings.BrokerDowntime);
        await c.Servers.RabbitMq.RestartAsync();
        c.Note($"RabbitMQ back after {c.Load.Outcomes.Count} commands");
    }

    private static async Task BrokerKillAsync(DrillContext c)
    {
        await c.LoadUnderWayAsync();
        await c.Servers.RabbitMq.KillAsync();
        c.Note($"RabbitMQ killed after {c.Load.Outcomes.Count} commands");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await c.Servers.RabbitMq.RestartAsync();
        c.Note("RabbitMQ back");
    }

    private static async Task PostgresRestartAsync(DrillContext c, bool kill)
    {
        await c.LoadUnderWayAsync();
        var clock = Stopwatch.StartNew();
        await c.Servers.Postgres.RestartAsync(kill);
        c.Note($"PostgreSQL {(kill ? "killed" : "restarted")} after {c.Load.Outcomes.Count} commands, accepting again after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task KillServiceAsync(DrillContext c, string service)
    {
        await c.LoadUnderWayAsync();
        var midConsume = await WaitUntilConsumingAsync(c, service, TimeSpan.FromSeconds(30));
        var victim = c.Platform.ReplicasOf(service).First();
        await victim.KillAsync();
        c.Note($"{service} SIGKILLed after {c.Load.Outcomes.Count} commands ({(midConsume ? "with deliveries unacknowledged" : "no delivery seen in flight")})");
        await Task.Delay(TimeSpan.FromSeconds(2));
        victim.Start();
        await victim.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
        c.Note($"{service} restarted and healthy");
    }

    /// <summary>True once a queue of the service shows unacknowledged deliveries (management statistics: every 250 ms on the drills' own node, 5 s on a shared one).</summary>
    private static async Task<bool> WaitUntilConsumingAsync(DrillContext c, string service, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var queues = await c.Servers.RabbitMq.ManagementAsync($"api/queues/{RabbitMqServer.VirtualHostPath(c.Platform.VirtualHost)}");
            foreach (var queue in queues.EnumerateArray())
            {
                var name = queue.GetProperty("name").GetString()!;
                if (name.StartsWith(service + "-", StringComparison.Ordinal)
                    && queue.TryGetProperty("messages_unacknowledged", out var unacked) && unacked.GetInt64() > 0) return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    private static async Task ReplicasAsync(DrillContext c, string service)
    {
        await c.LoadUnderWayAsync(0.4);
        var holders = await AdvisoryLockHoldersAsync(c, service);
        var locks = service == "coordination" ? "the daemon's leadership, and the write gate while a transaction holds it" : "the daemon's leadership";
        c.Note($"{service}: 2 replicas; backends holding advisory locks ({locks}): {holders}");
        var leader = c.Platform.ReplicasOf(service).First();
        await leader.KillAsync();
        c.Note($"{service}#1 SIGKILLed after {c.Load.Outcomes.Count} commands; #2 must take over the relay");
        await Task.Delay(TimeSpan.FromSeconds(5));
        leader.Start();
        await leader.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
        c.Note($"{service}#1 back; advisory lock holders now {await AdvisoryLockHoldersAsync(c, service)}");
    }

    private static async Task<long> AdvisoryLockHoldersAsync(DrillContext c, string service) =>
        await c.Platform.ScalarAsync(service,
            "select count(distinct pid) from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())");

    private static async Task PoisonAsync(DrillContext c)
    {
        var subscribed = await SubscribedQueuesAsync(c);
        await c.LoadUnderWayAsync(0.2);
        var factory = new ConnectionFactory { Uri = c.Platform.VirtualHost };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            const int perType = 3;
            foreach (var (type, queues) in subscribed)
            {
                for (var i = 0; i < perType; i++)
                {
                    var id = Guid.NewGuid();
                    c.Reconciler.Poison.Add(id);
                    await channel.BasicPublishAsync(PublishedTap.ExchangeOf(type), "", mandatory: true,
                        new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = id.ToString() },
                        Encoding.UTF8.GetBytes(PoisonEnvelope(type, id)));
                }
                foreach (var queue in queues)
                    c.Reconciler.ExpectedInErrorQueues[queue + "_error"] = c.Reconciler.ExpectedInErrorQueues.GetValueOrDefault(queue + "_error") + perType;
                c.Figures.PoisonInjected += perType;
            }
        }
        c.Note($"{c.Figures.PoisonInjected} poison messages on {subscribed.Count} subscribed exchanges");

        if (c.Load.Partner is { } partner)
        {
            const int burst = 25;
            for (var i = 0; i < burst; i++)
            {
                var (key, body) = PartnerEvents.Malformed(i);
                await partner.PublishAsync(key, body);
            }
            c.Reconciler.PartnerMalformed = burst;
            c.Note($"{burst} malformed partner events over AMQP");
        }
    }

    /// <summary>Integration event types with at least one subscriber, and the queues bound to them.</summary>
    private static async Task<Dictionary<Type, List<string>>> SubscribedQueuesAsync(DrillContext c)
    {
        var bindings = await c.Servers.RabbitMq.ManagementAsync($"api/bindings/{RabbitMqServer.VirtualHostPath(c.Platform.VirtualHost)}");
        var result = new Dictionary<Type, List<string>>();
        foreach (var type in PublishedTap.IntegrationEventTypes)
        {
            var queues = bindings.EnumerateArray()
                .Where(b => b.GetProperty("source").GetString() == PublishedTap.ExchangeOf(type))
                .Select(b => b.GetProperty("destination").GetString()!)
                .Where(d => d != PublishedTap.QueueName)
                .Distinct(StringComparer.Ordinal).ToList();
            if (queues.Count > 0) result[type] = queues;
        }
        return result;
    }

    /// <summary>A MassTransit envelope of the right type whose message cannot be read: every id, date and number is garbage.</summary>
    public static string PoisonEnvelope(Type type, Guid messageId)
    {
        var fields = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(Guid) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(int) || t == typeof(long) || t == typeof(decimal))
                fields.Add($"\"{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]}\":\"poison\"");
        }
        var message = "{" + string.Join(',', fields) + "}";
        return $$"""{"messageId":"{{messageId}}","messageType":["urn:message:{{type.Namespace}}:{{type.Name}}"],"message":{{message}}}""";
    }

    public static void Print(DrillFigures f)
    {
        var i = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(i, $"  commands: {f.CommandsSent} sent, {f.CommandsAccepted} accepted, {f.CommandsRejected} rejected, {f.CommandsUnanswered} unanswered, {f.CommandsLost} lost"));
        if (f.RefusalSummary() is { } refusals) Console.WriteLine($"  {refusals}");
        if (f.IdleSummary() is { } idle) Console.WriteLine($"  {idle}");
        Console.WriteLine(string.Create(i, $"  events: {f.Events} stored; integration events owed {f.RelayOwed}, published {f.Published} (tap deliveries {f.TapDeliveries}), never published {f.RelayMissing}, unaccounted for {f.RelayUnowned}; relays caught up: {f.RelaysCaughtUp}"));
        Console.WriteLine(string.Create(i, $"  effects: {f.Consumed} of {f.ExpectedEffects} over {f.Subscriptions} subscriptions; missing {f.EffectsMissing}, unexpected {f.UnexpectedEffects}, double {f.DoubleEffects}; duplicates suppressed {f.DuplicatesSuppressed}"));
        Console.WriteLine(string.Create(i, $"  error queues: {(f.ErrorQueues.Count == 0 ? "empty" : string.Join(", ", f.ErrorQueues.Select(q => $"{q.Key}={q.Value}")))}; poison {f.PoisonInErrorQueues}/{f.PoisonExpected}, unexpected {f.UnexpectedInErrorQueues}"));
        if (f.PartnerSent + f.PartnerMalformed > 0)
            Console.WriteLine(string.Create(i, $"  partner: {f.PartnerAccepted} accepted of {f.PartnerSent} sent, activities {f.PartnerActivitiesAccepted} stored of {f.PartnerActivitiesSent} sent; {f.PartnerRejected} rejected of {f.PartnerMalformed} malformed; dead-lettered {f.PartnerDeadLettered}"));
        Console.WriteLine(string.Create(i, $"  read models: {f.ReadModelsChecked} checked, {f.ReadModelMismatches} differ from a rebuild"));
        foreach (var note in f.Notes.Where(n => n.Contains("differ", StringComparison.Ordinal) || n.StartsWith("not settled", StringComparison.Ordinal))) Console.WriteLine($"  ! {note}");
        var problems = f.Problems().ToList();
        Console.WriteLine(problems.Count == 0
            ? string.Create(i, $"  lost = {f.Lost}: PASS ({f.Duration.TotalSeconds:0} s)")
            : string.Create(i, $"  lost = {f.Lost}: FAIL — {string.Join("; ", problems)}"));
    }
}
