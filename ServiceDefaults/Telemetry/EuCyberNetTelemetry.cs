using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EuCyberNet.ServiceDefaults.Telemetry;

/// <summary>The platform's own activity source and meter, shared by every service.</summary>
public static class EuCyberNetTelemetry
{
    public const string Name = "EuCyberNet";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Integration events the relay published and the broker confirmed.</summary>
    public static readonly Counter<long> EventsRelayed =
        Meter.CreateCounter<long>("eucybernet.relay.published", "{message}", "Integration events published by the relay and confirmed by the broker");

    /// <summary>Failed publish attempts (the relay retries them; the checkpoint does not move).</summary>
    public static readonly Counter<long> RelayFailures =
        Meter.CreateCounter<long>("eucybernet.relay.failures", "{attempt}", "Relay publish attempts that failed and will be retried");

    /// <summary>Messages an idempotent consumer handled for the first time.</summary>
    public static readonly Counter<long> MessagesConsumed =
        Meter.CreateCounter<long>("eucybernet.inbox.consumed", "{message}", "Messages whose effect was applied");

    /// <summary>Redeliveries recognised by the inbox and not applied again.</summary>
    public static readonly Counter<long> DuplicatesSuppressed =
        Meter.CreateCounter<long>("eucybernet.inbox.duplicates", "{message}", "Redelivered messages recognised by the inbox and skipped");

    public static readonly Histogram<double> ConsumerDuration =
        Meter.CreateHistogram<double>("eucybernet.consumer.duration", "ms", "Time to apply one message's effect, inbox write included");
}
