using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using EuCyberNet.ServiceDefaults.Http;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>One event of a resource's history, as api.md defines it.</summary>
public sealed record HistoryEntry(
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset OccurredAt,
    string? User,
    string? CorrelationId,
    string? CausationId,
    string? Reason,
    object Data);

/// <summary>History and as-of reads every resource offers (<c>/{id}/history</c>, <c>?asOf=</c>).</summary>
public static class History
{
    /// <summary>Event header for a decision's reason when the event itself has no <c>Reason</c>.</summary>
    public const string ReasonHeader = "reason";

    private static readonly ConcurrentDictionary<Type, PropertyInfo?> ReasonProperties = new();

    public static async Task<Results<Ok<IReadOnlyList<HistoryEntry>>, ProblemHttpResult>> HistoryAsync<TAggregate>(
        this IQuerySession session, Guid id, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0) return Problems.NotFound(typeof(TAggregate).Name, id);
        return TypedResults.Ok<IReadOnlyList<HistoryEntry>>([.. events.Select(ToEntry)]);
    }

    public static HistoryEntry ToEntry(IEvent e) => new(
        e.Version,
        e.Sequence,
        e.EventType.Name,
        e.Timestamp,
        e.UserName,
        e.CorrelationId,
        e.CausationId,
        ReasonOf(e),
        e.Data);

    /// <summary>
    /// The state of a resource as it was at <paramref name="asOf"/>, folded from the events up to
    /// then; 404 when it did not exist yet.
    /// </summary>
    public static async Task<Results<Ok<TView>, ProblemHttpResult>> AsOfAsync<TAggregate, TView>(
        this IQuerySession session, Guid id, DateTimeOffset asOf, Func<TAggregate, TView> view, CancellationToken ct)
        where TAggregate : class
    {
        var aggregate = await session.Events.AggregateStreamAsync<TAggregate>(id, timestamp: asOf.ToUniversalTime(), token: ct);
        return aggregate is null
            ? Problems.NotFound($"{typeof(TAggregate).Name} {id} did not exist at {asOf:O}.")
            : TypedResults.Ok(view(aggregate));
    }

    /// <summary>The current state from the inline snapshot, with its ETag.</summary>
    public static async Task<Results<Ok<TView>, ProblemHttpResult>> CurrentAsync<TAggregate, TView>(
        this IQuerySession session, HttpContext http, Guid id, Func<TAggregate, TView> view, CancellationToken ct)
        where TAggregate : class, IAggregate
    {
        var aggregate = await session.LoadAsync<TAggregate>(id, ct);
        if (aggregate is null) return Problems.NotFound(typeof(TAggregate).Name, id);
        http.Response.SetETag(aggregate.Version);
        return TypedResults.Ok(view(aggregate));
    }

    private static string? ReasonOf(IEvent e)
    {
        var property = ReasonProperties.GetOrAdd(e.EventType, t => t.GetProperty("Reason", typeof(string)));
        if (property?.GetValue(e.Data) is string reason && reason.Length > 0) return reason;
        return e.GetHeader(ReasonHeader) switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
            _ => null,
        };
    }
}
