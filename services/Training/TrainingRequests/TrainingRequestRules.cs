using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.TrainingRequests;

public sealed record TrainingRequestRequest(
    string? Requester,
    string? BeneficiaryCountry,
    string? Topic,
    IReadOnlyList<string?>? Roles,
    IReadOnlyList<string?>? Themes,
    int? AudienceSize,
    string? PreferredFrom,
    string? PreferredTo);

public sealed record ScheduleRequest(string? SessionId);

/// <summary>
/// submitted → under-review → approved → scheduled (linked to a session) → delivered → closed;
/// rejected (reason) from submitted or under review; withdrawn (by the requester) until delivered.
/// </summary>
public static class TrainingRequestRules
{
    public const int MaxAudience = 1000;

    public static (TrainingRequestSubmitted? Submitted, Validator Validation) Validate(TrainingRequestRequest r, DateOnly today)
    {
        var v = new Validator();
        var country = v.Country("beneficiaryCountry", r.BeneficiaryCountry);
        if (country.Length > 0 && Countries.IsCountry(country) && Countries.IsEuMemberState(country))
            v.Add("beneficiaryCountry", $"'{country}' is an EU Member State; training requests come from partner countries outside the EU");
        var from = v.IsoDate("preferredFrom", r.PreferredFrom);
        var to = v.IsoDate("preferredTo", r.PreferredTo);
        v.Period("preferredTo", from, to);
        if (to != default && to < today) v.Add("preferredTo", "must not be in the past");

        var submitted = new TrainingRequestSubmitted(
            Requester: v.Text("requester", r.Requester, 200),
            BeneficiaryCountry: country,
            Topic: v.Text("topic", r.Topic, 2000),
            Roles: v.Slugs<EcsfRole>("roles", r.Roles, maxCount: 12),
            Themes: v.Slugs<CcbTheme>("themes", r.Themes, maxCount: 5),
            AudienceSize: v.Range("audienceSize", r.AudienceSize, 1, MaxAudience),
            PreferredFrom: from,
            PreferredTo: to);
        if ((r.Roles?.Count ?? 0) == 0 && (r.Themes?.Count ?? 0) == 0)
            v.Add("roles", "give at least one ECSF role or one theme the training should cover");
        return (v.IsValid ? submitted : null, v);
    }

    public static Decision Review(TrainingRequest r) => r.Status switch
    {
        TrainingRequestStatus.UnderReview => Decision.Nothing,
        TrainingRequestStatus.Submitted => Decision.Emit(new TrainingRequestReviewStarted()),
        _ => DomainError.InvalidTransition("review", r.Status.Slug()),
    };

    public static Decision Approve(TrainingRequest r) => r.Status switch
    {
        TrainingRequestStatus.Approved => Decision.Nothing,
        TrainingRequestStatus.UnderReview => Decision.Emit(new TrainingRequestApproved()),
        _ => DomainError.InvalidTransition("approve", r.Status.Slug()),
    };

    public static Decision Reject(TrainingRequest r, string reason) => r.Status switch
    {
        TrainingRequestStatus.Rejected => Decision.Nothing,
        TrainingRequestStatus.Submitted or TrainingRequestStatus.UnderReview => Decision.Emit(new TrainingRequestRejected(reason)),
        _ => DomainError.InvalidTransition("reject", r.Status.Slug()),
    };

    /// <summary>
    /// Link an approved request to a session that will still take place; a scheduled request can be
    /// moved to another session (e.g. when its session was cancelled).
    /// </summary>
    public static Decision Schedule(TrainingRequest r, TrainingSession session)
    {
        if (r.Status == TrainingRequestStatus.Scheduled && r.SessionId == session.Id) return Decision.Nothing;
        if (r.Status is not (TrainingRequestStatus.Approved or TrainingRequestStatus.Scheduled)) return DomainError.InvalidTransition("schedule", r.Status.Slug());
        if (session.Status is not (SessionStatus.Scheduled or SessionStatus.OpenForEnrolment or SessionStatus.Full))
            return new DomainError("session-not-schedulable", $"Session {session.Id} is {session.Status.Slug()}; a request can only be scheduled on a session still to take place.",
                session.Status.Slug());
        return Decision.Emit(new TrainingRequestScheduled(session.Id));
    }

    /// <summary>Delivered once its session was delivered.</summary>
    public static Decision Deliver(TrainingRequest r, SessionStatus? session)
    {
        if (r.Status == TrainingRequestStatus.Delivered) return Decision.Nothing;
        if (r.Status != TrainingRequestStatus.Scheduled) return DomainError.InvalidTransition("deliver", r.Status.Slug());
        if (session is not (SessionStatus.Delivered or SessionStatus.Closed))
            return new DomainError("session-not-delivered", $"The request's session is {session?.Slug() ?? "missing"}; the request is delivered once its session is.",
                session?.Slug());
        return Decision.Emit(new TrainingRequestDelivered());
    }

    public static Decision Close(TrainingRequest r) => r.Status switch
    {
        TrainingRequestStatus.Closed => Decision.Nothing,
        TrainingRequestStatus.Delivered => Decision.Emit(new TrainingRequestClosed()),
        _ => DomainError.InvalidTransition("close", r.Status.Slug()),
    };

    public static Decision Withdraw(TrainingRequest r, string reason) => r.Status switch
    {
        TrainingRequestStatus.Withdrawn => Decision.Nothing,
        TrainingRequestStatus.Submitted or TrainingRequestStatus.UnderReview or TrainingRequestStatus.Approved or TrainingRequestStatus.Scheduled =>
            Decision.Emit(new TrainingRequestWithdrawn(reason)),
        _ => DomainError.InvalidTransition("withdraw", r.Status.Slug()),
    };
}
