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

/// <summary>One message's outcome in a batch: its result and the id of its kept rejection, or why the intake itself failed on it.</summary>
public sealed record IntakeOutcome(IntakeResult? Result, Guid? RejectionId, Exception? Failure);

/// <summary>
/// The one way partner events enter the registry, whatever the channel (HTTP, AMQP, replay):
/// validate everything and report every reason; then, in one transaction, check the partner's
/// event id against its receipts (a repeat is accepted once and has no second effect), decide on
/// the project (a partner only touches projects it reported), append, and keep what was refused.
/// <para>
/// Messages come in batches (the AMQP listener hands over whatever has arrived; HTTP and replay are
/// batches of one) and a batch is one transaction: its receipts and projects are read in one round
/// trip, each project is fetched once and the batch's events are decided against it in publication
/// order (a later event of the same project sees the earlier ones' effect, a refused one changes
/// nothing), refusals are kept in the same transaction, and one commit ends it. A batch that fails to
/// commit (a concurrent change, a database error, one message the database refuses) is processed
/// again one message per transaction, so only a message that fails on its own fails, as before.
/// </para>
/// </summary>
public sealed class PartnerEventIntake(IDocumentStore store, TimeProvider time)
{
    private const int MaxAttempts = 5;

    /// <summary>Validates, applies and (with <paramref name="recordRejections"/>) keeps the refusals of <paramref name="envelopes"/>; one outcome per envelope, in order.</summary>
    public async Task<IReadOnlyList<IntakeOutcome>> ProcessBatchAsync(
        IReadOnlyList<IntakeEnvelope> envelopes, bool recordRejections, string? replayedBy, CancellationToken ct)
    {
        var items = envelopes.Select(Validate).ToList();
        IReadOnlyList<IntakeOutcome> outcomes;
        if (items.Count == 1)
        {
            outcomes = [await OneAsync(items[0], recordRejections, replayedBy, ct)];
        }
        else
        {
            try
            {
                outcomes = await CommitAsync(items, recordRejections, replayedBy, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // One transaction per message: the messages that can be applied are, the one that fails fails alone.
                var single = new List<IntakeOutcome>(items.Count);
                foreach (var item in items) single.Add(await OneAsync(item, recordRejections, replayedBy, ct));
                outcomes = single;
            }
        }

        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Result is not { } result) continue;
            ProjectsMetrics.PartnerEvent(envelopes[i].Channel, result switch
            {
                IntakeAccepted { Duplicate: true } => "duplicate",
                IntakeAccepted => "accepted",
                _ => "rejected",
            });
        }
        return outcomes;
    }

    /// <summary>One message (HTTP, replay): its result, and the id of its kept rejection when <paramref name="recordRejection"/>; throws when the intake itself fails.</summary>
    public async Task<(IntakeResult Result, Guid? RejectionId)> ProcessAsync(
        IntakeEnvelope envelope, bool recordRejection, string? replayedBy, CancellationToken ct)
    {
        var outcome = (await ProcessBatchAsync([envelope], recordRejection, replayedBy, ct))[0];
        if (outcome.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return (outcome.Result!, outcome.RejectionId);
    }

    /// <summary>One message in its own transaction, decided again when it raced another writer.</summary>
    private async Task<IntakeOutcome> OneAsync(Item item, bool recordRejections, string? replayedBy, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await CommitAsync([item], recordRejections, replayedBy, ct))[0];
            }
            catch (Exception failure) when (attempt < MaxAttempts && (IsReceiptRace(failure) || Transactions.IsConcurrencyFailure(failure)))
            {
                // The same event arrived twice at once, or the project changed meanwhile: decide again.
            }
            catch (Exception failure) when (!ct.IsCancellationRequested)
            {
                return new IntakeOutcome(null, null, failure);
            }
        }
    }

    /// <summary>A message as validated (pure): the parsed event and its partner, or why it is refused.</summary>
    private sealed record Item(IntakeEnvelope Envelope, PartnerEvent? Event, Guid PartnerId, IntakeRejected? Refused)
    {
        public string ReceiptId => $"{PartnerId:N}/{Event!.EventId}";
    }

    private Item Validate(IntakeEnvelope envelope)
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
            return new Item(envelope, null, Guid.Empty, new IntakeRejected(reasons, eventId, type));
        }
        return new Item(envelope, parsed, partnerId, null);
    }

    /// <summary>The items in one transaction, in order; throws (nothing committed) when the commit fails.</summary>
    private async Task<IReadOnlyList<IntakeOutcome>> CommitAsync(IReadOnlyList<Item> items, bool recordRejections, string? replayedBy, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var partners = items.Where(i => i.Event is not null).Select(i => i.PartnerId).Distinct().ToList();
        session.LastModifiedBy = partners.Count == 1 ? $"partner:{partners[0]}" : "partner-intake";

        // One round trip: the receipts of the batch's event ids and every project it names.
        var valid = items.Where(i => i.Event is not null).ToList();
        var receipts = new Dictionary<string, PartnerEventReceipt>(StringComparer.Ordinal);
        var streams = new Dictionary<Guid, JasperFx.Events.IEventStream<Project>>();
        if (valid.Count > 0)
        {
            var batch = session.CreateBatchQuery();
            var receiptsRead = batch.LoadMany<PartnerEventReceipt>().ById([.. valid.Select(i => i.ReceiptId).Distinct(StringComparer.Ordinal)]);
            var fetches = valid.Select(i => PartnerProjectDecisions.TargetOf(i.Event!, i.PartnerId)).Distinct()
                .ToDictionary(id => id, id => batch.Events.FetchForWriting<Project>(id));
            await batch.Execute(ct);
            foreach (var receipt in await receiptsRead) receipts[receipt.Id] = receipt;
            foreach (var (id, fetch) in fetches) streams[id] = await fetch;
        }

        var states = streams.ToDictionary(s => s.Key, s => (State: s.Value.Aggregate, Version: s.Value.CurrentVersion ?? 0));
        var now = time.GetUtcNow();
        var outcomes = new List<IntakeOutcome>(items.Count);
        var writes = false;
        foreach (var item in items)
        {
            var result = item.Refused ?? await ApplyAsync(session, item, receipts, streams, states, replayedBy, now, ct);
            Guid? rejectionId = null;
            if (result is IntakeRejected rejected && recordRejections)
            {
                var rejection = Rejection(item.Envelope, rejected, now);
                session.Store(rejection);
                rejectionId = rejection.Id;
            }
            writes |= rejectionId is not null || result is IntakeAccepted { Duplicate: false };
            outcomes.Add(new IntakeOutcome(result, rejectionId, null));
        }

        if (writes) await session.SaveChangesAsync(ct);
        return outcomes;
    }

    /// <summary>Decides one valid event against the project as the batch left it so far, and stages its effect and receipt.</summary>
    private static async Task<IntakeResult> ApplyAsync(IDocumentSession session, Item item, Dictionary<string, PartnerEventReceipt> receipts,
        Dictionary<Guid, JasperFx.Events.IEventStream<Project>> streams, Dictionary<Guid, (Project? State, long Version)> states, string? replayedBy,
        DateTimeOffset now, CancellationToken ct)
    {
        var e = item.Event!;
        var hash = ContentHash(e);
        if (receipts.TryGetValue(item.ReceiptId, out var receipt))
        {
            return receipt.ContentHash == hash
                ? new IntakeAccepted(e.EventId, receipt.ProjectId, Duplicate: true)
                : new IntakeRejected([new RejectionReason("eventId",
                    $"'{e.EventId}' was already used for a different message (accepted {receipt.AcceptedAt:O}); every event needs its own id")],
                    e.EventId, Slug.Of(e.Type));
        }

        var projectId = PartnerProjectDecisions.TargetOf(e, item.PartnerId);
        var (project, version) = states[projectId];
        var (decision, field) = PartnerProjectDecisions.Decide(project, e, item.PartnerId);
        if (decision.Error is { } error) return new IntakeRejected([new RejectionReason(field, error.Message)], e.EventId, Slug.Of(e.Type));

        if (decision.Events.Count > 0)
        {
            var stream = streams[projectId];
            var before = stream.Events.Count;
            stream.AppendMany(decision.Events);
            foreach (var appended in stream.Events.Skip(before))
            {
                appended.UserName = $"partner:{item.PartnerId}";
                appended.CorrelationId = item.Envelope.CorrelationId ?? $"partner-event:{e.EventId}";
                appended.CausationId = e.EventId;
                if (replayedBy is not null) appended.SetHeader(History.ReasonHeader, $"partner event {e.EventId} replayed by {replayedBy}");
            }

            // The project as these events leave it, for the batch's later events of the same project.
            var applied = decision.Events.Select(data =>
            {
                var built = session.Events.BuildEvent(data);
                built.StreamId = projectId;
                built.Version = ++version;
                built.Timestamp = now;
                return built;
            }).ToList();
            states[projectId] = (await InMemoryFold.FoldAsync(session, project, applied, ct), version);
        }

        receipt = new PartnerEventReceipt(item.ReceiptId, item.PartnerId, e.EventId, hash, projectId, now);
        session.Insert(receipt);
        receipts[item.ReceiptId] = receipt;
        return new IntakeAccepted(e.EventId, projectId, Duplicate: false);
    }

    private static RejectedPartnerEvent Rejection(IntakeEnvelope envelope, IntakeRejected rejected, DateTimeOffset now)
    {
        var truncated = envelope.Body.Length > PartnerEventParser.MaxBytes;
        var kept = truncated ? envelope.Body.AsSpan(0, RejectedPartnerEvent.KeptBytesOfOversized) : envelope.Body;
        return new RejectedPartnerEvent(Guid.CreateVersion7(), envelope.Channel, envelope.PartnerId, envelope.AmqpUser, envelope.RoutingKey,
            rejected.EventId, rejected.EventType, now, Encoding.UTF8.GetString(kept), envelope.Body.Length, truncated,
            rejected.Reasons, RejectionStatus.Rejected, []);
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

        var (result, _) = await ProcessAsync(envelope, recordRejection: false, user ?? "unknown", ct);
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
