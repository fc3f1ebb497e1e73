using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EuCyberNet.ServiceDefaults.Security;

/// <summary>
/// Tokens the local system accepts: signed with the platform's HMAC key (the AppHost keeps it in
/// .data/secrets/jwt-signing-key), issuer and audience of <see cref="AuthOptions"/>. Used by
/// `./eucybernet token` and by the tests; production would take tokens from the EU's identity
/// provider instead (configure Auth with its issuer and keys).
/// </summary>
public static class LocalTokens
{
    public const string ExpertIdClaim = "expert_id";
    public const string PartnerIdClaim = "partner_id";

    public static string Create(string signingKey, string user, IEnumerable<string> roles, Guid? expertId = null, string? partnerId = null,
        TimeSpan? lifetime = null, AuthOptions? options = null)
    {
        options ??= new AuthOptions();
        var claims = new List<Claim> { new("sub", user) };
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        if (expertId is { } expert) claims.Add(new Claim(ExpertIdClaim, expert.ToString()));
        if (partnerId is not null) claims.Add(new Claim(PartnerIdClaim, partnerId));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(8)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
