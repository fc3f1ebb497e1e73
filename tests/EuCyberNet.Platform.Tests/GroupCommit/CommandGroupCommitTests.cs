using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Testing;
using Marten;
using JasperFx.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Platform.Tests.GroupCommit;

public sealed record TallyOpened(string Name);

public sealed record TallyCounted(int Amount);

/// <summary>An event whose serialisation throws: a command that cannot be committed.</summary>
public sealed record Unwritable
{
    public string Value => throw new InvalidOperationException("this event cannot be serialised");
}

public sealed record Tally(Guid Id, long Version, string Name, int Total) : IAggregate
{
    public static Tally Create(TallyOpened e) => new(Guid.Empty, 0, e.Name, 0);

    public static Tally Apply(TallyCounted e, Tally current) => current with { Total = current.Total + e.Amount };

    public static Tally Apply(Unwritable e, Tally current) => current;
}

/// <summary>
/// The command group commit on a real PostgreSQL: commands queued while the writer is busy commit
/// together, and each still gets its own outcome when a group fails. The writer is held on a table
/// lock (its first group waits for it) so that the next group's contents are known, not timed.
/// </summary>
public sealed class CommandGroupCommitTests : IAsyncLifetime
{
    private EventStoreHost _host = null!;

    private IDocumentStore Store => _host.Store;

    private CommandGroupCommit Writer => _host.Services.GetRequiredService<CommandGroupCommit>();

    public async Task InitializeAsync() => _host = await EventStoreHost.StartAsync("tallydb", options =>
    {
        options.Projections.Snapshot<Tally>(SnapshotLifecycle.Inline);
        options.Events.AddEventType<Unwritable>();
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Commands_queued_together_commit_in_one_transaction_each_with_its_own_audit_metadata()
    {
        var tallies = await OpenTalliesAsync(20);

        var outcomes = await WithWriterHeldAsync(() => tallies.Select((id, n) => CountAsync(id, 1, n + 1, user: $"user-{n}")).ToList());

        Assert.All(outcomes, o => Assert.Equal(CommitOutcome.Committed, o));
        Assert.Equal(1, await ScalarAsync("select count(distinct xmin::text) from mt_events where type = 'tally_counted' and stream_id = any(@ids)", [.. tallies]));
        await using var session = Store.LightweightSession();
        for (var n = 0; n < tallies.Count; n++)
        {
            var tally = await session.LoadAsync<Tally>(tallies[n]);
            Assert.Equal((2, n + 1), (tally!.Version, tally.Total));
            var counted = (await session.Events.FetchStreamAsync(tallies[n]))[^1];
            Assert.Equal(($"user-{n}", $"story-{n}"), (counted.UserName, counted.CorrelationId));
        }

        // The caller gets the snapshot the commit wrote, without reading it back.
        var (outcome, state) = await Writer.CommitWithStateAsync(Origin(), typeof(Tally), tallies[0], 2, [new TallyCounted(5)], CancellationToken.None);
        Assert.Equal(CommitOutcome.Committed, outcome);
        var tallied = Assert.IsType<Tally>(state);
        Assert.Equal((tallies[0], 3L, 6), (tallied.Id, tallied.Version, tallied.Total));
    }

    [Fact]
    public async Task A_conflict_and_a_repeated_create_inside_a_group_fail_alone()
    {
        var tallies = await OpenTalliesAsync(6);
        var lastSequence = await ScalarAsync("select last_value from public.mt_events_sequence");

        var outcomes = await WithWriterHeldAsync(() =>
        [
            .. tallies.Skip(1).Select(id => CountAsync(id, 1, 5)),
            CountAsync(tallies[0], expectedVersion: 1, amount: 7),
            CountAsync(tallies[0], expectedVersion: 1, amount: 100), // decided on the same version: a concurrent writer
            StartAsync(tallies[1]),                                   // a create repeated with the same id
            StartAsync(Guid.NewGuid()),
        ]);

        Assert.All(outcomes.Take(5), o => Assert.Equal(CommitOutcome.Committed, o));
        Assert.Equal([CommitOutcome.Committed, CommitOutcome.Conflict], outcomes.Skip(5).Take(2).Order());
        Assert.Equal([CommitOutcome.AlreadyExists, CommitOutcome.Committed], outcomes.Skip(7));
        await using var session = Store.LightweightSession();
        var first = await session.LoadAsync<Tally>(tallies[0]);
        Assert.Equal(2, first!.Version);
        Assert.Contains(first.Total, new[] { 7, 100 });
        // 6 opened, 5 + 1 counted; no second start of tallies[1], nothing of the conflicting count.
        Assert.Equal(12, await ScalarAsync("select count(*) from mt_events where type <> 'tombstone' and stream_id = any(@ids)", [.. tallies]));
        // Refused before the transaction: the group did not roll back, so no sequence number was burned
        // (Marten back-fills burned numbers with tombstone events when it can; a gap left open holds
        // the async daemon, the relay included, until it is proven dead).
        Assert.Equal(0, await ScalarAsync($"select count(*) from mt_events where seq_id > {lastSequence} and type = 'tombstone'"));
        Assert.Equal(
            await ScalarAsync("select last_value from public.mt_events_sequence") - lastSequence,
            await ScalarAsync($"select count(*) from mt_events where seq_id > {lastSequence}"));
    }

    [Fact]
    public async Task A_command_that_cannot_be_written_fails_alone_and_takes_nothing_of_the_others()
    {
        var tallies = await OpenTalliesAsync(4);

        var tasks = await WithWriterHeldTasksAsync(() =>
        [
            CountAsync(tallies[0], 1, 1),
            Writer.CommitAsync(Origin(), typeof(Tally), tallies[1], 1, [new Unwritable()], CancellationToken.None),
            CountAsync(tallies[2], 1, 3),
            CountAsync(tallies[3], 1, 4),
        ]);

        await Assert.ThrowsAnyAsync<Exception>(() => tasks[1]);
        Assert.All(new[] { tasks[0], tasks[2], tasks[3] }, t => Assert.Equal(CommitOutcome.Committed, t.Result));
        await using var session = Store.LightweightSession();
        Assert.Equal(1, (await session.LoadAsync<Tally>(tallies[1]))!.Version);
        Assert.Equal(4, (await session.LoadAsync<Tally>(tallies[3]))!.Total);
    }

    [Fact]
    public async Task A_command_cancelled_while_it_waits_is_not_written_and_its_group_mates_are()
    {
        var tallies = await OpenTalliesAsync(3);
        using var cancel = new CancellationTokenSource();
        Task<CommitOutcome>? cancelled = null;

        var tasks = await WithWriterHeldTasksAsync(() =>
        {
            var others = new[] { CountAsync(tallies[0], 1, 1), CountAsync(tallies[2], 1, 2) };
            cancelled = CountAsync(tallies[1], 1, 50, ct: cancel.Token);
            cancel.Cancel();
            return [.. others];
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled!);
        Assert.All(tasks, t => Assert.Equal(CommitOutcome.Committed, t.Result));
        await using var session = Store.LightweightSession();
        Assert.Equal((1, 0), ((await session.LoadAsync<Tally>(tallies[1]))!.Version, (await session.LoadAsync<Tally>(tallies[1]))!.Total));
    }

    [Fact]
    public async Task A_command_whose_session_already_holds_event_overwrites_commits_them_with_its_events()
    {
        var tally = (await OpenTalliesAsync(1))[0];
        await using var session = Store.LightweightSession();
        var opened = (await session.Events.FetchStreamAsync(tally))[0];
        var masked = new JasperFx.Events.Event<TallyOpened>(new TallyOpened("masked"))
        {
            Id = opened.Id, Sequence = opened.Sequence, StreamId = opened.StreamId, Version = opened.Version, Timestamp = opened.Timestamp,
        };
        session.Events.OverwriteEvent(masked);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = _host.Services };

        var result = await session.DecideAsync<Tally, Tally>(http, tally, _ => Decision.Emit(new TallyCounted(3)), t => t, CancellationToken.None);

        Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.Ok<Tally>>(result.Result);
        await using var check = Store.LightweightSession();
        var events = await check.Events.FetchStreamAsync(tally);
        Assert.Equal("masked", Assert.IsType<TallyOpened>(events[0].Data).Name); // the overwrite was not left behind
        Assert.Equal(3, Assert.IsType<TallyCounted>(events[1].Data).Amount);
    }

    private IDocumentSession Origin(string user = "tester", string? correlation = null)
    {
        var session = Store.LightweightSession();
        session.LastModifiedBy = user;
        session.CorrelationId = correlation;
        return session;
    }

    private Task<CommitOutcome> CountAsync(Guid id, long expectedVersion, int amount, string? user = null, CancellationToken ct = default) =>
        Writer.CommitAsync(Origin(user ?? "tester", user is null ? null : "story-" + user["user-".Length..]), typeof(Tally), id, expectedVersion,
            [new TallyCounted(amount)], ct);

    private Task<CommitOutcome> StartAsync(Guid id) =>
        Writer.CommitAsync(Origin(), typeof(Tally), id, null, [new TallyOpened("again")], CancellationToken.None);

    private async Task<List<Guid>> OpenTalliesAsync(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        await using var session = Store.LightweightSession();
        foreach (var id in ids) session.Events.StartStream<Tally>(id, new TallyOpened("t"));
        await session.SaveChangesAsync();
        return ids;
    }

    private async Task<CommitOutcome[]> WithWriterHeldAsync(Func<List<Task<CommitOutcome>>> queue) =>
        await Task.WhenAll(await WithWriterHeldTasksAsync(queue));

    /// <summary>
    /// Holds a lock on the events table, makes the writer start a group that waits for it, queues
    /// <paramref name="queue"/>'s commands behind it (they form the next group), then lets go.
    /// </summary>
    private async Task<List<Task<CommitOutcome>>> WithWriterHeldTasksAsync(Func<List<Task<CommitOutcome>>> queue)
    {
        var blocker = (await OpenTalliesAsync(1))[0];
        await using var connection = new NpgsqlConnection(_host.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockEvents = new NpgsqlCommand("lock table public.mt_events in share row exclusive mode", connection, transaction))
            await lockEvents.ExecuteNonQueryAsync();

        var first = CountAsync(blocker, 1, 1);
        await Eventually.ReturnsAsync(() => ScalarAsync(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"),
            n => n >= 1, TimeSpan.FromSeconds(30), "the writer waiting for the lock");
        var queued = queue();
        await transaction.CommitAsync();

        Assert.Equal(CommitOutcome.Committed, await first);
        await Task.WhenAll(queued.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return queued;
    }

    private async Task<long> ScalarAsync(string sql, Guid[]? ids = null)
    {
        await using var connection = new NpgsqlConnection(_host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (ids is not null) command.Parameters.AddWithValue("ids", ids);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
