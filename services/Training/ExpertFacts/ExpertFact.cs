using System.Text.Json.Serialization;

namespace EuCyberNet.Training.ExpertFacts;

/// <summary>
/// What the Training service knows of one expert of the pool: the id and the lifecycle status,
/// nothing else (names and e-mails stay in the Experts service). Built from the Experts service's
/// integration events, which may arrive twice or out of order: the newest observation wins.
/// </summary>
public sealed record ExpertFact(Guid Id, string Status, DateTimeOffset ObservedAt)
{
    public const string Accepted = "accepted";

    /// <summary>Only an accepted expert who is not suspended may enrol.</summary>
    [JsonIgnore]
    public bool MayEnrol => Status == Accepted;

    /// <summary>
    /// Learn <paramref name="status"/> as of <paramref name="occurredAt"/>. An older observation than
    /// the one already held changes nothing (a late delivery); an equal one is a repeat of the same
    /// moment (the Experts service announces one change with several events in one transaction).
    /// </summary>
    public static ExpertFact? Learn(ExpertFact? current, Guid expertId, string status, DateTimeOffset occurredAt)
    {
        if (current is not null && occurredAt < current.ObservedAt) return null;
        if (current is not null && current.Status == status && current.ObservedAt == occurredAt) return null;
        return new ExpertFact(expertId, status, occurredAt);
    }
}
