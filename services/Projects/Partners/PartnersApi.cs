using EuCyberNet.ServiceDefaults.Security;
using System.Text.RegularExpressions;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.Partners;

public sealed record PartnerBody(string? Name, string? AmqpUser);

public sealed record PartnerView(
    Guid Id, long Version, string Name, string? AmqpUser, PartnerStatus Status, IReadOnlyList<PartnerKey> Keys, DecisionOn Registered, DecisionOn? Revoked)
{
    public static PartnerView From(Partner p) => new(p.Id, p.Version, p.Name, p.AmqpUser, p.Status, p.Keys, p.Registered, p.Revoked);
}

/// <summary>A newly issued key: the only time the key itself is ever shown.</summary>
public sealed record IssuedKey(Guid PartnerId, Guid KeyId, string ApiKey, string Prefix, long Version);

public static partial class PartnerDecisions
{
    public static Decision IssueKey(Partner p, Guid keyId, string hash, string prefix) => p.Status switch
    {
        PartnerStatus.Active => Decision.Emit(new PartnerApiKeyIssued(keyId, hash, prefix)),
        _ => DomainError.InvalidTransition("issue a key", p.Status.Slug()),
    };

    public static Decision RevokeKey(Partner p, Guid keyId, string? reason) => p.Keys.FirstOrDefault(k => k.KeyId == keyId) switch
    {
        null => new DomainError("no-such-key", $"Partner {p.Id} has no key {keyId}.", p.Status.Slug()),
        { Revoked: not null } => Decision.Nothing,
        _ => Decision.Emit(new PartnerApiKeyRevoked(keyId, reason)),
    };

    public static Decision Revoke(Partner p, string reason) => p.Status switch
    {
        PartnerStatus.Active => Decision.Emit(new PartnerRevoked(reason)),
        _ => Decision.Nothing,
    };

    /// <summary>RabbitMQ user names partners may have (what rabbitmqctl accepts, minus anything surprising).</summary>
    [GeneratedRegex("^[A-Za-z0-9._@-]{1,100}$")]
    public static partial Regex AmqpUserName();
}

/// <summary>
/// The partner registry: staff register partner systems, issue and revoke their API keys, and
/// revoke a partner altogether. The RabbitMQ user a partner publishes with is created outside this
/// service (see docs/partner-events.md); here it is only mapped to the partner.
/// </summary>
public static class PartnersApi
{
    public static IEndpointRouteBuilder MapPartnersApi(this IEndpointRouteBuilder app)
    {
        var partners = app.MapGroup("/partners").WithTags("Partner registry");
        partners.MapPost("/", Register).WithSummary("Register a partner system (staff)")
            .AllowRoles(Roles.Coordinator);
        partners.MapGet("/", List).WithSummary("Registered partner systems")
            .AllowRoles(Roles.Coordinator, Roles.Auditor);
        partners.MapGet("/{id:guid}", (Guid id, HttpContext http, IQuerySession session, CancellationToken ct) =>
            session.CurrentAsync<Partner, PartnerView>(http, id, PartnerView.From, ct)).WithSummary("A partner system")
            .AllowRoles(Roles.Coordinator, Roles.Auditor);
        partners.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Partner>(id, ct))
            .WithSummary("Every event of the partner's registration, keys and revocation")
            .AllowRoles(Roles.Coordinator, Roles.Auditor);
        partners.MapPost("/{id:guid}/keys", IssueKey).WithSummary("Issue an API key; the answer is the only time it is shown")
            .AllowRoles(Roles.Coordinator);
        partners.MapPost("/{id:guid}/keys/{keyId:guid}/revoke", RevokeKey).WithSummary("Revoke one API key")
            .AllowRoles(Roles.Coordinator);
        partners.MapPost("/{id:guid}/revoke", Revoke).WithSummary("Revoke the partner: no more events accepted over HTTP or AMQP")
            .AllowRoles(Roles.Coordinator);
        return app;
    }

    private static async Task<Results<Created<PartnerView>, ProblemHttpResult, ValidationProblem>> Register(
        PartnerBody body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var name = v.Text("name", body.Name, 200);
        var amqpUser = v.OptionalText("amqpUser", body.AmqpUser, 100);
        if (amqpUser is not null && !PartnerDecisions.AmqpUserName().IsMatch(amqpUser))
            v.Add("amqpUser", "must be a RabbitMQ user name: letters, digits and . _ @ - only");
        if (!v.IsValid) return v.ToProblem();
        if (amqpUser is not null && await session.Query<Partner>().AnyAsync(p => p.AmqpUser == amqpUser, ct))
            return Problems.Conflict(new DomainError("amqp-user-taken", $"The RabbitMQ user '{amqpUser}' already belongs to another partner."));
        return await session.CreateAsync<Partner, PartnerView>(http, "partners", [new PartnerRegistered(name, amqpUser)], PartnerView.From, ct);
    }

    private static async Task<Ok<Page<PartnerView>>> List(int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize, new Validator());
        var total = await session.Query<Partner>().CountAsync(ct);
        var items = await session.Query<Partner>().OrderBy(p => p.Name).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<PartnerView>([.. items.Select(PartnerView.From)], total));
    }

    private static async Task<Results<Created<IssuedKey>, ProblemHttpResult>> IssueKey(
        Guid id, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var (key, hash, prefix) = ApiKeys.New();
        var keyId = Guid.CreateVersion7();
        // Committed by DecideAsync together with the key's event, or not at all.
        session.Store(new PartnerApiKey(hash, id, keyId, Revoked: false));
        var result = await session.DecideAsync<Partner, PartnerView>(http, id, p => PartnerDecisions.IssueKey(p, keyId, hash, prefix), PartnerView.From, ct);
        if (result.Result is not Ok<PartnerView> { Value: { } partner }) return (ProblemHttpResult)result.Result;
        return TypedResults.Created($"/partners/{id}", new IssuedKey(id, keyId, key, prefix, partner.Version));
    }

    private static async Task<Results<Ok<PartnerView>, ProblemHttpResult, ValidationProblem>> RevokeKey(
        Guid id, Guid keyId, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.Reason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();
        var lookup = await session.Query<PartnerApiKey>().FirstOrDefaultAsync(k => k.KeyId == keyId && k.PartnerId == id, ct);
        if (lookup is not null) session.Store(lookup with { Revoked = true });
        return CommandResults.Widen(await session.DecideAsync<Partner, PartnerView>(http, id,
            p => PartnerDecisions.RevokeKey(p, keyId, reason), PartnerView.From, ct));
    }

    private static async Task<Results<Ok<PartnerView>, ProblemHttpResult, ValidationProblem>> Revoke(
        Guid id, ReasonBody? body, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = RequestValidation.RequiredReason(v, body?.Reason);
        if (!v.IsValid) return v.ToProblem();
        return CommandResults.Widen(await session.DecideAsync<Partner, PartnerView>(http, id,
            p => PartnerDecisions.Revoke(p, reason), PartnerView.From, ct));
    }
}

/// <summary>Who a partner event comes from, by API key (HTTP) or RabbitMQ user (AMQP).</summary>
public static class PartnerIdentity
{
    public static async Task<(Partner? Partner, string? Problem)> ByApiKeyAsync(IQuerySession session, string? apiKey, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(apiKey)) return (null, $"The {ApiKeys.Header} header is missing.");
        var lookup = await session.LoadAsync<PartnerApiKey>(ApiKeys.Hash(apiKey), ct);
        if (lookup is null || lookup.Revoked) return (null, "The API key is unknown or revoked.");
        var partner = await session.LoadAsync<Partner>(lookup.PartnerId, ct);
        return partner is { Status: PartnerStatus.Active } ? (partner, null) : (null, "The partner's access is revoked.");
    }

    public static async Task<(Partner? Partner, string? Problem)> ByAmqpUserAsync(IQuerySession session, string? amqpUser, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(amqpUser))
            return (null, "is missing: publish with the AMQP user_id property set to your RabbitMQ user name");
        var partner = await session.Query<Partner>().FirstOrDefaultAsync(p => p.AmqpUser == amqpUser, ct);
        return partner switch
        {
            null => (null, $"'{Fields.Clip(amqpUser)}' is not the RabbitMQ user of a registered partner"),
            { Status: PartnerStatus.Revoked } => (null, $"partner {partner.Id} ('{Fields.Clip(amqpUser)}') is revoked"),
            _ => (partner, null),
        };
    }
}
