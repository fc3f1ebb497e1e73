namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>Headers the platform puts on events and messages so the audit trail crosses services.</summary>
public static class PlatformHeaders
{
    /// <summary>The story a message belongs to (the HTTP request's correlation id).</summary>
    public const string CorrelationId = "eucybernet-correlation-id";

    /// <summary>The user whose command started the story.</summary>
    public const string User = "eucybernet-user";

    /// <summary>The id of the Marten event the message announces.</summary>
    public const string SourceEventId = "eucybernet-source-event-id";

    /// <summary>The service that published it.</summary>
    public const string SourceService = "eucybernet-source-service";

    /// <summary>W3C trace context of the command that appended the event (stored as an event header).</summary>
    public const string TraceParent = "traceparent";
}

/// <summary>
/// Proof that a consumer applied a message's effect; saved in the same transaction as the effect,
/// keyed by consumer and MessageId, so a redelivered message finds it and does nothing.
/// </summary>
public sealed record InboxEntry(string Id, string MessageType, DateTimeOffset ConsumedAt);
