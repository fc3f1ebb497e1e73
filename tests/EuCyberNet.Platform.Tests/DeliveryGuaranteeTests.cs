using System.Text;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Experts.Pool;
using EuCyberNet.Testing;
using Marten;
using MassTransit;
using MassTransit.RabbitMqTransport;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace EuCyberNet.Platform.Tests;

/// <summary>
/// Runs alone: these tests stop brokers and close connections, and their timing (a redelivery after
/// a forced disconnect) failed under the CPU contention of the other test classes running beside them.
/// </summary>
[CollectionDefinition(nameof(DeliveryGuaranteeTests), DisableParallelization = true)]
public sealed class DeliveryGuaranteeTestsRunAlone;

/// <summary>
/// "Nothing lost, nothing twice": the relay and the inbox under the faults they exist for, with a
/// real PostgreSQL and a real RabbitMQ. Effects are counted where they land: events recorded in
/// Coordination's store and inbox entries, which must equal the applications accepted.
/// </summary>
[Collection(nameof(DeliveryGuaranteeTests))]
public sealed class DeliveryGuaranteeTests
{
    [Fact]
    public async Task Applications_accepted_while_the_broker_is_down_are_all_delivered_once_it_returns()
    {
        await using var broker = await RabbitMqServer.StartOwnedAsync();
        await using var pipeline = await Pipeline.StartAsync(broker);
        var client = pipeline.Experts.CreateClient("coordinator", "maria.schmidt");

        for (var i = 0; i < 10; i++) await pipeline.ApplyAsync(client);
        await pipeline.WaitForCountedApplicationsAsync(10);

        await broker.StopAsync();
        for (var i = 0; i < 15; i++) await pipeline.ApplyAsync(client); // Experts needs only PostgreSQL to accept them
        await Task.Delay(TimeSpan.FromSeconds(3)); // the relay tries, fails and holds its checkpoint
        await broker.RestartAsync();

        Assert.Equal(25, await pipeline.WaitForCountedApplicationsAsync(25, TimeSpan.FromSeconds(120)));
        await Task.Delay(TimeSpan.FromSeconds(2)); // late duplicates, if any, would land now
        Assert.Equal(25, await pipeline.CountedApplicationsAsync());
        Assert.Equal(25 * Pipeline.IntegrationEventsPerApplication, await pipeline.CoordinationEventsAsync());
        Assert.Equal(25 * Pipeline.IntegrationEventsPerApplication, await pipeline.CoordinationInboxEntriesAsync());
        Assert.Equal(await pipeline.ExpertsEventsAsync(), await pipeline.RelayCheckpointAsync());
    }

    [Fact]
    public async Task A_consumer_that_dies_after_its_effect_but_before_its_ack_does_not_apply_the_redelivery()
    {
        var crash = new CrashAfterFirstConsume();
        await using var pipeline = await Pipeline.StartAsync(coordinationServices: services =>
            services.AddSingleton<IConfigureReceiveEndpoint>(crash));
        crash.Broker = pipeline.Platform.RabbitMq;
        crash.VirtualHost = pipeline.Platform.VirtualHost;

        await pipeline.ApplyAsync(pipeline.Experts.CreateClient("coordinator", "maria.schmidt"));

        // The probe's value carries what the "crash" saw, so a timeout says how far it got.
        await Eventually.ReturnsAsync(
            () => Task.FromResult((Redeliveries: crash.DeliveriesOfTheFirstMessage, Closed: crash.ConnectionsClosed, Failure: crash.Failure?.Message)),
            s => s.Redeliveries >= 2, TimeSpan.FromSeconds(60), "redelivery of the first message (deliveries, connections closed, failure)");
        Assert.True(crash.FirstDeliveryCommitted);
        Assert.Equal(1, await pipeline.WaitForCountedApplicationsAsync(1)); // the overview is an asynchronous projection
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await pipeline.CountedApplicationsAsync());
        Assert.Equal(1 * Pipeline.IntegrationEventsPerApplication, await pipeline.CoordinationEventsAsync());
        Assert.Equal(1 * Pipeline.IntegrationEventsPerApplication, await pipeline.CoordinationInboxEntriesAsync());
    }

    [Fact]
    public async Task The_same_message_published_twice_has_one_effect()
    {
        await using var pipeline = await Pipeline.StartAsync();
        var bus = pipeline.Experts.Services.GetRequiredService<IBus>();
        var message = new ExpertApplicationReceived(Guid.NewGuid(), "PT", DateTimeOffset.UtcNow);
        var messageId = Guid.NewGuid();

        await bus.Publish(message, context => context.MessageId = messageId);
        await bus.Publish(message, context => context.MessageId = messageId);
        await bus.Publish(message with { ExpertId = Guid.NewGuid() }, context => context.MessageId = Guid.NewGuid());

        Assert.Equal(2, await pipeline.WaitForCountedApplicationsAsync(2));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await pipeline.CountedApplicationsAsync());
        Assert.Equal(2, await pipeline.CoordinationEventsAsync()); // published directly: one message per application here
        Assert.Equal(2, await pipeline.CoordinationInboxEntriesAsync());
        // The skipped copy is on record, so drills and operators can count duplicates from the database.
        Assert.Equal(1, await pipeline.CoordinationDuplicatesSuppressedAsync());
    }

    [Fact]
    public async Task A_poison_message_lands_in_the_error_queue_and_the_next_message_still_flows()
    {
        await using var pipeline = await Pipeline.StartAsync();
        var factory = new ConnectionFactory { Uri = pipeline.Platform.VirtualHost };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var poison = $$$"""
                {"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:EuCyberNet.Contracts.Experts.V1:ExpertApplicationReceived"],
                 "message":{"expertId":"not-a-guid","citizenship":"SI","occurredAt":"yesterday"}}
                """;
            await channel.BasicPublishAsync("EuCyberNet.Contracts.Experts.V1:ExpertApplicationReceived", "", mandatory: true,
                new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, Encoding.UTF8.GetBytes(poison));
        }

        await pipeline.ApplyAsync(pipeline.Experts.CreateClient("coordinator", "maria.schmidt"));

        Assert.Equal(1, await pipeline.WaitForCountedApplicationsAsync(1));
        await Eventually.ReturnsAsync(
            () => RabbitMqServer.MessageCountAsync(pipeline.Platform.VirtualHost, "coordination-record-integration-events_error"),
            n => n == 1, TimeSpan.FromSeconds(30), "poison message in the error queue");
        Assert.Equal(0u, await RabbitMqServer.MessageCountAsync(pipeline.Platform.VirtualHost, "coordination-record-integration-events"));
    }

    [Fact]
    public async Task A_relay_restarted_mid_stream_resumes_from_its_checkpoint()
    {
        const int total = 600;
        await using var pipeline = await Pipeline.StartAsync(expertsOverrides: new Dictionary<string, string?> { ["Relay:BatchSize"] = "10" });

        await using (var session = pipeline.Experts.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            for (var i = 0; i < total; i++)
                session.Events.StartStream<Expert>(Guid.CreateVersion7(), new ExpertApplied($"Expert {i}", $"e{i}@example.eu", "FI", "Org", "Why"));
            await session.SaveChangesAsync();
        }

        // Restart as soon as the relay has moved: waiting for Coordination's count instead let a busy
        // machine's relay finish all of them first, and the restart was no longer mid-stream.
        await Eventually.ReturnsAsync(pipeline.RelayCheckpointAsync, c => c >= 10, TimeSpan.FromSeconds(60), "the relay under way");
        await pipeline.RestartExpertsAsync();
        var checkpointAtRestart = await pipeline.RelayCheckpointAsync();

        Assert.Equal(total, await pipeline.WaitForCountedApplicationsAsync(total, TimeSpan.FromSeconds(120)));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.InRange(checkpointAtRestart, 1, total - 1); // the restart really happened mid-stream
        Assert.Equal(total, await pipeline.CountedApplicationsAsync());
        Assert.Equal(total * Pipeline.IntegrationEventsPerApplication, await pipeline.CoordinationEventsAsync());
        Assert.Equal(total, await pipeline.RelayCheckpointAsync());
    }

    /// <summary>
    /// After the consumer committed its effect, and before MassTransit can ack, the broker drops the
    /// connection the message came on: to RabbitMQ this is a consumer that died, so it redelivers.
    /// </summary>
    private sealed class CrashAfterFirstConsume : IConfigureReceiveEndpoint, IFilter<ConsumeContext>
    {
        private int _deliveries;
        private int _deliveriesOfFirst;
        private Guid? _first;

        public RabbitMqServer Broker { get; set; } = null!;

        public Uri VirtualHost { get; set; } = null!;

        /// <summary>Deliveries of the message the "crash" followed (an application publishes two messages; only this one is redelivered).</summary>
        public int DeliveriesOfTheFirstMessage => Volatile.Read(ref _deliveriesOfFirst);

        public bool FirstDeliveryCommitted { get; private set; }

        public int ConnectionsClosed { get; private set; }

        public Exception? Failure { get; private set; }

        public void Configure(string name, IReceiveEndpointConfigurator configurator) => configurator.UseFilter(this);

        public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
        {
            var delivery = Interlocked.Increment(ref _deliveries);
            if (delivery == 1) _first = context.MessageId;
            await next.Send(context);
            if (context.MessageId == _first) Interlocked.Increment(ref _deliveriesOfFirst);
            if (delivery != 1) return;
            FirstDeliveryCommitted = true;
            try
            {
                // The connection this message came on: closing the virtual host's other connections
                // (the relay's) would not make RabbitMQ redeliver it.
                if (!context.TryGetPayload<ChannelContext>(out var channel))
                    throw new InvalidOperationException("The consume context carries no RabbitMQ channel.");
                ConnectionsClosed = await Broker.CloseConnectionAsync(VirtualHost, channel.ConnectionContext.Connection.LocalPort);
            }
            catch (Exception e)
            {
                Failure = e;
                throw;
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("crash-after-first-consume");
    }
}
