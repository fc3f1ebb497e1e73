using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.Security;
using System.Text.Json;
using EuCyberNet.Projects.Partners;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.PartnerIntake;

public sealed record PartnerEventAccepted(string EventId, Guid ProjectId, bool Duplicate);

public sealed record ReplayBody(JsonElement? Payload);

public sealed record ReplayOutcome(string Outcome, Guid? ProjectId, RejectedPartnerEvent Rejection);

public static class PartnerEventsApi
{
    public static IEndpointRouteBuilder MapPartnerEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/partner-events").WithTags("Partner events");

        events.MapPost("/", Receive)
            .AllowAnonymousCallers("partner systems authenticate with their X-Api-Key, not a token")
            .WithSummary("A partner system sends one project event (X-Api-Key); 202 accepted (once per event id) or 400 with every reason");
        events.MapGet("/rejected", ListRejected).WithSummary("Refused partner messages, newest first, with every reason (filters partnerId, status, channel, eventId, amqpUser)")
            .AllowRoles([Roles.Coordinator, Roles.Auditor, Roles.Partner], ownOnly: [Roles.Partner], note: "partner: ?partnerId= its own").OwnInQuery("partnerId");
        events.MapGet("/rejected/{id:guid}", async Task<Results<Ok<RejectedPartnerEvent>, ProblemHttpResult>> (Guid id, IQuerySession session, CancellationToken ct) =>
                await session.LoadAsync<RejectedPartnerEvent>(id, ct) is { } rejection ? TypedResults.Ok(rejection) : Problems.NotFound("Rejected partner event", id))
            .WithSummary("One refused partner message")
            .AllowRoles([Roles.Coordinator, Roles.Auditor, Roles.Partner], ownOnly: [Roles.Partner]).OwnRecord<RouteHandlerBuilder, RejectedPartnerEvent>(Owners.IsPartnerOf);
        events.MapPost("/rejected/{id:guid}/replay", Replay)
            .WithSummary("Run a refused message through the intake again after a fix (optionally with a corrected payload)")
            .AllowRoles(Roles.Coordinator);
        return app;
    }

    private static async Task<Results<Accepted<PartnerEventAccepted>, ValidationProblem, ProblemHttpResult>> Receive(
        HttpContext http, IQuerySession session, PartnerEventIntake intake, CancellationToken ct)
    {
        var (partner, problem) = await PartnerIdentity.ByApiKeyAsync(session, http.Request.Headers[ApiKeys.Header].ToString(), ct);
        if (partner is null)
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                type: "https://eucybernet.eu/problems/partner-unauthorized");

        // Kestrel caps every body at 256 KiB; anything over the partner limit is kept as an oversized rejection.
        var body = await ReadBodyAsync(http.Request, ct);
        var envelope = new IntakeEnvelope(IntakeChannel.Http, body, partner.Id, null, null, null, http.CorrelationId());
        var (result, rejectionId) = await intake.ProcessAsync(envelope, recordRejection: true, replayedBy: null, ct);
        switch (result)
        {
            case IntakeAccepted accepted:
                return TypedResults.Accepted($"/projects/{accepted.ProjectId}", new PartnerEventAccepted(accepted.EventId, accepted.ProjectId, accepted.Duplicate));
            case IntakeRejected rejected:
                return Refused(rejected.Reasons, rejectionId!.Value, "The partner event was refused and kept as rejected");
            default:
                throw new InvalidOperationException("Unexpected intake result.");
        }
    }

    private static async Task<Results<Ok<Page<RejectedPartnerEvent>>, ValidationProblem>> ListRejected(
        string? partnerId, string? status, string? channel, string? eventId, string? amqpUser, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        Guid? partner = null;
        if (partnerId is not null)
        {
            if (Guid.TryParse(partnerId, out var parsed)) partner = parsed;
            else v.Add("partnerId", "must be a partner id (a GUID)");
        }
        RejectionStatus? statusValue = status is null ? null : v.Slug<RejectionStatus>("status", status);
        IntakeChannel? channelValue = channel is null ? null : v.Slug<IntakeChannel>("channel", channel);
        if (!v.IsValid) return v.ToProblem();

        IQueryable<RejectedPartnerEvent> query = session.Query<RejectedPartnerEvent>();
        if (partner is { } p) query = query.Where(r => r.PartnerId == p);
        if (statusValue is { } s) query = query.Where(r => r.Status == s);
        if (channelValue is { } c) query = query.Where(r => r.Channel == c);
        if (eventId is not null) query = query.Where(r => r.EventId == eventId);
        if (amqpUser is not null) query = query.Where(r => r.AmqpUser == amqpUser);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.ReceivedAt).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<RejectedPartnerEvent>(items, total));
    }

    private static async Task<Results<Ok<ReplayOutcome>, ValidationProblem, ProblemHttpResult>> Replay(
        Guid id, ReplayBody? body, HttpContext http, PartnerEventIntake intake, CancellationToken ct)
    {
        var (rejection, result, refused) = await intake.ReplayAsync(id, body?.Payload is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } payload ? payload : null,
            http.User.UserName(), ct);
        if (rejection is null) return Problems.NotFound("Rejected partner event", id);
        if (refused is not null) return Problems.Conflict(refused);
        return result switch
        {
            IntakeAccepted accepted => TypedResults.Ok(new ReplayOutcome(accepted.Duplicate ? "duplicate" : "accepted", accepted.ProjectId, rejection)),
            IntakeRejected rejected => Refused(rejected.Reasons, id, "The replayed partner event was refused again"),
            _ => throw new InvalidOperationException("Unexpected intake result."),
        };
    }

    private static ValidationProblem Refused(IReadOnlyList<RejectionReason> reasons, Guid rejectionId, string title) =>
        TypedResults.ValidationProblem(
            reasons.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.Select(r => r.Message).ToArray()),
            title: title,
            type: "https://eucybernet.eu/problems/partner-event-rejected",
            extensions: new Dictionary<string, object?> { ["rejectionId"] = rejectionId });

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
