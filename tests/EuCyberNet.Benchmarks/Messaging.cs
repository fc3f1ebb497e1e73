using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using EuCyberNet.Projects.Projects;
using EuCyberNet.Testing;
using Marten;
using MassTransit;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EuCyberNet.Benchmarks;

internal static class Db
{
    public static async Task<long> ScalarAsync(string connectionString, string sql, Guid[]? ids = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (ids is not null) command.Parameters.AddWithValue("ids", ids);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The SQL that counts the events of <paramref name="typePattern"/> (a LIKE pattern) appended to
    /// a Marten store after its event <paramref name="afterSequence"/>. It reads only those (a range of
    /// the sequence's primary key): the benchmarks poll it every 20 ms, and a count over the whole
    /// table cost a full scan per poll — until 2026-11-29 it was the partner intake benchmark's
    /// heaviest statement, 24 ms a call and 0.24 ms of PostgreSQL's 0.39 ms per stored event.
    /// </summary>
    public static string EventsAfter(long afterSequence, string typePattern) =>
        $"select count(*) from mt_events where seq_id > {afterSequence} and type like '{typePattern}'";

    public const string LastSequence = "select coalesce(max(seq_id), 0) from mt_events";

    /// <summary>Polls until <paramref name="sql"/> counts at least <paramref name="target"/>; returns when it did (bounded).</summary>
    public static async Task<TimeSpan> WaitForCountAsync(string connectionString, string sql, long target, Stopwatch clock, TimeSpan timeout)
    {
        var deadline = clock.Elapsed + timeout;
        while (true)
        {
            var count = await ScalarAsync(connectionString, sql);
            if (count >= target) return clock.Elapsed;
            if (clock.Elapsed > deadline) throw new TimeoutException($"only {count} of {target} after {timeout.TotalSeconds:N0} s: {sql}");
            await Task.Delay(20);
        }
    }
}

/// <summary>Publishes with publisher confirms, at most 256 unconfirmed at a time; returns when all are confirmed.</summary>
internal static class Confirmed
{
    public const int Window = 256;

    public static Task PublishAllAsync(IChannel channel, string exchange, string routingKey, BasicProperties properties, IEnumerable<byte[]> bodies) =>
        InWindowAsync(bodies, body => channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body).AsTask());

    /// <summary>Runs <paramref name="publish"/> for each item, at most <see cref="Window"/> at once; returns when all have.</summary>
    public static async Task InWindowAsync<T>(IEnumerable<T> items, Func<T, Task> publish)
    {
        using var window = new SemaphoreSlim(Window);
        var pending = new List<Task>();
        foreach (var item in items)
        {
            await window.WaitAsync();
            pending.Add(PublishAsync(item));
        }
        await Task.WhenAll(pending);

        async Task PublishAsync(T item)
        {
            try
            {
                await publish(item);
            }
            finally
            {
                window.Release();
            }
        }
    }
}

/// <summary>
/// The messaging baseline: raw RabbitMQ.Client 7, persistent JSON messages published with publisher
/// confirms (up to 256 unconfirmed) to a durable classic queue, one consumer acknowledging each
/// message; the time from the first publish to the last acknowledgement.
/// </summary>
internal static class RawRabbit
{
    public static async Task<Run> RunAsync(Uri virtualHost, int messages, string json, IReadOnlyList<int> cpuRoots)
    {
        var factory = new ConnectionFactory { Uri = virtualHost };
        await using var connection = await factory.CreateConnectionAsync("bench-raw");
        await using var setup = await connection.CreateChannelAsync();
        var queue = $"bench-raw-{Guid.NewGuid():N}";
        await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);

        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consuming = await connection.CreateChannelAsync();
        await consuming.BasicQosAsync(0, 256, false);
        var consumer = new AsyncEventingBasicConsumer(consuming);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consuming.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref received) == messages) all.TrySetResult();
        };
        await consuming.BasicConsumeAsync(queue, autoAck: false, consumer);

        var body = Encoding.UTF8.GetBytes(json);
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var clock = Stopwatch.StartNew();
        await using (var publishing = await connection.CreateChannelAsync(new CreateChannelOptions(
                         publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
            await Confirmed.PublishAllAsync(publishing, "", queue, properties, Enumerable.Repeat(body, messages));
        }
        await all.Task.WaitAsync(TimeSpan.FromSeconds(120));
        var elapsed = clock.Elapsed;
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        await setup.QueueDeleteAsync(queue);
        return new Run(messages / elapsed.TotalSeconds, double.NaN, double.NaN, cpu / messages, messages, 0);
    }
}

/// <summary>
/// A reference for partner ingestion and the pipeline: raw RabbitMQ.Client and raw Npgsql doing the
/// durable part of their work and nothing else. The raw baseline's messages (persistent, published
/// with confirms, each with its own message id) are consumed the way the partner intake and the
/// inbox consume: prefetch 256, whatever has arrived written in ONE transaction on one held
/// connection (a row per message keyed by its message id, a repeat dropped), a durable commit, then
/// one multiple-ack. No validation, no event store, no mapping, no envelope: what storing alone
/// costs on this machine, to set beside the raw baseline that stores nothing.
/// </summary>
internal static class RawStored
{
    private const string Table = "raw_stored";

    public static async Task<Run> RunAsync(Uri virtualHost, string connectionString, int messages, string json, IReadOnlyList<int> cpuRoots)
    {
        await using var database = new NpgsqlConnection(connectionString);
        await database.OpenAsync();
        await using (var create = new NpgsqlCommand($"create table if not exists {Table} (id uuid primary key, body jsonb not null); truncate {Table}", database))
            await create.ExecuteNonQueryAsync();

        var factory = new ConnectionFactory { Uri = virtualHost };
        await using var connection = await factory.CreateConnectionAsync("bench-raw-stored");
        await using var setup = await connection.CreateChannelAsync();
        var queue = $"bench-raw-stored-{Guid.NewGuid():N}";
        await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);

        var arrived = Channel.CreateUnbounded<(ulong Tag, Guid Id, string Body)>(new UnboundedChannelOptions { SingleReader = true });
        await using var consuming = await connection.CreateChannelAsync();
        await consuming.BasicQosAsync(0, 256, false);
        var consumer = new AsyncEventingBasicConsumer(consuming);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body's memory is the client's again once this returns: decode it now.
            arrived.Writer.TryWrite((delivery.DeliveryTag, Guid.Parse(delivery.BasicProperties.MessageId!), Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        };
        await consuming.BasicConsumeAsync(queue, autoAck: false, consumer);

        var body = Encoding.UTF8.GetBytes(json);
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var clock = Stopwatch.StartNew();
        var storing = StoreAsync(database, consuming, arrived.Reader, messages);
        await using (var publishing = await connection.CreateChannelAsync(new CreateChannelOptions(
                         publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await Confirmed.InWindowAsync(Enumerable.Range(0, messages), _ => publishing.BasicPublishAsync("", queue, mandatory: true,
                new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString() },
                body).AsTask());
        }
        await storing.WaitAsync(TimeSpan.FromSeconds(120));
        var elapsed = clock.Elapsed;
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        await setup.QueueDeleteAsync(queue);
        await using (var stored = new NpgsqlCommand($"select count(*) from {Table}", database))
            if ((long)(await stored.ExecuteScalarAsync())! != messages)
                throw new InvalidOperationException("The raw reference did not store each message it acknowledged exactly once.");
        return new Run(messages / elapsed.TotalSeconds, double.NaN, double.NaN, cpu / messages, messages, 0);
    }

    private static async Task StoreAsync(NpgsqlConnection database, IChannel channel, ChannelReader<(ulong Tag, Guid Id, string Body)> arrived, int messages)
    {
        var ids = new List<Guid>(256);
        var bodies = new List<string>(256);
        for (var stored = 0; stored < messages && await arrived.WaitToReadAsync();)
        {
            ids.Clear();
            bodies.Clear();
            ulong last = 0;
            while (ids.Count < 256 && arrived.TryRead(out var message))
            {
                ids.Add(message.Id);
                bodies.Add(message.Body);
                last = message.Tag;
            }
            await using (var transaction = await database.BeginTransactionAsync())
            {
                await using var insert = new NpgsqlCommand(
                    $"insert into {Table} (id, body) select id, body::jsonb from unnest(@ids, @bodies) as m(id, body) on conflict (id) do nothing",
                    database, transaction);
                insert.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
                insert.Parameters.Add(new NpgsqlParameter<string[]>("bodies", [.. bodies]));
                await insert.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }
            await channel.BasicAckAsync(last, multiple: true);
            stored += ids.Count;
        }
    }
}

/// <summary>
/// A reference between the raw baseline and the pipeline: MassTransit alone, no database. The same
/// JSON payload as a message published through MassTransit (publisher confirms, at most
/// <see cref="Confirmed.Window"/> unconfirmed, as the raw baseline) to a durable queue of a receive
/// endpoint (prefetch 256) whose handler only counts, in the benchmark process; from the first
/// publish to the last message handled. It is the ceiling of anything built on MassTransit here:
/// the services add a database transaction, the inbox and the event store to it.
/// </summary>
internal sealed class MassTransitAlone : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private int _handled;
    private int _target = int.MaxValue;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MassTransitAlone(Uri virtualHost)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(virtualHost);
            rabbit.ConfigureJsonSerializerOptions(json =>
            {
                json.WriteIndented = false; // as the services (ServiceDefaults' AddMessaging)
                return json;
            });
            rabbit.ReceiveEndpoint($"bench-masstransit-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.PrefetchCount = 256;
                endpoint.AutoDelete = true;
                endpoint.Handler<BenchPayload>(_ =>
                {
                    if (Interlocked.Increment(ref _handled) == _target) _all.TrySetResult();
                    return Task.CompletedTask;
                });
            });
        });
    }

    public static async Task<MassTransitAlone> StartAsync(Uri virtualHost)
    {
        var alone = new MassTransitAlone(virtualHost);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await alone._bus.StartAsync(timeout.Token);
        return alone;
    }

    public async Task<Run> RunAsync(int messages, IReadOnlyList<int> cpuRoots)
    {
        _handled = 0;
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _target = messages;
        var payload = new BenchPayload(Guid.NewGuid(), Baselines.Details("Bench project 0"));
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var clock = Stopwatch.StartNew();
        await Confirmed.InWindowAsync(Enumerable.Repeat(payload, messages), message => _bus.Publish(message));
        await _all.Task.WaitAsync(TimeSpan.FromSeconds(120));
        var elapsed = clock.Elapsed;
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        return new Run(messages / elapsed.TotalSeconds, double.NaN, double.NaN, cpu / messages, messages, 0);
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}

/// <summary>The payload of <see cref="MassTransitAlone"/>: what a project registration carries.</summary>
public sealed record BenchPayload(Guid ProjectId, ProjectDetails Details);

/// <summary>
/// Partner ingestion: a registered partner with its own RabbitMQ user publishes a burst of
/// project-reported events (persistent, confirmed, user_id set) to the partner exchange; measured
/// from the first publish until the Projects service has validated and stored every one.
/// </summary>
internal sealed class PartnerBurst(Uri amqp, string user, Guid partnerId)
{
    private int _batch;

    public static async Task<PartnerBurst> PrepareAsync(Platform platform, Uri projects, string token)
    {
        var user = $"bench-partner-{Guid.NewGuid():N}"[..24];
        var rabbit = await RabbitMqServer.StartAsync();
        var amqp = await rabbit.CreateUserAsync(platform.VirtualHost!, user, Guid.NewGuid().ToString("N"), configure: "^$", write: "^partner-events$", read: "^$");
        using var http = new HttpClient { BaseAddress = projects };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.PostAsJsonAsync("/partners", new { name = "Benchmark partner " + user, amqpUser = user });
        response.EnsureSuccessStatusCode();
        var partner = await response.Content.ReadFromJsonAsync<PartnerRef>();
        return new PartnerBurst(amqp, user, partner!.Id);
    }

    public async Task<Run> RunAsync(int events, string projectsDatabase, IReadOnlyList<int> cpuRoots)
    {
        var batch = Interlocked.Increment(ref _batch);
        var counted = Db.EventsAfter(await Db.ScalarAsync(projectsDatabase, Db.LastSequence), "project_reported_by_partner");
        var factory = new ConnectionFactory { Uri = amqp };
        await using var connection = await factory.CreateConnectionAsync("bench-partner");
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var bodies = Enumerable.Range(0, events).Select(i => Encoding.UTF8.GetBytes(
            $$$"""{"eventId":"bench-{{{batch}}}-{{{i}}}","type":"project-reported","occurredAt":"{{{now}}}","projectRef":"BENCH-{{{partnerId:N}}}-{{{batch}}}-{{{i}}}","project":{"title":"Reported project {{{batch}}}-{{{i}}}","funder":"Bench Fund","implementers":["e-Governance Academy"],"beneficiaryCountries":["MD"],"themes":["policy-and-strategy"],"pillars":["national-strategic-framework"],"budgetEur":1200000,"startDate":"2027-01-01","endDate":"2028-12-31","status":"ongoing"}}""")).ToList();

        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var clock = Stopwatch.StartNew();
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
                         publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, UserId = user };
            await Confirmed.PublishAllAsync(channel, "partner-events", "project.reported", properties, bodies);
        }
        var elapsed = await Db.WaitForCountAsync(projectsDatabase, counted, events, clock, TimeSpan.FromSeconds(300));
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        return new Run(events / elapsed.TotalSeconds, double.NaN, double.NaN, cpu / events, events, 0);
    }

    private sealed record PartnerRef(Guid Id);
}

/// <summary>
/// The event pipeline: a burst of ProjectRegistered events is appended to the Projects store (500
/// streams per transaction, so appending is not what is measured); the Projects relay publishes them
/// through RabbitMQ and Coordination's idempotent recorder commits each effect with its inbox entry.
/// Measured from the first append until Coordination's inbox holds every message.
/// </summary>
internal sealed class RelayPipeline(string projectsDatabase, string coordinationDatabase)
{
    public async Task<Run> RunAsync(int events, IReadOnlyList<int> cpuRoots)
    {
        // Coordination records each message it consumes as an event heard from Projects ("projects.…"),
        // in the transaction that writes its inbox entry: counting those counts the inbox's new entries.
        var recorded = Db.EventsAfter(await Db.ScalarAsync(coordinationDatabase, Db.LastSequence), "projects.%");
        var store = Baselines.MartenStore(projectsDatabase);
        var cpuBefore = Cpu.TreeMs(cpuRoots);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < events; start += 500)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "benchmark";
            for (var i = start; i < Math.Min(events, start + 500); i++)
                session.Events.StartStream<Project>(Guid.NewGuid(), new ProjectRegistered(Baselines.Details($"Piped project {i}")));
            await session.SaveChangesAsync();
        }
        var elapsed = await Db.WaitForCountAsync(coordinationDatabase, recorded, events, clock, TimeSpan.FromSeconds(180));
        var cpu = Cpu.TreeMs(cpuRoots) - cpuBefore;
        await ((IAsyncDisposable)store).DisposeAsync();
        return new Run(events / elapsed.TotalSeconds, double.NaN, double.NaN, cpu / events, events, 0);
    }
}

/// <summary>
/// Propagation delay per command, from PostgreSQL's own clock on both sides (one server, so one
/// clock): the commit of the command's event in the Projects store, to the commit of Coordination's
/// recording of it (its event store) and of its activity document (the read model the overview and
/// search use). Commit times come from <c>pg_xact_commit_timestamp(xmin)</c>, which the benchmark's
/// server keeps (<c>track_commit_timestamp</c>, deploy/local/postgres.sh with EUCYBERNET_PG_STATS=1).
/// On a server without it, the rows' own times are used instead: the events' timestamps and the
/// document's last-modified time, taken before the commit, so both ends shift by up to a commit.
/// </summary>
internal static class Propagation
{
    public static async Task<(Run Recorded, Run ReadModel)> MeasureAsync(string projects, string coordination, Guid[] ids, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await Db.WaitForCountAsync(coordination, $"select count(*) from mt_doc_coordination_activity where id = any('{{{string.Join(',', ids)}}}'::uuid[])",
            ids.Length, clock, timeout);
        var committed = await CommitTimesKeptAsync(coordination);
        var eventTime = committed ? "pg_xact_commit_timestamp(xmin)" : "timestamp";
        var documentTime = committed ? "pg_xact_commit_timestamp(xmin)" : "mt_last_modified";
        var accepted = await TimesAsync(projects, $"select stream_id, min({eventTime}) from mt_events where stream_id = any(@ids) group by stream_id", ids);
        var recorded = await TimesAsync(coordination, $"select stream_id, min({eventTime}) from mt_events where stream_id = any(@ids) group by stream_id", ids);
        var visible = await TimesAsync(coordination, $"select id, {documentTime} from mt_doc_coordination_activity where id = any(@ids)", ids);
        return (Delays(accepted, recorded), Delays(accepted, visible));
    }

    private static async Task<bool> CommitTimesKeptAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("show track_commit_timestamp", connection);
        return (string?)await command.ExecuteScalarAsync() == "on";
    }

    private static Run Delays(Dictionary<Guid, DateTimeOffset> from, Dictionary<Guid, DateTimeOffset> to)
    {
        var latencies = new Latencies();
        foreach (var (id, start) in from)
            if (to.TryGetValue(id, out var end)) latencies.Add((end - start).TotalMilliseconds);
        return new Run(0, latencies.Percentile(50), latencies.Percentile(99), double.NaN, latencies.Count, from.Count - latencies.Count);
    }

    private static async Task<Dictionary<Guid, DateTimeOffset>> TimesAsync(string connectionString, string sql, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", ids);
        var times = new Dictionary<Guid, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) times[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return times;
    }
}
