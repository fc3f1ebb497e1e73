using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Experts.Pool;

public enum ExpertStatus
{
    Applied = 1,
    Acknowledged,
    ProfileSubmitted,
    Accepted,
    Rejected,
    Suspended,
    Withdrawn,
    Erased,
}

/// <summary>One expert's record, folded from its stream (an inline snapshot: read-your-writes).</summary>
public sealed record Expert(
    Guid Id,
    ExpertStatus Status,
    string Name,
    string Email,
    string Citizenship,
    string Organisation,
    string Motivation,
    DateTimeOffset AppliedAt) : IAggregate
{
    public long Version { get; init; }

    public static Expert Create(IEvent<ExpertApplied> e) =>
        new(e.StreamId, ExpertStatus.Applied, e.Data.Name, e.Data.Email, e.Data.Citizenship, e.Data.Organisation, e.Data.Motivation, e.Timestamp);
}
