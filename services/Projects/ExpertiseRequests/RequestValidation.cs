using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Projects.ExpertiseRequests;

/// <summary>A request for expertise as sent (create), or the fields to change (amend). Texts, so every bad field is reported.</summary>
public sealed record ExpertiseRequestBody(
    string? ProjectId,
    string? Requester,
    string? ActivityType,
    string? Title,
    string? Tasks,
    IReadOnlyList<string?>? Roles,
    IReadOnlyList<string?>? Skills,
    IReadOnlyList<string?>? Languages,
    IReadOnlyList<string?>? Themes,
    string? Country,
    bool? Remote,
    string? StartDate,
    string? EndDate,
    string? ApplicationDeadline,
    bool? Paid,
    bool? Travel,
    int? ExpertsNeeded,
    string? Reason = null);

public static class RequestValidation
{
    public const int MaxExpertsNeeded = 50;
    public const int MaxReasonLength = 2000;

    /// <summary>Validates every field; the deadline may not be in the past and must not be after the start.</summary>
    public static RequestDetails Validate(ExpertiseRequestBody b, DateOnly today, Validator v)
    {
        Guid? projectId = null;
        if (!string.IsNullOrWhiteSpace(b.ProjectId))
        {
            if (Guid.TryParse(b.ProjectId, out var parsed)) projectId = parsed;
            else v.Add("projectId", "must be a project id (a GUID)");
        }
        var start = v.Date("startDate", b.StartDate);
        var end = v.Date("endDate", b.EndDate);
        v.Period("endDate", start, end);
        var deadline = v.Date("applicationDeadline", b.ApplicationDeadline);
        if (deadline != default && deadline < today) v.Add("applicationDeadline", $"must not be in the past (today is {today:yyyy-MM-dd})");
        if (deadline != default && start != default && deadline > start) v.Add("applicationDeadline", "must not be after the start date");
        var remote = b.Remote ?? false;
        return new RequestDetails(
            ProjectId: projectId,
            Requester: v.Text("requester", b.Requester, maxLength: 200),
            ActivityType: v.Slug<ActivityType>("activityType", b.ActivityType),
            Title: v.Text("title", b.Title, maxLength: 300),
            Tasks: v.Text("tasks", b.Tasks, maxLength: 8000),
            Roles: v.Slugs<EcsfRole>("roles", b.Roles, required: true, maxCount: 12),
            Skills: v.Texts("skills", b.Skills, maxLength: 200, maxCount: 30),
            Languages: v.Languages("languages", b.Languages, maxCount: 10),
            Themes: v.Slugs<CcbTheme>("themes", b.Themes, maxCount: 5),
            Country: v.Country("country", b.Country),
            Remote: remote,
            StartDate: start,
            EndDate: end,
            ApplicationDeadline: deadline,
            Paid: b.Paid ?? false,
            Travel: b.Travel ?? !remote,
            ExpertsNeeded: v.Range("expertsNeeded", b.ExpertsNeeded, 1, MaxExpertsNeeded));
    }

    /// <summary>An amendment: the current fields, overlaid with those the body gives, validated as a whole.</summary>
    public static RequestDetails Amend(RequestDetails current, ExpertiseRequestBody b, DateOnly today, Validator v) =>
        Validate(new ExpertiseRequestBody(
            ProjectId: b.ProjectId ?? current.ProjectId?.ToString(),
            Requester: b.Requester ?? current.Requester,
            ActivityType: b.ActivityType ?? Slug.Of(current.ActivityType),
            Title: b.Title ?? current.Title,
            Tasks: b.Tasks ?? current.Tasks,
            Roles: b.Roles ?? [.. current.Roles.Select(r => Slug.Of(r))],
            Skills: b.Skills ?? current.Skills,
            Languages: b.Languages ?? current.Languages,
            Themes: b.Themes ?? [.. current.Themes.Select(t => Slug.Of(t))],
            Country: b.Country ?? current.Country,
            Remote: b.Remote ?? current.Remote,
            StartDate: b.StartDate ?? Iso(current.StartDate),
            EndDate: b.EndDate ?? Iso(current.EndDate),
            ApplicationDeadline: b.ApplicationDeadline ?? Iso(current.ApplicationDeadline),
            Paid: b.Paid ?? current.Paid,
            Travel: b.Travel ?? current.Travel,
            ExpertsNeeded: b.ExpertsNeeded ?? current.ExpertsNeeded), today, v);

    public static string? Reason(Validator v, string? reason) => v.OptionalText("reason", reason, MaxReasonLength);

    public static string RequiredReason(Validator v, string? reason) => v.Text("reason", reason, MaxReasonLength);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
