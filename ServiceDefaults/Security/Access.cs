using System.Security.Claims;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.ServiceDefaults.Security;

/// <summary>
/// Who may call an endpoint, declared on the endpoint itself (<see cref="Access.AllowRoles{TBuilder}"/>
/// or <see cref="Access.AllowAnonymousCallers{TBuilder}"/>). Roles not listed get 403, callers without
/// a token 401. <see cref="OwnOnly"/> names the roles that may act only on their own records (an expert
/// on their expert record, a partner on what it reported); the handler enforces that part with
/// <see cref="Ownership"/>. docs/security.md is generated from this metadata and the exhaustive
/// role tests read it, so the matrix, the code and the documentation cannot drift apart.
/// </summary>
public sealed record AccessRule(IReadOnlyList<string> Roles, IReadOnlyList<string> OwnOnly, bool Anonymous, string? Note)
{
    public bool Allows(string role) => Anonymous || Roles.Contains(role);
}

public static class Access
{
    /// <summary>Network staff: coordinators, project officers, training managers.</summary>
    public static readonly string[] Staff = [Security.Roles.Coordinator, Security.Roles.ProjectOfficer, Security.Roles.TrainingManager];

    /// <summary>Staff and auditors: who may read everything, history included.</summary>
    public static readonly string[] Readers = [.. Staff, Security.Roles.Auditor];

    /// <summary>Only these roles may call; <paramref name="ownOnly"/> of them only on their own records.</summary>
    public static TBuilder AllowRoles<TBuilder>(this TBuilder builder, IEnumerable<string> roles, IEnumerable<string>? ownOnly = null, string? note = null)
        where TBuilder : IEndpointConventionBuilder
    {
        var allowed = roles.Distinct(StringComparer.Ordinal).ToArray();
        var own = (ownOnly ?? []).ToArray();
        if (own.Except(allowed).Any()) throw new ArgumentException("Own-only roles must be among the allowed roles.", nameof(ownOnly));
        return builder
            .RequireAuthorization(new AuthorizeAttribute { Roles = string.Join(',', allowed) })
            .WithMetadata(new AccessRule(allowed, own, Anonymous: false, note))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    public static TBuilder AllowRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowRoles(roles, ownOnly: null);

    /// <summary>No token needed (health, the public application form, certificate checks, API-key intake).</summary>
    public static TBuilder AllowAnonymousCallers<TBuilder>(this TBuilder builder, string note) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new AccessRule([], [], Anonymous: true, note));

    private static TBuilder ProducesProblem<TBuilder>(this TBuilder builder, int status) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
}

/// <summary>The "own record only" part of the matrix, for handlers.</summary>
public static class Ownership
{
    public static bool IsInAnyRole(this ClaimsPrincipal user, IEnumerable<string> roles) => roles.Any(user.IsInRole);

    /// <summary>Staff or auditor: not limited to own records.</summary>
    public static bool SeesEverything(this ClaimsPrincipal user) => user.IsInAnyRole(Access.Readers);

    public static Guid? ExpertId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(LocalTokens.ExpertIdClaim), out var id) ? id : null;

    public static string? PartnerId(this ClaimsPrincipal user) => user.FindFirstValue(LocalTokens.PartnerIdClaim);

    /// <summary>Staff, auditors, or the expert whose record it is.</summary>
    public static bool MayAccessExpert(this ClaimsPrincipal user, Guid expertId) =>
        user.SeesEverything() || (user.IsInRole(Roles.Expert) && user.ExpertId() == expertId);

    /// <summary>Staff, auditors, or the partner that reported it (<paramref name="partnerId"/>).</summary>
    public static bool MayAccessPartnerRecord(this ClaimsPrincipal user, string? partnerId) =>
        user.SeesEverything() || (user.IsInRole(Roles.Partner) && partnerId is not null && user.PartnerId() == partnerId);

    public static ProblemHttpResult NotYours(string what) =>
        TypedResults.Problem($"This token may only act on its own {what}.", statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden", type: "https://eucybernet.eu/problems/not-yours");
}
