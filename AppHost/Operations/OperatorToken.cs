using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EuCyberNet.AppHost.Operations;

/// <summary>
/// A short-lived coordinator token for the dashboard's commands, signed with the platform's key
/// (the same HS256 JWT the services accept; see ServiceDefaults' LocalTokens).
/// </summary>
public sealed class OperatorToken(string signingKey)
{
    public string Create(string role = "coordinator") => Create("aspire-dashboard", role);

    /// <summary>A token for someone else: the demo seeder acts as staff, experts (expert_id) and partners (partner_id).</summary>
    public string Create(string user, string role, Guid? expertId = null, string? partnerId = null, TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(new { alg = "HS256", typ = "JWT" });
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "eucybernet-local",
            ["aud"] = "eucybernet",
            ["sub"] = user,
            ["role"] = role,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromMinutes(5)).TotalSeconds,
        };
        if (expertId is { } expert) claims["expert_id"] = expert.ToString();
        if (partnerId is not null) claims["partner_id"] = partnerId;
        var payload = Encode(claims);
        var signature = HMACSHA256.HashData(Convert.FromBase64String(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
