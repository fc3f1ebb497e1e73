using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>ETag / If-Match as stream versions: <c>ETag: "3"</c> is version 3.</summary>
public static class Preconditions
{
    public static string ETagFor(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = ETagFor(version);

    /// <summary>
    /// The version the client says it has seen. Absent or <c>*</c> → null (no precondition).
    /// Accepts <c>"3"</c>, <c>W/"3"</c> and bare <c>3</c>; anything else is reported as invalid.
    /// </summary>
    public static bool TryGetExpectedVersion(this HttpRequest request, out long? version)
    {
        version = null;
        var raw = request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0 || raw == "*") return true;
        if (raw.StartsWith("W/", StringComparison.Ordinal)) raw = raw[2..];
        raw = raw.Trim('"');
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1) return false;
        version = parsed;
        return true;
    }
}
