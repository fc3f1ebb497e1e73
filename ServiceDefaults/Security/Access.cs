using System.Security.Claims;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.ServiceDefaults.Security;

/// <summary>
/// Who may call an endpoint, declared on the endpoint itself (<see cref="Access.AllowRoles{TBuilder}"/>
/// or <see cref="Access.AllowAnonymousCallers{TBuilder}"/>). Roles not listed get 403, callers without
/// a token 401. <see cref="OwnOnly"/> names the roles that may act only on their own records (an expert
/// on their expert record, a partner on what it reported); <see cref="Access.OwnedBy{TBuilder}"/> and its
/// helpers check that part before the handler runs. docs/security.md is generated from this metadata and the exhaustive
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

    /// <summary>Every role: whoever holds a valid token.</summary>
    public static readonly string[] Everyone = [.. Readers, Security.Roles.Expert, Security.Roles.Partner];

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

    /// <summary>
    /// The own-only part of the rule, checked before the handler runs: a caller whose roles on this
    /// endpoint are all own-only (an <c>expert</c>, a <c>partner</c>) passes only when
    /// <paramref name="isOwn"/> says the target is theirs; anyone else in an allowed role passes.
    /// <paramref name="isOwn"/> answers <c>null</c> when the target does not exist, so the handler can
    /// answer 404 as it would for anyone.
    /// </summary>
    public static TBuilder OwnedBy<TBuilder>(this TBuilder builder, Func<EndpointFilterInvocationContext, ValueTask<bool?>> isOwn)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var rule = endpoint.Metadata.OfType<AccessRule>().LastOrDefault()
                ?? throw new InvalidOperationException($"{endpoint.DisplayName}: OwnedBy needs AllowRoles(..., ownOnly: ...) first.");
            var unrestricted = rule.Roles.Except(rule.OwnOnly).ToArray();
            endpoint.FilterFactories.Add((_, next) => async context =>
            {
                var user = context.HttpContext.User;
                if (user.IsInAnyRole(unrestricted) || !user.IsInAnyRole(rule.OwnOnly)) return await next(context);
                return await isOwn(context) is false ? Ownership.NotYours("records") : await next(context);
            });
        });
        return builder;
    }

    /// <summary>Own-only callers act on the expert record named by route value <paramref name="name"/>.</summary>
    public static TBuilder OwnExpertInRoute<TBuilder>(this TBuilder builder, string name = "id") where TBuilder : IEndpointConventionBuilder =>
        builder.OwnedBy(context => ValueTask.FromResult<bool?>(
            Guid.TryParse(context.HttpContext.GetRouteValue(name)?.ToString(), out var id) && context.HttpContext.User.ExpertId() == id));

    /// <summary>Own-only callers must filter a list by their own id: query parameter <paramref name="name"/> (expert id or partner id).</summary>
    public static TBuilder OwnInQuery<TBuilder>(this TBuilder builder, string name) where TBuilder : IEndpointConventionBuilder =>
        builder.OwnedBy(context =>
        {
            var user = context.HttpContext.User;
            var value = context.HttpContext.Request.Query[name].ToString();
            var own = user.IsInRole(Roles.Expert) ? user.ExpertId()?.ToString() : user.PartnerId();
            return ValueTask.FromResult<bool?>(own is not null && string.Equals(value, own, StringComparison.OrdinalIgnoreCase));
        });

    /// <summary>Own-only callers act on a stored record (loaded by route value <paramref name="name"/>) that names them.</summary>
    public static TBuilder OwnRecord<TBuilder, TDocument>(this TBuilder builder, Func<TDocument, System.Security.Claims.ClaimsPrincipal, bool> isOwn, string name = "id")
        where TBuilder : IEndpointConventionBuilder
        where TDocument : notnull =>
        builder.OwnedBy(async context =>
            await RouteRecordAsync<TDocument>(context, name) is { } document ? isOwn(document, context.HttpContext.User) : null);

    /// <summary>The stored record whose id is route value <paramref name="name"/>; null when there is none.</summary>
    public static async ValueTask<TDocument?> RouteRecordAsync<TDocument>(EndpointFilterInvocationContext context, string name = "id")
        where TDocument : notnull
    {
        if (!Guid.TryParse(context.HttpContext.GetRouteValue(name)?.ToString(), out var id)) return default;
        var session = context.HttpContext.RequestServices.GetRequiredService<Marten.IQuerySession>();
        return await session.LoadAsync<TDocument>(id, context.HttpContext.RequestAborted);
    }

    /// <summary>
    /// Own-only callers act on a record they created themselves: the first event of the stream named
    /// by route value <paramref name="name"/> was recorded with their user name (the token's <c>sub</c>).
    /// </summary>
    public static ValueTask<bool?> CreatedByCaller(EndpointFilterInvocationContext context, string name = "id") =>
        CreatedByCallerAsync(context, name);

    private static async ValueTask<bool?> CreatedByCallerAsync(EndpointFilterInvocationContext context, string name)
    {
        if (!Guid.TryParse(context.HttpContext.GetRouteValue(name)?.ToString(), out var id)) return null;
        var session = context.HttpContext.RequestServices.GetRequiredService<Marten.IQuerySession>();
        var first = await session.Events.FetchStreamAsync(id, version: 1, token: context.HttpContext.RequestAborted);
        return first.Count == 0 ? null : first[0].UserName is { } author && author == context.HttpContext.User.Identity?.Name;
    }

    /// <summary>Own-only callers send a body of type <typeparamref name="TBody"/> that names them.</summary>
    public static TBuilder OwnBody<TBuilder, TBody>(this TBuilder builder, Func<TBody, System.Security.Claims.ClaimsPrincipal, bool> isOwn)
        where TBuilder : IEndpointConventionBuilder =>
        builder.OwnedBy(context => ValueTask.FromResult<bool?>(
            context.Arguments.OfType<TBody>().FirstOrDefault() is { } body ? isOwn(body, context.HttpContext.User) : null));

    private static TBuilder ProducesProblem<TBuilder>(this TBuilder builder, int status) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
}

/// <summary>The "own record only" part of the matrix, for handlers.</summary>
public static class Ownership
{
    public static bool IsInAnyRole(this ClaimsPrincipal user, IEnumerable<string> roles) => roles.Any(user.IsInRole);


    public static Guid? ExpertId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(LocalTokens.ExpertIdClaim), out var id) ? id : null;

    public static string? PartnerId(this ClaimsPrincipal user) => user.FindFirstValue(LocalTokens.PartnerIdClaim);

    public static ProblemHttpResult NotYours(string what) =>
        TypedResults.Problem($"This token may only act on its own {what}.", statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden", type: "https://eucybernet.eu/problems/not-yours");
}
