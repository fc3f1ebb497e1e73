using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Training.TrainingRequests;

// Domain events of a training request from a partner country or an EU delegation. Each carries
// the decision's reason where there is one; user, time, correlation and causation are on every
// event's metadata: the request's full audit trail.

/// <summary><see cref="Requester"/> is an organisation (an EU delegation, a partner's ministry), not a person.</summary>
public sealed record TrainingRequestSubmitted(
    string Requester,
    string BeneficiaryCountry,
    string Topic,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int AudienceSize,
    DateOnly PreferredFrom,
    DateOnly PreferredTo);

public sealed record TrainingRequestReviewStarted;

public sealed record TrainingRequestApproved;

public sealed record TrainingRequestRejected(string Reason);

/// <summary>The request will be met by a session (scheduling again moves it to another session).</summary>
public sealed record TrainingRequestScheduled(Guid SessionId);

public sealed record TrainingRequestDelivered;

public sealed record TrainingRequestClosed;

public sealed record TrainingRequestWithdrawn(string Reason);
