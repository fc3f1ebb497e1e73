using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Coordination.Overlaps;

[JsonConverter(typeof(JsonStringEnumConverter<OverlapStatus>))]
public enum OverlapStatus
{
    [JsonStringEnumMemberName("raised")] Raised = 1,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("resolved")] Resolved,
    [JsonStringEnumMemberName("dismissed")] Dismissed,
}

// Domain events of an overlap alert: Coordination's own decisions, in its own event store.

/// <summary>
/// Two activities (subjects, ordered) from different funders or implementers share beneficiary
/// countries and themes in overlapping periods. <see cref="Generation"/> counts the alerts raised for
/// the same pair: an overlap that was resolved because it went away and then came back is a new alert.
/// </summary>
public sealed record OverlapRaised(
    string ActivityA,
    string ActivityB,
    IReadOnlyList<string> Countries,
    IReadOnlyList<CcbTheme> SharedThemes,
    DateOnly OverlapFrom,
    DateOnly OverlapTo,
    int Generation);

public sealed record OverlapAcknowledged(string? Reason);

/// <summary>Staff resolved it, or (<see cref="Automatically"/>) a change removed the overlap.</summary>
public sealed record OverlapResolved(string Reason, bool Automatically);

/// <summary>Staff judged it not a duplication; the same pair is not raised again.</summary>
public sealed record OverlapDismissed(string Reason);

/// <summary>An overlap alert: Raised → Acknowledged → Resolved | Dismissed (with reason).</summary>
public sealed record OverlapAlert(
    Guid Id,
    OverlapStatus Status,
    string ActivityA,
    string ActivityB,
    IReadOnlyList<string> Countries,
    IReadOnlyList<CcbTheme> SharedThemes,
    DateOnly OverlapFrom,
    DateOnly OverlapTo,
    int Generation,
    DateTimeOffset RaisedAt,
    DateTimeOffset ChangedAt,
    string? Reason = null,
    bool ResolvedAutomatically = false) : IAggregate
{
    public long Version { get; init; }

    /// <summary>The pair of activities, in subject order: the key of every alert ever raised for them.</summary>
    public string Pair => OverlapRule.PairKey(ActivityA, ActivityB);

    public bool IsOpen => Status is OverlapStatus.Raised or OverlapStatus.Acknowledged;

    public static OverlapAlert Create(IEvent<OverlapRaised> e) => new(
        e.StreamId, OverlapStatus.Raised, e.Data.ActivityA, e.Data.ActivityB, e.Data.Countries, e.Data.SharedThemes,
        e.Data.OverlapFrom, e.Data.OverlapTo, e.Data.Generation, StoredTime.Of(e.Timestamp), StoredTime.Of(e.Timestamp));

    public static OverlapAlert Apply(IEvent<OverlapAcknowledged> e, OverlapAlert current) =>
        current with { Status = OverlapStatus.Acknowledged, Reason = e.Data.Reason ?? current.Reason, ChangedAt = StoredTime.Of(e.Timestamp) };

    public static OverlapAlert Apply(IEvent<OverlapResolved> e, OverlapAlert current) =>
        current with { Status = OverlapStatus.Resolved, Reason = e.Data.Reason, ResolvedAutomatically = e.Data.Automatically, ChangedAt = StoredTime.Of(e.Timestamp) };

    public static OverlapAlert Apply(IEvent<OverlapDismissed> e, OverlapAlert current) =>
        current with { Status = OverlapStatus.Dismissed, Reason = e.Data.Reason, ChangedAt = StoredTime.Of(e.Timestamp) };

    /// <summary>The stream id of the <paramref name="generation"/>-th alert of a pair: a raise repeated after a crash collides instead of doubling.</summary>
    public static Guid IdFor(string pair, int generation) => StreamIds.NameBased($"overlap/{pair}/{generation}");
}

/// <summary>The lifecycle rules of an alert, pure: given its state and a command, the events (or the broken rule).</summary>
public static class OverlapDecisions
{
    public static Decision Acknowledge(OverlapAlert alert, string? reason) => alert.Status switch
    {
        OverlapStatus.Raised => Decision.Emit(new OverlapAcknowledged(reason)),
        OverlapStatus.Acknowledged => Decision.Nothing,
        _ => DomainError.InvalidTransition("acknowledge", Slug.Of(alert.Status)),
    };

    public static Decision Resolve(OverlapAlert alert, string reason, bool automatically = false) => alert.Status switch
    {
        OverlapStatus.Raised or OverlapStatus.Acknowledged => Decision.Emit(new OverlapResolved(reason, automatically)),
        OverlapStatus.Resolved => Decision.Nothing,
        _ => DomainError.InvalidTransition("resolve", Slug.Of(alert.Status)),
    };

    public static Decision Dismiss(OverlapAlert alert, string reason) => alert.Status switch
    {
        OverlapStatus.Raised or OverlapStatus.Acknowledged => Decision.Emit(new OverlapDismissed(reason)),
        OverlapStatus.Dismissed => Decision.Nothing,
        _ => DomainError.InvalidTransition("dismiss", Slug.Of(alert.Status)),
    };
}
