using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Training.TrainingRequests;

public enum TrainingRequestStatus
{
    Submitted = 1,
    UnderReview,
    Approved,
    Scheduled,
    Delivered,
    Closed,
    Rejected,
    Withdrawn,
}

/// <summary>A training request as it stands (an inline snapshot; history and as-of come from its stream).</summary>
public sealed record TrainingRequest(
    Guid Id,
    string Requester,
    string BeneficiaryCountry,
    string Topic,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int AudienceSize,
    DateOnly PreferredFrom,
    DateOnly PreferredTo,
    TrainingRequestStatus Status,
    Guid? SessionId,
    string? Reason) : IAggregate
{
    public long Version { get; init; }

    public static TrainingRequest Create(IEvent<TrainingRequestSubmitted> e)
    {
        var r = e.Data;
        return new TrainingRequest(e.StreamId, r.Requester, r.BeneficiaryCountry, r.Topic, r.Roles, r.Themes, r.AudienceSize,
            r.PreferredFrom, r.PreferredTo, TrainingRequestStatus.Submitted, null, null);
    }

    public static TrainingRequest Apply(TrainingRequestReviewStarted _, TrainingRequest r) => r with { Status = TrainingRequestStatus.UnderReview };

    public static TrainingRequest Apply(TrainingRequestApproved _, TrainingRequest r) => r with { Status = TrainingRequestStatus.Approved };

    public static TrainingRequest Apply(TrainingRequestRejected e, TrainingRequest r) => r with { Status = TrainingRequestStatus.Rejected, Reason = e.Reason };

    public static TrainingRequest Apply(TrainingRequestScheduled e, TrainingRequest r) => r with { Status = TrainingRequestStatus.Scheduled, SessionId = e.SessionId };

    public static TrainingRequest Apply(TrainingRequestDelivered _, TrainingRequest r) => r with { Status = TrainingRequestStatus.Delivered };

    public static TrainingRequest Apply(TrainingRequestClosed _, TrainingRequest r) => r with { Status = TrainingRequestStatus.Closed };

    public static TrainingRequest Apply(TrainingRequestWithdrawn e, TrainingRequest r) => r with { Status = TrainingRequestStatus.Withdrawn, Reason = e.Reason };
}
