using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Platform.Tests.Unit;

/// <summary>
/// A relay reads from the store only the event types its mapper says can announce anything, when
/// the mapper needs no stream state; otherwise every event (a stateful mapper folds each stream from
/// the page's events, so a filtered page would be missing the events in between).
/// </summary>
public sealed class RelayEventFilterTests
{
    private sealed class Announcing : IIntegrationEventMapper
    {
        public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) => [];

        public IReadOnlyCollection<Type> AnnouncingTypes { get; } = [typeof(DateOnly), typeof(TimeOnly)];
    }

    private sealed class AnnouncingAnything : IIntegrationEventMapper
    {
        public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) => [];
    }

    private sealed class StatefulAnnouncing : IStatefulIntegrationEventMapper
    {
        public Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IStreamStates states, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<IIntegrationEvent>>([]);

        public IReadOnlyCollection<Type> AnnouncingTypes { get; } = [typeof(DateOnly)];
    }

    private static IntegrationEventRelay RelayOf(IIntegrationEventMapper mapper) =>
        new(mapper, null!, NullLogger<IntegrationEventRelay>.Instance, Options.Create(new RelayOptions()));

    [Fact]
    public void A_stateless_mapper_that_names_its_types_has_its_relay_read_only_those() =>
        Assert.Equal([typeof(DateOnly), typeof(TimeOnly)], RelayOf(new Announcing()).IncludedEventTypes);

    [Fact]
    public void A_mapper_that_names_no_types_or_needs_stream_state_has_its_relay_read_every_event()
    {
        Assert.Empty(RelayOf(new AnnouncingAnything()).IncludedEventTypes);
        Assert.Empty(RelayOf(new StatefulAnnouncing()).IncludedEventTypes);
    }
}
