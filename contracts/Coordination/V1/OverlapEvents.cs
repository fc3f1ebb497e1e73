namespace EuCyberNet.Contracts.Coordination.V1;

/// <summary>
/// Two activities from different funders or implementers share a beneficiary country and a theme
/// in overlapping periods: the same work may be paid for twice. <c>ActivityA</c>/<c>ActivityB</c> are
/// subjects (<c>project/{id}</c>, <c>expertise-request/{id}</c>, …). <c>Countries</c> (added in V1,
/// null from older publishers) lists every shared beneficiary country; <c>Country</c> is the first.
/// </summary>
public sealed record OverlapAlertRaised(
    Guid AlertId,
    string ActivityA,
    string ActivityB,
    string Country,
    IReadOnlyList<Vocabularies.CcbTheme> SharedThemes,
    DateOnly OverlapFrom,
    DateOnly OverlapTo,
    DateTimeOffset OccurredAt,
    IReadOnlyList<string>? Countries = null) : IIntegrationEvent
{
    public string Subject => Subjects.OverlapAlert(AlertId);
}

public sealed record OverlapAlertAcknowledged(Guid AlertId, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.OverlapAlert(AlertId);
}

/// <summary>The overlap is gone (a change removed it) or staff resolved it.</summary>
public sealed record OverlapAlertResolved(Guid AlertId, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.OverlapAlert(AlertId);
}

public sealed record OverlapAlertDismissed(Guid AlertId, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string Subject => Subjects.OverlapAlert(AlertId);
}
