using System.Collections.Concurrent;
using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Platform.Tests.Unit;

/// <summary>
/// A publish that never finishes must not hold the relay: each attempt ends at the relay's publish
/// timeout, whatever the publish does with its token, and the unconfirmed messages are tried again.
/// Seen once in the broker-stop drill: after a graceful broker shutdown some publishes of a page
/// neither completed nor honoured the token, and Projects' relay stood still for good.
/// </summary>
public sealed class RelayPublishTimeoutTests
{
    /// <summary>An <see cref="IBus"/> whose first publish of each message hangs for good, token or not, and whose later ones succeed.</summary>
    public class HangingOnceBus : RelayBus<Announced>
    {
        public ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);

        protected override Task PublishAsync(Announced message) =>
            Attempts.AddOrUpdate(message.Subject, 1, (_, n) => n + 1) == 1
                ? new TaskCompletionSource().Task // never completes, ignores the token
                : Task.CompletedTask;
    }

    [Fact]
    public async Task A_publish_that_never_returns_is_abandoned_at_the_timeout_and_the_message_published_again()
    {
        var bus = DispatchProxy.Create<IBus, HangingOnceBus>();
        var attempts = ((HangingOnceBus)(object)bus).Attempts;
        var relay = new IntegrationEventRelay(new AnnounceEverything(), bus, NullLogger<IntegrationEventRelay>.Instance, Options.Create(new RelayOptions
        {
            ServiceName = "test",
            PublishTimeout = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        }));
        var events = RelayPages.Events(3);

        // Bounded only so that a regression fails instead of hanging the run.
        await relay.ProcessEventsAsync(RelayPages.Of(events), null!, null!, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(events.Select(AnnounceEverything.SubjectOf).Order(), attempts.Keys.Order());
        Assert.All(attempts.Values, n => Assert.Equal(2, n));
    }
}
