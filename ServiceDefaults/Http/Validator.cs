using System.Net.Mail;
using EuCyberNet.Contracts.Vocabularies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>
/// Collects every bad field of a request before anything is written, so a 400 lists them all.
/// Each method returns the parsed value (or a harmless default when the field is bad); callers
/// check <see cref="IsValid"/> once, after reading every field. Field names are the JSON paths the
/// client sent (<c>languages[1].level</c>).
/// </summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyDictionary<string, string[]> Errors =>
        _errors.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);

    public ValidationProblem ToProblem() => Problems.Invalid(_errors.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages)) _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    /// <summary>Trimmed text of at most <paramref name="maxLength"/> characters; required unless told otherwise.</summary>
    public string Text(string field, string? value, int maxLength, bool required = true)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            if (required) Add(field, "is required");
            return "";
        }
        if (text.Length > maxLength) Add(field, $"must be at most {maxLength} characters (got {text.Length})");
        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) Add(field, "must not contain control characters");
        return text;
    }

    public string? OptionalText(string field, string? value, int maxLength)
    {
        var text = Text(field, value, maxLength, required: false);
        return text.Length == 0 ? null : text;
    }

    public string Email(string field, string? value)
    {
        var text = Text(field, value, 254);
        if (text.Length == 0) return "";
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var ok = at > 0 && at < text.Length - 1 && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.') && !text.Any(char.IsWhiteSpace)
                 && MailAddress.TryCreate(text, out var parsed) && parsed.Address == text;
        if (!ok) Add(field, "is not a valid e-mail address");
        return text.ToLowerInvariant();
    }

    /// <summary>An ISO 3166-1 alpha-2 code (upper case).</summary>
    public string Country(string field, string? value, bool required = true)
    {
        var code = value?.Trim().ToUpperInvariant() ?? "";
        if (code.Length == 0)
        {
            if (required) Add(field, "is required");
            return "";
        }
        if (!Countries.IsCountry(code)) Add(field, $"'{Truncate(value)}' is not an ISO 3166-1 alpha-2 country code");
        return code;
    }

    /// <summary>An EU Member State code: experts' citizenship must be one (our rule).</summary>
    public string EuMemberState(string field, string? value)
    {
        var code = Country(field, value);
        if (code.Length > 0 && Countries.IsCountry(code) && !Countries.IsEuMemberState(code))
            Add(field, $"'{code}' is not an EU Member State");
        return code;
    }

    public string Language(string field, string? value)
    {
        var code = value?.Trim().ToLowerInvariant() ?? "";
        if (code.Length == 0) Add(field, "is required");
        else if (!Languages.IsLanguage(code)) Add(field, $"'{Truncate(value)}' is not an ISO 639-1 language code");
        return code;
    }

    /// <summary>A vocabulary value given as its slug (<c>penetration-tester</c>).</summary>
    public TEnum Slug<TEnum>(string field, string? value) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
            return default;
        }
        if (Contracts.Vocabularies.Slug.TryParse<TEnum>(value, out var parsed)) return parsed;
        Add(field, $"'{Truncate(value)}' is not one of: {string.Join(", ", Contracts.Vocabularies.Slug.All<TEnum>())}");
        return default;
    }

    /// <summary>A list of slugs, distinct, of at most <paramref name="maxCount"/> entries.</summary>
    public IReadOnlyList<TEnum> Slugs<TEnum>(string field, IReadOnlyList<string?>? values, bool required = false, int maxCount = 50)
        where TEnum : struct, Enum
    {
        if (values is null || values.Count == 0)
        {
            if (required) Add(field, "needs at least one value");
            return [];
        }
        if (values.Count > maxCount)
        {
            Add(field, $"must have at most {maxCount} entries");
            return [];
        }
        var parsed = new List<TEnum>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var value = Slug<TEnum>($"{field}[{i}]", values[i]);
            if (!parsed.Contains(value)) parsed.Add(value);
        }
        return parsed;
    }

    public int Range(string field, int? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, "is required");
            return 0;
        }
        if (value < min || value > max) Add(field, $"must be between {min} and {max}");
        return value.Value;
    }

    public DateOnly Date(string field, DateOnly? value)
    {
        if (value is null) Add(field, "is required");
        return value ?? default;
    }

    /// <summary>A period whose end is not before its start.</summary>
    public void Period(string endField, DateOnly start, DateOnly end)
    {
        if (start != default && end != default && end < start) Add(endField, "must not be before the start");
    }

    public void Count<T>(string field, IReadOnlyCollection<T>? values, int max)
    {
        if (values is not null && values.Count > max) Add(field, $"must have at most {max} entries");
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";
}
