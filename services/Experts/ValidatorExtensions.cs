using System.Globalization;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Experts;

/// <summary>Checks this service needs beyond the shared <see cref="Validator"/>.</summary>
public static class ValidatorExtensions
{
    /// <summary>
    /// A date as api.md writes it (<c>2027-03-01</c>), read from text so that a malformed one is
    /// reported with the other bad fields instead of failing the whole request.
    /// </summary>
    public static DateOnly IsoDate(this Validator v, string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) v.Add(field, "is required");
            return default;
        }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        v.Add(field, $"'{(value.Length <= 40 ? value : value[..40] + "…")}' is not a date like 2027-03-01");
        return default;
    }
}
