using System.Collections.Concurrent;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;

namespace EuCyberNet.Platform.Tests.GroupCommit;

/// <summary>
/// Gaps in the event sequence and the async daemon (the relay is one of its subscriptions), on a
/// real PostgreSQL with the store as every service configures it. A rolled-back append burns its
/// sequence numbers; the daemon must not wait long for them (AddEventStore sets a short
/// StaleSequenceThreshold), and must never skip the numbers of an append that is still in flight
/// (Marten's liveness probe): that append's events would never be relayed.
/// </summary>
public sealed class SequenceGapTests : IAsyncLifetime
{
    private readonly Recorder _seen = new();
    private EventStoreHost _host = null!;

    private IDocumentStore Store => _host.Store;

    private StoreOptions Options => _host.Options;

    public async Task InitializeAsync() => _host = await EventStoreHost.StartAsync("gapsdb", options => options.Projections.Subscribe(_seen));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void The_store_waits_only_briefly_before_probing_a_gap()
    {
        Assert.True(Options.Projections.StaleSequenceThreshold <= TimeSpan.FromSeconds(1),
            $"StaleSequenceThreshold is {Options.Projections.StaleSequenceThreshold}");
        Assert.Null(Options.Projections.SkipStaleGapsDespiteLiveTransactionsAfter);
    }

    [Fact]
    public async Task An_append_still_in_flight_across_the_threshold_is_not_skipped_and_a_rolled_back_one_is()
    {
        // The daemon is running and has seen the store so far.
        var first = Guid.NewGuid();
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream(first, new TallyOpened("before the gaps"));
            await session.SaveChangesAsync();
        }
        await _seen.WaitForAsync(first, TimeSpan.FromSeconds(60));

        // A rolled-back append: its sequence numbers are a dead gap.
        await using (var connection = Store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var rolledBack = await connection.BeginTransactionAsync();
            await using var doomed = Store.LightweightSession(SessionOptions.ForTransaction(rolledBack));
            doomed.Events.StartStream(Guid.NewGuid(), new TallyOpened("rolled back"));
            await doomed.SaveChangesAsync();
            await rolledBack.RollbackAsync();
        }

        // An append in flight: its numbers are taken, its transaction open well past the threshold.
        var late = Guid.NewGuid();
        await using var held = Store.Storage.Database.CreateConnection();
        await held.OpenAsync();
        await using var inFlight = await held.BeginTransactionAsync();
        await using var slow = Store.LightweightSession(SessionOptions.ForTransaction(inFlight));
        slow.Events.StartStream(late, new TallyOpened("committed late"));
        await slow.SaveChangesAsync();

        // Events after both gaps, committed now.
        var after = Guid.NewGuid();
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream(after, new TallyOpened("after the gaps"));
            await session.SaveChangesAsync();
        }

        // Ten thresholds later the daemon must still hold before the in-flight append's numbers.
        await Task.Delay(Options.Projections.StaleSequenceThreshold * 10);
        Assert.DoesNotContain(after, _seen.Streams);

        await inFlight.CommitAsync();
        await _seen.WaitForAsync(after, TimeSpan.FromSeconds(30));
        Assert.Contains(late, _seen.Streams);
    }

    /// <summary>A subscription that notes every stream it was handed, as the relay would publish it.</summary>
    private sealed class Recorder : SubscriptionBase
    {
        private readonly ConcurrentDictionary<Guid, byte> _streams = new();

        public Recorder() => Name = "GapRecorder";

        public ICollection<Guid> Streams => _streams.Keys;

        public override Task<IChangeListener> ProcessEventsAsync(
            EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
        {
            foreach (var e in page.Events) _streams.TryAdd(e.StreamId, 0);
            return Task.FromResult<IChangeListener>(NullChangeListener.Instance);
        }

        public async Task WaitForAsync(Guid stream, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (!_streams.ContainsKey(stream)) await Task.Delay(50, deadline.Token);
        }
    }
}
