using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EuCyberNet.Platform.Tests.BatchConsumption;

public sealed record Ping(Guid Id, int Number, bool Poison = false);

public sealed record PingRecorded(int Number);

/// <summary>The "bug" that makes poison pings fail, per test host; a test can fix it.</summary>
public sealed class PingLog
{
    public bool RefusePoison { get; set; } = true;
}

public sealed class RecordPings(GroupCommitInbox inbox, PingLog log) : GroupCommitConsumer<Ping>(inbox)
{
    protected override void Stage(ConsumeContext<Ping> context, IDocumentSession session)
    {
        if (context.Message.Poison && log.RefusePoison) throw new InvalidOperationException($"ping {context.Message.Number} is poison");
        session.Events.Append(context.Message.Id, new PingRecorded(context.Message.Number));
    }
}

/// <summary>
/// The group-commit form of the inbox, in a real host on real servers: many messages per transaction,
/// still exactly one effect each, per-message audit metadata, and a poison message that neither
/// loses its group-mates' effects nor blocks the queue.
/// </summary>
public sealed class GroupCommitConsumerTests : IAsyncLifetime
{
    private TestPlatform _platform = null!;
    private IHost _host = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _platform = await TestPlatform.CreateAsync();
        var settings = await _platform.SettingsForAsync("pingsdb");
        _database = settings["ConnectionStrings:pingsdb"]!;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<PingLog>();
        builder.AddEventStore("pingsdb", options => options.Events.AddEventType<PingRecorded>());
        builder.Services.AddGroupCommitInbox();
        builder.AddMessaging("pings", bus => bus.AddConsumer<RecordPings>());
        _host = builder.Build();
        await _host.StartAsync();
        await Eventually.ReturnsAsync(() => Task.FromResult(_host.Services.GetRequiredService<IBusControl>().CheckHealth().Status),
            s => s == BusHealthStatus.Healthy, TimeSpan.FromSeconds(60), "bus ready");
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task Hundreds_of_messages_with_duplicates_have_exactly_one_effect_each_in_few_transactions()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var pings = Enumerable.Range(1, 400).Select(n => (Message: new Ping(Guid.NewGuid(), n), Id: Guid.NewGuid())).ToList();

        await Task.WhenAll(pings.Select(p => bus.Publish(p.Message, c => c.MessageId = p.Id)));
        await Task.WhenAll(pings.Take(40).Select(p => bus.Publish(p.Message, c => c.MessageId = p.Id)));

        await Eventually.ReturnsAsync(() => CountAsync("mt_events where type = 'ping_recorded'"), n => n >= 400, TimeSpan.FromSeconds(60), "pings recorded");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(400, await CountAsync("mt_events where type = 'ping_recorded'"));
        Assert.Equal(400, await CountAsync("(select distinct data->>'number' from mt_events where type = 'ping_recorded') d"));
        Assert.Equal(400, await CountAsync("mt_doc_inboxentry"));
        // Rows written by one transaction share its xmin: far fewer transactions than messages.
        Assert.True(await CountAsync("(select distinct xmin::text from mt_events where type = 'ping_recorded') t") < 200, "messages were committed in groups");
    }

    [Fact]
    public async Task Each_event_carries_the_correlation_and_causation_of_its_own_message()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var sent = Enumerable.Range(1, 30).Select(n => (Message: new Ping(Guid.NewGuid(), n), Id: Guid.NewGuid(), Story: $"story-{n}")).ToList();

        await Task.WhenAll(sent.Select(p => bus.Publish(p.Message, c =>
        {
            c.MessageId = p.Id;
            c.Headers.Set(PlatformHeaders.CorrelationId, p.Story);
        })));

        await Eventually.ReturnsAsync(() => CountAsync("mt_events where type = 'ping_recorded'"), n => n >= 30, TimeSpan.FromSeconds(60), "pings recorded");
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select stream_id, correlation_id, causation_id from mt_events where type = 'ping_recorded'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var byStream = sent.ToDictionary(p => p.Message.Id);
        while (await reader.ReadAsync())
        {
            var expected = byStream[reader.GetGuid(0)];
            Assert.Equal(expected.Story, reader.GetString(1));
            Assert.Equal(expected.Id.ToString(), reader.GetString(2));
        }
    }

    [Fact]
    public async Task A_poison_message_keeps_its_group_mates_effects_does_not_block_the_queue_and_replays_after_a_fix()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var first = Enumerable.Range(1, 100).Select(n => new Ping(Guid.NewGuid(), n, Poison: n == 50)).ToList();

        await Task.WhenAll(first.Select(p => bus.Publish(p)));
        await Eventually.ReturnsAsync(() => CountAsync("mt_events where type = 'ping_recorded'"), n => n >= 99, TimeSpan.FromSeconds(60), "good pings recorded");
        await Eventually.ReturnsAsync(() => RabbitMqServer.MessageCountAsync(_platform.VirtualHost, "pings-record-pings_error"),
            n => n >= 1, TimeSpan.FromSeconds(60), "the poison in the error queue");

        await Task.WhenAll(Enumerable.Range(101, 20).Select(n => bus.Publish(new Ping(Guid.NewGuid(), n))));
        await Eventually.ReturnsAsync(() => CountAsync("mt_events where type = 'ping_recorded'"), n => n >= 119, TimeSpan.FromSeconds(60), "later pings recorded");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(119, await CountAsync("mt_events where type = 'ping_recorded'"));
        Assert.Equal(0, await CountAsync("mt_events where type = 'ping_recorded' and (data->>'number')::int = 50"));

        // After the fix, the operator replays the error queue: the poison ping is applied, and its
        // group-mates that went to the error queue with it are inbox hits, not second effects.
        _host.Services.GetRequiredService<PingLog>().RefusePoison = false;
        var errorQueues = _host.Services.GetRequiredService<ErrorQueues>();
        var waiting = (await errorQueues.DepthsAsync(CancellationToken.None))["pings-record-pings_error"];
        Assert.True(waiting >= 1);
        var replayed = await errorQueues.ReplayAsync(CancellationToken.None);
        Assert.Equal(waiting, replayed["pings-record-pings"]);
        await Eventually.ReturnsAsync(() => CountAsync("mt_events where type = 'ping_recorded'"), n => n >= 120, TimeSpan.FromSeconds(60), "replayed ping recorded");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(120, await CountAsync("mt_events where type = 'ping_recorded'"));
        Assert.Equal(0, (await errorQueues.DepthsAsync(CancellationToken.None))["pings-record-pings_error"]);
    }

    private async Task<long> CountAsync(string from)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {from}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
