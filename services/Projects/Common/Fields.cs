using System.Globalization;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Projects.Common;

/// <summary>
/// Field readers the service needs beyond <see cref="Validator"/>: ISO dates given as text (so a
/// bad date is one more reported field, not a failed request), and lists of short texts.
/// </summary>
public static class Fields
{
    public static DateOnly Date(this Validator v, string field, string? value, bool required = true)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            if (required) v.Add(field, "is required");
            return default;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        v.Add(field, $"'{Clip(text)}' is not an ISO 8601 date (yyyy-mm-dd)");
        return default;
    }

    public static DateOnly? OptionalDate(this Validator v, string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : v.Date(field, value);

    /// <summary>Distinct trimmed texts, each at most <paramref name="maxLength"/> characters.</summary>
    public static IReadOnlyList<string> Texts(this Validator v, string field, IReadOnlyList<string?>? values, int maxLength,
        int maxCount, bool required = false)
    {
        if (values is null || values.Count == 0)
        {
            if (required) v.Add(field, "needs at least one value");
            return [];
        }
        if (values.Count > maxCount)
        {
            v.Add(field, $"must have at most {maxCount} entries");
            return [];
        }
        var texts = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var text = v.Text($"{field}[{i}]", values[i], maxLength);
            if (text.Length > 0 && !texts.Contains(text, StringComparer.OrdinalIgnoreCase)) texts.Add(text);
        }
        return texts;
    }

    /// <summary>Distinct ISO 3166-1 alpha-2 codes.</summary>
    public static IReadOnlyList<string> Countries(this Validator v, string field, IReadOnlyList<string?>? values, int maxCount, bool required)
    {
        if (values is null || values.Count == 0)
        {
            if (required) v.Add(field, "needs at least one value");
            return [];
        }
        if (values.Count > maxCount)
        {
            v.Add(field, $"must have at most {maxCount} entries");
            return [];
        }
        var codes = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var code = v.Country($"{field}[{i}]", values[i]);
            if (code.Length > 0 && !codes.Contains(code)) codes.Add(code);
        }
        return codes;
    }

    /// <summary>Distinct ISO 639-1 codes.</summary>
    public static IReadOnlyList<string> Languages(this Validator v, string field, IReadOnlyList<string?>? values, int maxCount)
    {
        if (values is null || values.Count == 0) return [];
        if (values.Count > maxCount)
        {
            v.Add(field, $"must have at most {maxCount} entries");
            return [];
        }
        var codes = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var code = v.Language($"{field}[{i}]", values[i]);
            if (code.Length > 0 && !codes.Contains(code)) codes.Add(code);
        }
        return codes;
    }

    public static string Clip(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";
}
