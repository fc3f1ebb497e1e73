using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Partners;
using EuCyberNet.Projects.Projects;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx;
using Marten;

namespace EuCyberNet.Projects.PartnerIntake;

/// <summary>
/// One partner message as it arrived, with who sent it as far as the channel could tell: the
/// partner behind the API key or the AMQP <c>user_id</c>, or why the sender is not a partner.
/// </summary>
public sealed record IntakeEnvelope(
    IntakeChannel Channel, byte[] Body, Guid? PartnerId, string? AmqpUser, string? IdentityProblem, string? RoutingKey, string? CorrelationId);

public abstract record IntakeResult;

public sealed record IntakeAccepted(string EventId, Guid ProjectId, bool Duplicate) : IntakeResult;

public sealed record IntakeRejected(IReadOnlyList<RejectionReason> Reasons, string? EventId, string? EventType) : IntakeResult;

/// <summary>
/// The one way partner events enter the registry, whatever the channel (HTTP, AMQP, replay):
/// validate everything and report every reason; then, in one transaction, check the partner's
/// event id against its receipts (a repeat is accepted once and has no second effect), decide on
/// the project (a partner only touches projects it reported) and append.
/// </summary>
public sealed class PartnerEventIntake(IDocumentStore store, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public async Task<IntakeResult> ProcessAsync(IntakeEnvelope envelope, string? replayedBy, CancellationToken ct)
    {
        var result = await DecideAsync(envelope, replayedBy, ct);
        ProjectsMetrics.PartnerEvent(envelope.Channel, result switch
        {
            IntakeAccepted { Duplicate: true } => "duplicate",
            IntakeAccepted => "accepted",
            _ => "rejected",
        });
        return result;
    }

    private async Task<IntakeResult> DecideAsync(IntakeEnvelope envelope, string? replayedBy, CancellationToken ct)
    {
        var reasons = new List<RejectionReason>();
        if (envelope.IdentityProblem is { } identity)
            reasons.Add(new RejectionReason(envelope.Channel == IntakeChannel.Amqp ? "user_id" : ApiKeys.Header, identity));
        var (parsed, problems) = PartnerEventParser.Parse(envelope.Body, time.GetUtcNow());
        reasons.AddRange(problems);
        if (envelope.RoutingKey is { } unknown && !PartnerEventParser.RoutingKeys.Contains(unknown))
            reasons.Add(new RejectionReason("routingKey",
                $"'{Fields.Clip(unknown)}' is not a partner event routing key (one of: {string.Join(", ", PartnerEventParser.RoutingKeys)})"));
        else if (parsed is not null && envelope.RoutingKey is { } key && key != PartnerEventParser.RoutingKeyOf(parsed.Type))
            reasons.Add(new RejectionReason("routingKey",
                $"'{Fields.Clip(key)}' does not match type {Slug.Of(parsed.Type)}: publish it with routing key '{PartnerEventParser.RoutingKeyOf(parsed.Type)}'"));

        if (reasons.Count > 0 || parsed is null || envelope.PartnerId is not { } partnerId)
        {
            var (eventId, type) = Peek(envelope.Body);
            return new IntakeRejected(reasons, eventId, type);
        }
        return await ApplyAsync(parsed, partnerId, envelope.CorrelationId, replayedBy, ct);
    }

    private async Task<IntakeResult> ApplyAsync(PartnerEvent e, Guid partnerId, string? correlationId, string? replayedBy, CancellationToken ct)
    {
        var receiptId = $"{partnerId:N}/{e.EventId}";
        var hash = ContentHash(e);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = $"partner:{partnerId}";
            session.CorrelationId = correlationId ?? $"partner-event:{e.EventId}";
            session.CausationId = e.EventId;
            if (replayedBy is not null) session.SetHeader(History.ReasonHeader, $"partner event {e.EventId} replayed by {replayedBy}");

            if (await session.LoadAsync<PartnerEventReceipt>(receiptId, ct) is { } receipt)
            {
                return receipt.ContentHash == hash
                    ? new IntakeAccepted(e.EventId, receipt.ProjectId, Duplicate: true)
                    : new IntakeRejected([new RejectionReason("eventId",
                        $"'{e.EventId}' was already used for a different message (accepted {receipt.AcceptedAt:O}); every event needs its own id")],
                        e.EventId, Slug.Of(e.Type));
            }

            var projectId = PartnerProjectDecisions.TargetOf(e, partnerId);
            var stream = await session.Events.FetchForWriting<Project>(projectId, ct);
            var (decision, field) = PartnerProjectDecisions.Decide(stream.Aggregate, e, partnerId);
            if (decision.Error is { } error) return new IntakeRejected([new RejectionReason(field, error.Message)], e.EventId, Slug.Of(e.Type));

            stream.AppendMany(decision.Events);
            session.Insert(new PartnerEventReceipt(receiptId, partnerId, e.EventId, hash, projectId, time.GetUtcNow()));
            try
            {
                await session.SaveChangesAsync(ct);
                return new IntakeAccepted(e.EventId, projectId, Duplicate: false);
            }
            catch (Exception failure) when (attempt < MaxAttempts && (IsReceiptRace(failure) || Transactions.IsConcurrencyFailure(failure)))
            {
                // The same event arrived twice at once, or the project changed meanwhile: decide again.
            }
        }
    }

    /// <summary>Keeps a refused message with every reason; returns its id.</summary>
    public async Task<Guid> RecordRejectionAsync(IntakeEnvelope envelope, IntakeRejected rejected, CancellationToken ct)
    {
        var truncated = envelope.Body.Length > PartnerEventParser.MaxBytes;
        var kept = truncated ? envelope.Body.AsSpan(0, RejectedPartnerEvent.KeptBytesOfOversized) : envelope.Body;
        var rejection = new RejectedPartnerEvent(Guid.CreateVersion7(), envelope.Channel, envelope.PartnerId, envelope.AmqpUser, envelope.RoutingKey,
            rejected.EventId, rejected.EventType, time.GetUtcNow(), Encoding.UTF8.GetString(kept), envelope.Body.Length, truncated,
            rejected.Reasons, RejectionStatus.Rejected, []);
        await using var session = store.LightweightSession();
        session.Store(rejection);
        await session.SaveChangesAsync(ct);
        return rejection.Id;
    }

    /// <summary>
    /// Runs a refused message through the intake again (after its cause was fixed: the partner was
    /// registered, the project it refers to was reported, …), or a corrected payload in its place.
    /// </summary>
    public async Task<(RejectedPartnerEvent? Rejection, IntakeResult? Result, DomainError? Refused)> ReplayAsync(
        Guid id, JsonElement? correctedPayload, string? user, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var rejection = await session.LoadAsync<RejectedPartnerEvent>(id, ct);
        if (rejection is null) return (null, null, null);
        if (rejection.Status == RejectionStatus.Replayed)
            return (rejection, null, new DomainError("already-replayed", $"Rejected partner event {id} was already replayed and accepted.", "replayed"));
        if (rejection.PayloadTruncated && correctedPayload is null)
            return (rejection, null, new DomainError("payload-truncated",
                $"Only the first {RejectedPartnerEvent.KeptBytesOfOversized} bytes of this oversized message were kept; replay it with a corrected payload.", "rejected"));

        var (partner, problem) = rejection.PartnerId is { } partnerId
            ? await StillActiveAsync(session, partnerId, ct)
            : await PartnerIdentity.ByAmqpUserAsync(session, rejection.AmqpUser, ct);
        var body = correctedPayload is { } corrected ? Encoding.UTF8.GetBytes(corrected.GetRawText()) : Encoding.UTF8.GetBytes(rejection.Payload);
        var envelope = new IntakeEnvelope(rejection.Channel, body, partner?.Id, rejection.AmqpUser, problem,
            correctedPayload is null ? rejection.RoutingKey : null, $"replay-{id:N}");

        var result = await ProcessAsync(envelope, user ?? "unknown", ct);
        var accepted = result as IntakeAccepted;
        var reasons = (result as IntakeRejected)?.Reasons ?? [];
        var updated = rejection with
        {
            PartnerId = partner?.Id ?? rejection.PartnerId,
            Status = accepted is null ? RejectionStatus.Rejected : RejectionStatus.Replayed,
            Reasons = accepted is null ? reasons : rejection.Reasons,
            Replays = [.. rejection.Replays, new ReplayAttempt(time.GetUtcNow(), user, accepted is not null, correctedPayload is not null, reasons, accepted?.ProjectId)],
        };
        session.Store(updated);
        await session.SaveChangesAsync(ct);
        return (updated, result, null);
    }

    private static async Task<(Partner?, string?)> StillActiveAsync(IQuerySession session, Guid partnerId, CancellationToken ct)
    {
        var partner = await session.LoadAsync<Partner>(partnerId, ct);
        return partner is { Status: PartnerStatus.Active } ? (partner, null) : (null, $"partner {partnerId} is revoked");
    }

    /// <summary>A hash of the event as understood (not of its bytes), so a resend with other whitespace is still the same event.</summary>
    private static string ContentHash(PartnerEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(e, JsonOptions)));

    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions();
        JsonDefaults.Configure(options);
        return options;
    }

    /// <summary>The event id and type of a refused message, when it is JSON enough to tell.</summary>
    private static (string? EventId, string? Type) Peek(byte[] body)
    {
        if (body.Length > PartnerEventParser.MaxBytes) return (null, null);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, null);
            return (Text(document.RootElement, "eventId"), Text(document.RootElement, "type"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Fields.Clip(value.GetString()) : null;
    }

    private static bool IsReceiptRace(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
            if (current is DocumentAlreadyExistsException) return true;
        return false;
    }
}
