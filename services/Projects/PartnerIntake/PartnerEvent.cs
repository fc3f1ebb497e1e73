using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Projects;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Projects.PartnerIntake;

/// <summary>The four partner events; the slugs are the <c>type</c> field's values.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PartnerEventType>))]
public enum PartnerEventType
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("project-reported")] ProjectReported = 1,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("project-updated")] ProjectUpdated,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("activity-reported")] ActivityReported,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("project-closed")] ProjectClosed,
}

/// <summary>One partner event, parsed and validated (docs/partner-events.md has its JSON Schemas).</summary>
public sealed record PartnerEvent(
    string EventId,
    PartnerEventType Type,
    DateTimeOffset OccurredAt,
    string? ProjectRef,
    Guid? ProjectId,
    ProjectDetails? Project,
    ReportedActivity? Activity,
    DateOnly? ClosedOn,
    string? Reason);

/// <summary>One reason a partner event was refused: the JSON path of the field and what is wrong with it.</summary>
public sealed record RejectionReason(string Field, string Message);

/// <summary>
/// Reads a partner event strictly: every field is checked (types, vocabularies, countries, dates,
/// lengths), unknown and repeated fields are refused, and every problem is reported at once.
/// </summary>
public static partial class PartnerEventParser
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxDepth = 8;

    /// <summary>How far in the future an <c>occurredAt</c> may be (partners' clocks drift).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] TopLevel = ["eventId", "type", "occurredAt", "projectRef", "projectId", "project", "activity", "closedOn", "reason"];
    private static readonly string[] ProjectFields =
        ["title", "funder", "implementers", "beneficiaryCountries", "themes", "pillars", "budgetEur", "startDate", "endDate", "status"];
    private static readonly string[] ActivityFields = ["activityRef", "title", "activityType", "country", "themes", "startDate", "endDate"];

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,100}$")]
    private static partial Regex EventIdPattern();

    [GeneratedRegex(@"[+-]\d\d:\d\d$")]
    private static partial Regex OffsetSuffix();

    /// <summary>The routing key a message of <paramref name="type"/> is published with (<c>project.reported</c>, …).</summary>
    public static IReadOnlyList<string> RoutingKeys { get; } = [.. Enum.GetValues<PartnerEventType>().Select(RoutingKeyOf)];

    public static string RoutingKeyOf(PartnerEventType type) => type switch
    {
        PartnerEventType.ProjectReported => "project.reported",
        PartnerEventType.ProjectUpdated => "project.updated",
        PartnerEventType.ActivityReported => "project.activity-reported",
        PartnerEventType.ProjectClosed => "project.closed",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static (PartnerEvent? Event, IReadOnlyList<RejectionReason> Reasons) Parse(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (body.Length > MaxBytes)
            return (null, [new RejectionReason("body", $"is {body.Length} bytes; a partner event may be at most {MaxBytes} bytes")]);
        if (body.Length == 0) return (null, [new RejectionReason("body", "is empty")]);

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) return (null, [new RejectionReason("body", "has content after the JSON object")]);
        }
        catch (JsonException e)
        {
            return (null, [new RejectionReason("body", $"is not valid JSON: {e.Message}")]);
        }

        using (document)
        {
            var v = new Validator();
            var parsed = Read(document.RootElement, now, v);
            return v.IsValid
                ? (parsed, [])
                : (null, [.. v.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => e.Value.Select(m => new RejectionReason(e.Key, m)))]);
        }
    }

    private static PartnerEvent? Read(JsonElement root, DateTimeOffset now, Validator v)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            v.Add("body", $"must be a JSON object, not {Describe(root.ValueKind)}");
            return null;
        }
        CheckFields(root, "", TopLevel, v);

        var eventId = v.Text("eventId", Str(root, "eventId", "eventId", v), 100);
        if (eventId.Length > 0 && !EventIdPattern().IsMatch(eventId)) v.Add("eventId", "may contain only letters, digits and . _ : -");
        var typeText = Str(root, "type", "type", v);
        PartnerEventType? type = Slug.TryParse<PartnerEventType>(typeText, out var parsedType) ? parsedType : null;
        if (type is null) v.Slug<PartnerEventType>("type", typeText);
        var occurredAt = Instant(v, "occurredAt", Str(root, "occurredAt", "occurredAt", v), now);

        var projectRef = v.OptionalText("projectRef", Str(root, "projectRef", "projectRef", v), 100);
        Guid? projectId = null;
        if (Str(root, "projectId", "projectId", v) is { } idText)
        {
            if (Guid.TryParse(idText, out var id)) projectId = id;
            else v.Add("projectId", "must be a project id (a GUID)");
        }

        ProjectDetails? project = null;
        ReportedActivity? activity = null;
        DateOnly? closedOn = null;
        string? reason = null;
        var hasProject = Has(root, "project");
        var hasActivity = Has(root, "activity");
        var hasClosure = Has(root, "closedOn") || Has(root, "reason");

        switch (type)
        {
            case PartnerEventType.ProjectReported:
                if (projectRef is null) v.Add("projectRef", "is required: your own reference for the project");
                if (projectId is not null) v.Add("projectId", "must not be given when reporting a project: the network assigns it");
                project = ReadProject(root, v, required: true);
                Forbid(v, hasActivity, "activity", type.Value);
                Forbid(v, hasClosure, Has(root, "closedOn") ? "closedOn" : "reason", type.Value);
                break;
            case PartnerEventType.ProjectUpdated:
                RequireProjectReference(v, projectRef, projectId);
                project = ReadProject(root, v, required: true);
                Forbid(v, hasActivity, "activity", type.Value);
                Forbid(v, hasClosure, Has(root, "closedOn") ? "closedOn" : "reason", type.Value);
                break;
            case PartnerEventType.ActivityReported:
                RequireProjectReference(v, projectRef, projectId);
                activity = ReadActivity(root, v);
                Forbid(v, hasProject, "project", type.Value);
                Forbid(v, hasClosure, Has(root, "closedOn") ? "closedOn" : "reason", type.Value);
                break;
            case PartnerEventType.ProjectClosed:
                RequireProjectReference(v, projectRef, projectId);
                closedOn = v.Date("closedOn", Str(root, "closedOn", "closedOn", v));
                reason = v.OptionalText("reason", Str(root, "reason", "reason", v), 2000);
                Forbid(v, hasProject, "project", type.Value);
                Forbid(v, hasActivity, "activity", type.Value);
                break;
        }

        if (project is { Status: ProjectStatus.Closed })
            v.Add("project.status", "must not be 'closed' here: close a project with a project-closed event");

        return v.IsValid && type is { } t
            ? new PartnerEvent(eventId, t, occurredAt, projectRef, projectId, project, activity, closedOn, reason)
            : null;
    }

    private static ProjectDetails? ReadProject(JsonElement root, Validator v, bool required)
    {
        if (!root.TryGetProperty("project", out var p) || p.ValueKind == JsonValueKind.Null)
        {
            if (required) v.Add("project", "is required");
            return null;
        }
        if (p.ValueKind != JsonValueKind.Object)
        {
            v.Add("project", $"must be an object, not {Describe(p.ValueKind)}");
            return null;
        }
        CheckFields(p, "project.", ProjectFields, v);
        var request = new ProjectRequest(
            Title: Str(p, "title", "project.title", v),
            Funder: Str(p, "funder", "project.funder", v),
            Implementers: StrArray(p, "implementers", "project.implementers", v),
            BeneficiaryCountries: StrArray(p, "beneficiaryCountries", "project.beneficiaryCountries", v),
            Themes: StrArray(p, "themes", "project.themes", v),
            Pillars: StrArray(p, "pillars", "project.pillars", v),
            BudgetEur: Number(p, "budgetEur", "project.budgetEur", v),
            StartDate: Str(p, "startDate", "project.startDate", v),
            EndDate: Str(p, "endDate", "project.endDate", v),
            Status: Str(p, "status", "project.status", v));
        return ProjectRules.Validate(request, v, "project.");
    }

    private static ReportedActivity? ReadActivity(JsonElement root, Validator v)
    {
        if (!root.TryGetProperty("activity", out var a) || a.ValueKind == JsonValueKind.Null)
        {
            v.Add("activity", "is required");
            return null;
        }
        if (a.ValueKind != JsonValueKind.Object)
        {
            v.Add("activity", $"must be an object, not {Describe(a.ValueKind)}");
            return null;
        }
        CheckFields(a, "activity.", ActivityFields, v);
        var start = v.Date("activity.startDate", Str(a, "startDate", "activity.startDate", v));
        var end = v.Date("activity.endDate", Str(a, "endDate", "activity.endDate", v));
        v.Period("activity.endDate", start, end);
        return new ReportedActivity(
            ActivityRef: v.Text("activity.activityRef", Str(a, "activityRef", "activity.activityRef", v), 100),
            Title: v.Text("activity.title", Str(a, "title", "activity.title", v), 300),
            ActivityType: v.Slug<ActivityType>("activity.activityType", Str(a, "activityType", "activity.activityType", v)),
            Country: v.Country("activity.country", Str(a, "country", "activity.country", v)),
            Themes: v.Slugs<CcbTheme>("activity.themes", StrArray(a, "themes", "activity.themes", v), maxCount: 5),
            StartDate: start,
            EndDate: end);
    }

    private static void RequireProjectReference(Validator v, string? projectRef, Guid? projectId)
    {
        if (projectRef is null && projectId is null) v.Add("projectRef", "is required (or projectId): which of your projects this is about");
    }

    private static void Forbid(Validator v, bool present, string field, PartnerEventType type)
    {
        if (present) v.Add(field, $"is not part of a {Slug.Of(type)} event");
    }

    private static DateTimeOffset Instant(Validator v, string field, string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            v.Add(field, "is required");
            return default;
        }
        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || OffsetSuffix().IsMatch(text);
        if (!hasZone || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) || !text.Contains('T', StringComparison.Ordinal))
        {
            v.Add(field, $"'{Fields.Clip(text)}' is not an ISO 8601 instant with a time zone (2027-03-01T09:00:00Z)");
            return default;
        }
        if (instant > now + ClockSkew) v.Add(field, $"is in the future ({instant:O}; now is {now:O})");
        return instant.ToUniversalTime();
    }

    private static void CheckFields(JsonElement obj, string prefix, string[] allowed, Validator v)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name)) v.Add(prefix + Fields.Clip(property.Name), "appears more than once");
            else if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                v.Add(prefix + Fields.Clip(property.Name), $"is not a field here (allowed: {string.Join(", ", allowed)})");
        }
    }

    private static bool Has(JsonElement obj, string name) => obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? Str(JsonElement obj, string name, string path, Validator v)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        v.Add(path, $"must be a string, not {Describe(value.ValueKind)}");
        return null;
    }

    private static List<string?>? StrArray(JsonElement obj, string name, string path, Validator v)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            v.Add(path, $"must be an array of strings, not {Describe(value.ValueKind)}");
            return null;
        }
        var items = new List<string?>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) items.Add(item.GetString());
            else
            {
                v.Add($"{path}[{i}]", $"must be a string, not {Describe(item.ValueKind)}");
                items.Add(null);
            }
            i++;
        }
        return items;
    }

    private static decimal? Number(JsonElement obj, string name, string path, Validator v)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)) return number;
        v.Add(path, value.ValueKind == JsonValueKind.Number ? "is out of range" : $"must be a number, not {Describe(value.ValueKind)}");
        return null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
