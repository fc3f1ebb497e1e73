using System.Collections.Concurrent;
using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.Platform.Tests.Unit;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;

namespace EuCyberNet.Platform.Tests.GroupCommit;

/// <summary>
/// A relay that fell behind catches up in big pages. While one page waits for the broker's confirms,
/// the relay reads nothing ahead; the page after it holds everything committed meanwhile. Marten's
/// default reads ahead a page per high-water tick (under load, one group commit each) and queues
/// them, and each queued page costs a whole publish-confirm-checkpoint cycle: at 500 commands/s
/// Projects' relay stayed 0.3-1.7 s behind (docs/performance.md).
/// </summary>
public sealed class RelayPagingTests : IAsyncLifetime
{
    private const int Appends = 20;

    private readonly PageCounter _mapper = new();
    private readonly GatedBus _gate;
    private readonly IBus _bus;
    private EventStoreHost _host = null!;

    public RelayPagingTests()
    {
        _bus = DispatchProxy.Create<IBus, GatedBus>();
        _gate = (GatedBus)(object)_bus;
    }

    public async Task InitializeAsync()
    {
        var relay = new IntegrationEventRelay(_mapper, _bus, NullLogger<IntegrationEventRelay>.Instance,
            Microsoft.Extensions.Options.Options.Create(new RelayOptions { ServiceName = "paging" }));
        _host = await EventStoreHost.StartAsync("relaypagingdb", options => options.Projections.Subscribe(relay));
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Events_committed_while_a_page_waits_for_its_confirms_are_relayed_in_one_page_after_it()
    {
        // The first page is held at the broker.
        var first = await AppendAsync("held at the broker");
        await _gate.WaitForFirstPublishAsync(TimeSpan.FromSeconds(60));

        // Meanwhile, appends in transactions of their own, far enough apart for the high-water mark to move between them.
        var later = new List<Guid>();
        for (var i = 0; i < Appends; i++)
        {
            later.Add(await AppendAsync($"committed meanwhile {i}"));
            await Task.Delay(60);
        }
        await Task.Delay(TimeSpan.FromSeconds(1)); // the high-water mark has seen them all

        _gate.Open();
        await _gate.WaitForAsync([first, .. later], TimeSpan.FromSeconds(60));

        // One page for the held event, one for everything after it (two when an append landed just as the second page was read).
        Assert.InRange(_mapper.Pages, 2, 3);
    }

    private async Task<Guid> AppendAsync(string name)
    {
        var stream = Guid.NewGuid();
        await using var session = _host.Store.LightweightSession();
        session.Events.StartStream(stream, new TallyOpened(name));
        await session.SaveChangesAsync();
        return stream;
    }

    public sealed record Relayed(string Subject, DateTimeOffset OccurredAt, Guid StreamId) : IIntegrationEvent;

    /// <summary>A stateful mapper: the relay hands it one stream-state set per page, so the sets it saw are the pages.</summary>
    private sealed class PageCounter : IStatefulIntegrationEventMapper
    {
        private readonly ConcurrentDictionary<IStreamStates, byte> _pages = new(ReferenceEqualityComparer.Instance);

        public int Pages => _pages.Count;

        public Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IStreamStates states, CancellationToken ct)
        {
            _pages.TryAdd(states, 0);
            return Task.FromResult<IReadOnlyList<IIntegrationEvent>>([new Relayed($"tally/{domainEvent.StreamId}", domainEvent.Timestamp, domainEvent.StreamId)]);
        }
    }

    /// <summary>An <see cref="IBus"/> whose publishes wait until the test opens it, then confirm at once.</summary>
    public class GatedBus : RelayBus<Relayed>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstPublish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<Guid, byte> _published = new();

        public void Open() => _open.TrySetResult();

        public Task WaitForFirstPublishAsync(TimeSpan timeout) => _firstPublish.Task.WaitAsync(timeout);

        public async Task WaitForAsync(IReadOnlyCollection<Guid> streams, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (!streams.All(_published.ContainsKey)) await Task.Delay(50, deadline.Token);
        }

        protected override async Task PublishAsync(Relayed message)
        {
            _firstPublish.TrySetResult();
            await _open.Task;
            _published.TryAdd(message.StreamId, 0);
        }
    }
}
