using System.Globalization;
using System.Text.Json;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Training;

/// <summary>
/// Today, for the rules that depend on the date (deadlines, "not before the start", "sessions that
/// have not started"). Its own type rather than the DI TimeProvider, so that tests can move the
/// service's calendar without moving the clock that validates tokens.
/// </summary>
public sealed class TrainingCalendar(TimeProvider time)
{
    /// <summary>The calendar day (UTC); dates of sessions and deadlines are days.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}

/// <summary>Small helpers every feature of the Training service shares.</summary>
public static class Conventions
{
    /// <summary>A lifecycle state as it travels (<c>open-for-enrolment</c>).</summary>
    public static string Slug<TStatus>(this TStatus status) where TStatus : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    /// <summary>An ISO 8601 calendar date (<c>2027-03-01</c>) sent as text, so a bad one is reported with the others.</summary>
    public static DateOnly IsoDate(this Validator v, string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) v.Add(field, "is required");
            return default;
        }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        v.Add(field, "must be a date such as 2027-03-01");
        return default;
    }

    /// <summary>A resource id (GUID) sent as text.</summary>
    public static Guid Id(this Validator v, string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) v.Add(field, "is required");
            return Guid.Empty;
        }
        if (Guid.TryParse(value.Trim(), out var id) && id != Guid.Empty) return id;
        v.Add(field, "is not an id");
        return Guid.Empty;
    }
}

/// <summary>Parsing lifecycle states from their slugs (query filters).</summary>
public static class StatusFilters
{
    public static TStatus Status<TStatus>(this Validator v, string field, string value) where TStatus : struct, Enum
    {
        foreach (var status in Enum.GetValues<TStatus>())
            if (string.Equals(status.Slug(), value.Trim(), StringComparison.OrdinalIgnoreCase)) return status;
        v.Add(field, $"'{(value.Length <= 40 ? value : value[..40])}' is not one of: {string.Join(", ", Enum.GetValues<TStatus>().Select(s => s.Slug()))}");
        return default;
    }
}

/// <summary>The body of a command that takes a reason (<c>{ "reason": "..." }</c>).</summary>
public sealed record ReasonRequest(string? Reason);
