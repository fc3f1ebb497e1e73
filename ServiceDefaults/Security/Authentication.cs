using Microsoft.AspNetCore.Authorization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace EuCyberNet.ServiceDefaults.Security;

/// <summary>The roles of architecture.md; the security issue enforces them endpoint by endpoint.</summary>
public static class Roles
{
    public const string Coordinator = "coordinator";
    public const string ProjectOfficer = "project-officer";
    public const string TrainingManager = "training-manager";
    public const string Expert = "expert";
    public const string Partner = "partner";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Coordinator, ProjectOfficer, TrainingManager, Expert, Partner, Auditor];
}

/// <summary>Settings shared by every service and the token command (section "Auth").</summary>
public sealed class AuthOptions
{
    public string Issuer { get; set; } = "eucybernet-local";

    public string Audience { get; set; } = "eucybernet";

    /// <summary>Base64 HMAC-SHA256 key (at least 32 bytes); the AppHost generates and shares one.</summary>
    public string? SigningKey { get; set; }
}

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication with the platform's issuer, audience and signing key. Tokens carry
    /// <c>sub</c> (recorded as the user on every event) and <c>role</c> claims; experts' tokens also
    /// <c>expert_id</c>, partners' <c>partner_id</c>.
    /// </summary>
    public static TBuilder AddDefaultAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var key = options.SigningKey is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : RandomNumberGenerator.GetBytes(32); // no key configured: nothing external can mint a token we accept

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(key),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        // Deny by default: an endpoint that declares no access rule still needs a valid token.
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>Helper for tests and the token command: a key in the format the services expect.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));


}
