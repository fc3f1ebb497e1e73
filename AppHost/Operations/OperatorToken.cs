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
    public string Create(string role = "coordinator")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(new { alg = "HS256", typ = "JWT" });
        var payload = Encode(new Dictionary<string, object>
        {
            ["iss"] = "eucybernet-local",
            ["aud"] = "eucybernet",
            ["sub"] = "aspire-dashboard",
            ["role"] = role,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        });
        var signature = HMACSHA256.HashData(Convert.FromBase64String(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
