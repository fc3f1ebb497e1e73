using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Projects.Projects;

public enum ProjectStatus
{
    [JsonStringEnumMemberName("planned")] Planned = 1,
    [JsonStringEnumMemberName("ongoing")] Ongoing,
    [JsonStringEnumMemberName("closed")] Closed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>What a CCB project is: the fields staff register and partner systems report.</summary>
public sealed record ProjectDetails(
    string Title,
    string Funder,
    IReadOnlyList<string> Implementers,
    IReadOnlyList<string> BeneficiaryCountries,
    IReadOnlyList<CcbTheme> Themes,
    IReadOnlyList<Pillar> Pillars,
    decimal? BudgetEur,
    DateOnly StartDate,
    DateOnly EndDate,
    ProjectStatus Status)
{
    /// <summary>The names of the fields that differ from <paramref name="other"/> (camelCase, as on the wire).</summary>
    public IReadOnlyList<string> ChangedFrom(ProjectDetails other)
    {
        var changed = new List<string>();
        if (Title != other.Title) changed.Add("title");
        if (Funder != other.Funder) changed.Add("funder");
        if (!Implementers.SequenceEqual(other.Implementers)) changed.Add("implementers");
        if (!BeneficiaryCountries.SequenceEqual(other.BeneficiaryCountries)) changed.Add("beneficiaryCountries");
        if (!Themes.SequenceEqual(other.Themes)) changed.Add("themes");
        if (!Pillars.SequenceEqual(other.Pillars)) changed.Add("pillars");
        if (BudgetEur != other.BudgetEur) changed.Add("budgetEur");
        if (StartDate != other.StartDate) changed.Add("startDate");
        if (EndDate != other.EndDate) changed.Add("endDate");
        if (Status != other.Status) changed.Add("status");
        return changed;
    }
}

/// <summary>An activity a partner reported under one of its projects.</summary>
public sealed record ReportedActivity(
    string ActivityRef,
    string Title,
    ActivityType ActivityType,
    string Country,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate);

// Domain events of the project registry. Staff register and change projects; partner systems
// report theirs (the partner's own event id travels along, for the audit trail).

public sealed record ProjectRegistered(ProjectDetails Project);

public sealed record ProjectDetailsChanged(ProjectDetails Project, IReadOnlyList<string> ChangedFields);

public sealed record ProjectReportedByPartner(ProjectDetails Project, Guid PartnerId, string ProjectRef, string PartnerEventId);

public sealed record ProjectUpdatedByPartner(ProjectDetails Project, IReadOnlyList<string> ChangedFields, string PartnerEventId);

public sealed record ProjectActivityReported(ReportedActivity Activity, string PartnerEventId);

public sealed record ProjectClosedByPartner(DateOnly ClosedOn, string? Reason, string PartnerEventId);

/// <summary>One CCB project (an inline snapshot: read-your-writes, filters on the document).</summary>
public sealed record Project(
    Guid Id,
    ProjectDetails Details,
    string Source,
    Guid? PartnerId,
    string? PartnerRef,
    IReadOnlyList<ReportedActivity> Activities,
    DateOnly? ClosedOn,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt) : IAggregate
{
    /// <summary>The source of projects registered by network staff (otherwise a partner's id).</summary>
    public const string StaffSource = "staff";

    public long Version { get; init; }

    public static Project Create(IEvent<ProjectRegistered> e) =>
        new(e.StreamId, e.Data.Project, StaffSource, null, null, [], null, e.Timestamp, e.Timestamp);

    public static Project Create(IEvent<ProjectReportedByPartner> e) =>
        new(e.StreamId, e.Data.Project, e.Data.PartnerId.ToString(), e.Data.PartnerId, e.Data.ProjectRef, [], null, e.Timestamp, e.Timestamp);

    public static Project Apply(IEvent<ProjectDetailsChanged> e, Project current) =>
        current with { Details = e.Data.Project, UpdatedAt = e.Timestamp };

    public static Project Apply(IEvent<ProjectUpdatedByPartner> e, Project current) =>
        current with { Details = e.Data.Project, UpdatedAt = e.Timestamp };

    public static Project Apply(IEvent<ProjectActivityReported> e, Project current) =>
        current with
        {
            Activities = [.. current.Activities.Where(a => a.ActivityRef != e.Data.Activity.ActivityRef), e.Data.Activity],
            UpdatedAt = e.Timestamp,
        };

    public static Project Apply(IEvent<ProjectClosedByPartner> e, Project current) =>
        current with { Details = current.Details with { Status = ProjectStatus.Closed }, ClosedOn = e.Data.ClosedOn, UpdatedAt = e.Timestamp };
}
