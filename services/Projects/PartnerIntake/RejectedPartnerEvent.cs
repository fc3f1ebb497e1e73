using System.Text.Json.Serialization;

namespace EuCyberNet.Projects.PartnerIntake;

public enum IntakeChannel
{
    [JsonStringEnumMemberName("http")] Http = 1,
    [JsonStringEnumMemberName("amqp")] Amqp,
}

public enum RejectionStatus
{
    /// <summary>Refused; kept until someone replays it successfully.</summary>
    [JsonStringEnumMemberName("rejected")] Rejected = 1,

    /// <summary>Replayed after a fix and accepted.</summary>
    [JsonStringEnumMemberName("replayed")] Replayed,
}

public sealed record ReplayAttempt(DateTimeOffset At, string? By, bool Accepted, bool CorrectedPayload, IReadOnlyList<RejectionReason> Reasons, Guid? ProjectId);

/// <summary>
/// A partner message that was refused, kept with every reason so that the partner (or staff) can
/// see what to fix, and replayable once fixed. Messages that could not even be attributed to a
/// partner (unknown RabbitMQ user) are kept too, under the user name they came with.
/// </summary>
public sealed record RejectedPartnerEvent(
    Guid Id,
    IntakeChannel Channel,
    Guid? PartnerId,
    string? AmqpUser,
    string? RoutingKey,
    string? EventId,
    string? EventType,
    DateTimeOffset ReceivedAt,
    string Payload,
    int PayloadBytes,
    bool PayloadTruncated,
    IReadOnlyList<RejectionReason> Reasons,
    RejectionStatus Status,
    IReadOnlyList<ReplayAttempt> Replays)
{
    /// <summary>How much of an oversized message is kept (enough to recognise it).</summary>
    public const int KeptBytesOfOversized = 4096;
}

/// <summary>
/// Proof that a partner's event id was accepted: inserted in the same transaction as the event's
/// effect, keyed by partner and event id, so a repeated event is recognised and has no second
/// effect. The content hash tells a true repeat from an id reused for a different message.
/// </summary>
public sealed record PartnerEventReceipt(string Id, Guid PartnerId, string EventId, string ContentHash, Guid ProjectId, DateTimeOffset AcceptedAt);
