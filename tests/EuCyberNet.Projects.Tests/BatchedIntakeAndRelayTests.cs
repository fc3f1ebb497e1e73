using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.PartnerIntake;
using EuCyberNet.Projects.Partners;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;
using V1 = EuCyberNet.Contracts.Projects.V1;

namespace EuCyberNet.Projects.Tests;

[CollectionDefinition(Name)]
public sealed class BatchingHostGroup : ICollectionFixture<BatchingHost>
{
    public const string Name = "Projects service, batched intake and relay";
}

/// <summary>
/// A Projects service of its own: a short delivery limit and retry delay (so a poisoned partner
/// message reaches the dead-letter queue quickly), and a PostgreSQL trigger that refuses any event
/// whose JSON holds <see cref="Poison"/> — a real database failure that only one message causes.
/// </summary>
public sealed class BatchingHost : IAsyncLifetime
{
    public const string Poison = "POISONED-BY-TEST";

    public ProjectsHost Projects { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Projects = await ProjectsHost.StartAsync(new Dictionary<string, string?>
        {
            ["PartnerEvents:DeliveryLimit"] = "2",
            ["PartnerEvents:RetryDelay"] = "00:00:00.200",
        });
        await Projects.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var connection = new NpgsqlConnection(Projects.Settings["ConnectionStrings:projectsdb"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($$"""
            create or replace function test_refuse_poison() returns trigger language plpgsql as $$
            begin
              if new.data::text like '%{{Poison}}%' then raise exception 'poisoned event %', new.id; end if;
              return new;
            end $$;
            create trigger test_refuse_poison before insert on mt_events for each row execute function test_refuse_poison();
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await Projects.DisposeAsync();
}

/// <summary>Partner events taken in batches: the same outcomes as one by one, and a failing message fails alone.</summary>
[Collection(BatchingHostGroup.Name)]
public sealed class BatchedPartnerIntakeTests(BatchingHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    private PartnerEventIntake Intake => _host.Host.Services.GetRequiredService<PartnerEventIntake>();

    private async Task<Guid> PartnerAsync(string? amqpUser = null) =>
        (await _host.Coordinator().PostAsync("/partners", new { name = PartnerIntakeTests.Unique("Implementer"), amqpUser }).OkAsync<PartnerView>()).Id;

    private static IntakeEnvelope Envelope(Guid partnerId, string json, string? routingKey = null) =>
        new(IntakeChannel.Amqp, Bytes.Utf8(json), partnerId, "bench-user", null, routingKey, null);

    /// <summary>One partner's mixed sequence: valid, invalid, duplicates, an id reused for other content, and events of one project that depend on each other.</summary>
    private static List<(string Json, string? RoutingKey)> Sequence(string tag, string a, string b)
    {
        var report = PartnerIntakeTests.Report($"{tag}-1", a, occurredAt: "2026-01-05T10:00:00Z");
        var update = PartnerIntakeTests.Update($"{tag}-2", a);
        var activity = PartnerIntakeTests.Activity($"{tag}-3", a);
        return
        [
            (report, "project.reported"),
            (update, "project.updated"),                                                  // sees the report in the same batch
            (activity, "project.activity-reported"),
            (report.Replace("\n", "\r\n  ", StringComparison.Ordinal), "project.reported"), // the same event again (other whitespace)
            (PartnerIntakeTests.Update($"{tag}-2", a, title: "Another title"), "project.updated"), // its id reused for other content
            ("{ not json", "project.updated"),
            (PartnerIntakeTests.Update($"{tag}-7", b), "project.updated"),                // b is not reported yet
            (PartnerIntakeTests.Report($"{tag}-8", b), "project.reported"),
            (PartnerIntakeTests.Update($"{tag}-9", b), "project.updated"),                // sees b's report
            (PartnerIntakeTests.Update($"{tag}-10", b), "project.closed"),                // wrong routing key: refused, changes nothing
            (PartnerIntakeTests.Closed($"{tag}-11", a), "project.closed"),
            (PartnerIntakeTests.Update($"{tag}-12", a, title: "After closing"), "project.updated"), // a is closed by now
            (PartnerIntakeTests.Report($"{tag}-13", a), "project.reported"),             // a already reported
            (activity, "project.activity-reported"),                                     // a duplicate after the closure: still a duplicate
        ];
    }

    private static string Describe(IntakeOutcome outcome, string tag, IEnumerable<(Guid Id, string Name)> projects)
    {
        var text = outcome.Result switch
        {
            IntakeAccepted a => $"{(a.Duplicate ? "duplicate" : "accepted")} {a.EventId} {a.ProjectId}",
            IntakeRejected r => $"rejected {r.EventId} {r.EventType}: " + string.Join(" | ", r.Reasons.Select(x => $"{x.Field}: {x.Message}")),
            _ => $"failed: {outcome.Failure?.Message}",
        };
        foreach (var (id, name) in projects) text = text.Replace(id.ToString(), name, StringComparison.Ordinal);
        text = text.Replace(tag, "TAG", StringComparison.Ordinal);
        return Regex.Replace(text, @"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)", "<time>");
    }

    [Fact]
    public async Task A_mixed_batch_has_the_outcomes_and_effects_of_one_by_one_processing()
    {
        var (batched, single) = (await PartnerAsync(), await PartnerAsync());
        var (a, b) = (PartnerIntakeTests.Unique("A"), PartnerIntakeTests.Unique("B"));
        var (batchTag, singleTag) = (PartnerIntakeTests.Unique("bt"), PartnerIntakeTests.Unique("st"));

        var inBatch = await Intake.ProcessBatchAsync(
            [.. Sequence(batchTag, a, b).Select(m => Envelope(batched, m.Json, m.RoutingKey))], recordRejections: true, replayedBy: null, default);
        var oneByOne = new List<IntakeOutcome>();
        foreach (var (json, key) in Sequence(singleTag, a, b))
            oneByOne.AddRange(await Intake.ProcessBatchAsync([Envelope(single, json, key)], recordRejections: true, replayedBy: null, default));

        (Guid, string)[] Names(Guid partner) => [(PartnerProjectDecisions.ProjectIdFor(partner, a), "A"), (PartnerProjectDecisions.ProjectIdFor(partner, b), "B")];
        var expected = oneByOne.Select(o => Describe(o, singleTag, Names(single))).ToList();
        Assert.Equal(expected, inBatch.Select(o => Describe(o, batchTag, Names(batched))));
        Assert.Equal(
            ["accepted", "accepted", "accepted", "duplicate", "rejected", "rejected", "rejected", "accepted", "accepted", "rejected", "accepted", "rejected", "rejected", "duplicate"],
            expected.Select(e => e.Split(' ')[0]));
        Assert.Contains("already used for a different message", expected[4], StringComparison.Ordinal);
        Assert.Contains("closed", expected[11], StringComparison.Ordinal);

        foreach (var reference in new[] { a, b })
        {
            var (mine, theirs) = (PartnerProjectDecisions.ProjectIdFor(batched, reference), PartnerProjectDecisions.ProjectIdFor(single, reference));
            Assert.Equal(await _host.EventsOfAsync(theirs), await _host.EventsOfAsync(mine));
            await using var session = _host.Store.QuerySession();
            var (x, y) = (await session.LoadAsync<Project>(mine), await session.LoadAsync<Project>(theirs));
            Assert.Equal((y!.Details.Title, y.Details.Status, y.Activities.Count, y.Version), (x!.Details.Title, x.Details.Status, x.Activities.Count, x.Version));
        }
        Assert.Equal(4, await _host.EventsOfAsync(PartnerProjectDecisions.ProjectIdFor(batched, a))); // reported, updated, activity, closed
        Assert.Equal(2, await _host.EventsOfAsync(PartnerProjectDecisions.ProjectIdFor(batched, b)));

        // Every event carries its own message's audit metadata, though the batch shared one transaction.
        Assert.Equal(6, await _host.CountAsync(
            "select count(*) from mt_events where stream_id = any(@ids) and user_name = @user and causation_id like @tag",
            ("ids", new[] { PartnerProjectDecisions.ProjectIdFor(batched, a), PartnerProjectDecisions.ProjectIdFor(batched, b) }),
            ("user", $"partner:{batched}"), ("tag", $"{batchTag}-%")));
        // Refusals are kept as they are one by one, with their ids returned.
        Assert.All(inBatch.Where(o => o.Result is IntakeRejected), o => Assert.NotNull(o.RejectionId));
        Assert.Equal(
            await _host.CountAsync("select count(*) from mt_doc_rejectedpartnerevent where data ->> 'partnerId' = @p", ("p", single.ToString())),
            await _host.CountAsync("select count(*) from mt_doc_rejectedpartnerevent where data ->> 'partnerId' = @p", ("p", batched.ToString())));
    }

    [Fact]
    public async Task A_message_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_committed()
    {
        var partner = await PartnerAsync();
        var refs = Enumerable.Range(0, 3).Select(_ => PartnerIntakeTests.Unique("F")).ToArray();
        var poisonId = PartnerIntakeTests.Unique("poison");
        var outcomes = await Intake.ProcessBatchAsync(
        [
            Envelope(partner, PartnerIntakeTests.Report(PartnerIntakeTests.Unique("e"), refs[0])),
            Envelope(partner, PartnerIntakeTests.Report(poisonId, refs[1], title: BatchingHost.Poison)),
            Envelope(partner, PartnerIntakeTests.Report(PartnerIntakeTests.Unique("e"), refs[2])),
            Envelope(partner, "{ not json"),
        ], recordRejections: true, replayedBy: null, default);

        Assert.IsType<IntakeAccepted>(outcomes[0].Result);
        Assert.Null(outcomes[1].Result);
        Assert.Contains("poisoned event", outcomes[1].Failure!.ToString(), StringComparison.Ordinal);
        Assert.IsType<IntakeAccepted>(outcomes[2].Result);
        Assert.NotNull(outcomes[3].RejectionId);
        var counts = new List<long>();
        foreach (var reference in refs) counts.Add(await _host.EventsOfAsync(PartnerProjectDecisions.ProjectIdFor(partner, reference)));
        Assert.Equal([1L, 0L, 1L], counts);
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_doc_partnereventreceipt where data ->> 'eventId' = @id", ("id", poisonId)));
    }

    [Fact]
    public async Task Over_amqp_a_poisoned_message_is_retried_then_dead_lettered_while_the_others_are_applied()
    {
        var user = PartnerIntakeTests.Unique("partner");
        var amqp = await _host.Platform.RabbitMq.CreateUserAsync(_host.Platform.VirtualHost, user, Guid.NewGuid().ToString("N"),
            configure: "^$", write: "^partner-events$", read: "^$");
        var partner = await PartnerAsync(user);
        var refs = Enumerable.Range(0, 6).Select(_ => PartnerIntakeTests.Unique("Q")).ToArray();
        var poisonId = PartnerIntakeTests.Unique("poison");

        var factory = new ConnectionFactory { Uri = amqp };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            // Published back to back on one channel, so they tend to arrive together and share a batch.
            for (var i = 0; i < refs.Length; i++)
            {
                var json = i == 3 ? PartnerIntakeTests.Report(poisonId, refs[i], title: BatchingHost.Poison) : PartnerIntakeTests.Report(PartnerIntakeTests.Unique("e"), refs[i]);
                var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, UserId = user };
                await channel.BasicPublishAsync("partner-events", "project.reported", mandatory: true, properties, Bytes.Utf8(json));
            }
        }

        foreach (var i in new[] { 0, 1, 2, 4, 5 })
            await Eventually.ReturnsAsync(() => _host.EventsOfAsync(PartnerProjectDecisions.ProjectIdFor(partner, refs[i])), n => n == 1,
                TimeSpan.FromSeconds(60), $"project {refs[i]}");

        var settings = new PartnerAmqpOptions();
        var admin = new ConnectionFactory { Uri = _host.Platform.VirtualHost };
        await using var adminConnection = await admin.CreateConnectionAsync();
        await using var adminChannel = await adminConnection.CreateChannelAsync();
        var deadLettered = await Eventually.ReturnsAsync(async () => await adminChannel.BasicGetAsync(settings.DeadLetterQueue, autoAck: true),
            got => got is not null, TimeSpan.FromSeconds(60), "the poisoned message in the dead-letter queue");
        Assert.Contains(poisonId, Encoding.UTF8.GetString(deadLettered!.Body.Span), StringComparison.Ordinal);
        Assert.Equal(0, await _host.EventsOfAsync(PartnerProjectDecisions.ProjectIdFor(partner, refs[3])));
        Assert.Equal(0, await _host.CountAsync("select count(*) from mt_doc_rejectedpartnerevent where data ->> 'eventId' = @id", ("id", poisonId)));
        await Eventually.ReturnsAsync(async () => (await adminChannel.QueueDeclarePassiveAsync(settings.Queue)).MessageCount, n => n == 0,
            TimeSpan.FromSeconds(30), "the partner queue drained");
    }
}

/// <summary>The relay folds each stream of a page once: the messages are the same however the events are cut into pages.</summary>
[Collection(BatchingHostGroup.Name)]
public sealed class RelayFoldTests(BatchingHost shared)
{
    private readonly ProjectsHost _host = shared.Projects;

    private static ProjectDetails Details(string title) => new(title, "EU", ["e-Governance Academy"], ["MD"], [CcbTheme.PolicyAndStrategy], [],
        1_000_000m, new DateOnly(2027, 1, 1), new DateOnly(2028, 6, 30), ProjectStatus.Ongoing);

    private static EventRange Page(IReadOnlyList<IEvent> events) =>
        new(new ShardName(IntegrationEventRelay.SubscriptionName), events[0].Sequence - 1, events[^1].Sequence, null!) { Events = [.. events] };

    [Fact]
    public async Task A_stream_maps_to_the_same_messages_whether_a_page_holds_one_or_many_of_its_events_or_starts_mid_stream()
    {
        await using var heard = await PublishedEvents.ListenAsync(_host.Platform.VirtualHost, typeof(V1.ProjectRegistered), typeof(V1.ProjectUpdated));
        var id = Guid.NewGuid();
        await using (var session = _host.Store.LightweightSession())
        {
            // One transaction: the real relay sees the whole stream in one page.
            session.Events.StartStream<Project>(id, new ProjectRegistered(Details("v1")),
                new ProjectDetailsChanged(Details("v2"), ["title"]), new ProjectDetailsChanged(Details("v3"), ["title"]),
                new ProjectDetailsChanged(Details("v4"), ["title"]), new ProjectDetailsChanged(Details("v5"), ["title"]));
            await session.SaveChangesAsync();
        }
        bool Ours(JsonElement m) => m.GetProperty("projectId").GetGuid() == id;
        await heard.WaitForAsync("ProjectUpdated", 4, Ours);

        IReadOnlyList<IEvent> events;
        await using (var query = _host.Store.QuerySession()) events = await query.Events.FetchStreamAsync(id);
        Assert.Equal(5, events.Count);

        // The same events relayed again as other pages: one event each, and from the third on (a restart after a checkpoint mid-stream).
        var relay = ActivatorUtilities.CreateInstance<IntegrationEventRelay>(_host.Host.Services);
        foreach (var page in events.Select(e => (IReadOnlyList<IEvent>)[e]).Append([.. events.Skip(2)]))
        {
            await using var session = _host.Store.LightweightSession();
            await relay.ProcessEventsAsync(Page(page), null!, session, default);
        }

        var registered = await Eventually.ReturnsAsync(() => Task.FromResult(heard.WithIds("ProjectRegistered", Ours)), r => r.Count >= 2, TimeSpan.FromSeconds(60), "registered twice");
        var updated = await Eventually.ReturnsAsync(() => Task.FromResult(heard.WithIds("ProjectUpdated", Ours)), u => u.Count >= 4 + 4 + 3, TimeSpan.FromSeconds(60), "updates again");
        var byId = registered.Concat(updated).GroupBy(m => m.MessageId).ToList();
        Assert.Equal(events.Select(e => IntegrationEventRelay.MessageIdFor(e.Id, 0).ToString()).Order(), byId.Select(g => g.Key).Order());
        Assert.All(byId, g => Assert.Single(g.Select(m => m.Message.GetRawText()).Distinct()));
        Assert.Equal(["v1", "v2", "v3", "v4", "v5"], byId.Select(g => g.First().Message)
            .OrderBy(m => m.GetProperty("version").GetInt64()).Select(m => m.GetProperty("project").GetProperty("title").GetString()));
    }

    [Fact]
    public async Task The_in_memory_fold_equals_AggregateStreamAsync_and_reads_only_prefixes_before_the_page()
    {
        var id = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var session = _host.Store.LightweightSession())
        {
            session.Events.StartStream<Project>(id, new ProjectRegistered(Details("v1")), new ProjectDetailsChanged(Details("v2"), ["title"]),
                new ProjectDetailsChanged(Details("v3"), ["title"]), new ProjectDetailsChanged(Details("v4"), ["title"]));
            session.Events.StartStream<Project>(other, new ProjectRegistered(Details("other")));
            await session.SaveChangesAsync();
        }
        await using var query = _host.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(id);
        var otherEvents = await query.Events.FetchStreamAsync(other);

        var whole = new PageStreamStates(query, [.. events, .. otherEvents]);
        var tail = new PageStreamStates(query, [.. events.Skip(2), .. otherEvents]);
        foreach (var e in events)
        {
            var expected = JsonSerializer.Serialize(await query.Events.AggregateStreamAsync<Project>(id, version: e.Version), Api.Json);
            Assert.Equal(expected, JsonSerializer.Serialize(await whole.AfterAsync<Project>(e, default), Api.Json));
            if (e.Version >= 3) Assert.Equal(expected, JsonSerializer.Serialize(await tail.AfterAsync<Project>(e, default), Api.Json));
            var before = e.Version == 1 ? null : await query.Events.AggregateStreamAsync<Project>(id, version: e.Version - 1);
            Assert.Equal(JsonSerializer.Serialize(before, Api.Json), JsonSerializer.Serialize(await whole.BeforeAsync<Project>(e, default), Api.Json));
        }
        Assert.Equal("other", (await tail.AfterAsync<Project>(otherEvents[0], default)).Details.Title);
        Assert.Equal((0, 1), (whole.Reads, tail.Reads)); // a page that holds its streams from their start reads nothing
    }
}
