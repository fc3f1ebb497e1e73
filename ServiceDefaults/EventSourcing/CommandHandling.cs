using EuCyberNet.ServiceDefaults.Http;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// "Fetch, decide, append" for HTTP commands on one aggregate, the way every service does it:
/// <list type="number">
/// <item>fetch the stream for writing, at the version of <c>If-Match</c> when given (412 if stale);</item>
/// <item>run the pure decide function (409 naming the state when it says no);</item>
/// <item>append its events and commit; a concurrent writer makes the commit fail (409, or 412
/// under <c>If-Match</c>), so no update is ever lost;</item>
/// <item>answer 200 with the new state and its <c>ETag</c>.</item>
/// </list>
/// </summary>
public static class CommandHandling
{
    public static async Task<Results<Ok<TView>, ProblemHttpResult>> DecideAsync<TAggregate, TView>(
        this IDocumentSession session,
        HttpContext http,
        Guid id,
        Func<TAggregate, Decision> decide,
        Func<TAggregate, TView> view,
        CancellationToken ct)
        where TAggregate : class, IAggregate
    {
        if (!http.Request.TryGetExpectedVersion(out var expected))
            return Problems.BadRequest("If-Match must be a quoted stream version such as \"3\".");

        // Group commit only when the events are all this command writes (nothing else staged in the session).
        var group = GroupCommitFor(session, http);
        IEventStream<TAggregate> stream;
        try
        {
            stream = expected is { } version
                ? await session.Events.FetchForWriting<TAggregate>(id, version, ct)
                : await session.Events.FetchForWriting<TAggregate>(id, ct);
        }
        catch (ConcurrencyException) when (expected is not null)
        {
            return Problems.PreconditionFailed(expected.Value);
        }

        if (stream.Aggregate is null) return Problems.NotFound(typeof(TAggregate).Name, id);

        var decision = decide(stream.Aggregate);
        if (decision.Error is { } error) return Problems.Conflict(error);
        if (decision.Events.Count == 0) return Respond(http, stream.Aggregate, view);

        if (group is not null)
        {
            var version = stream.StartingVersion ?? stream.Aggregate.Version;
            var (outcome, state) = await group.CommitWithStateAsync(session, typeof(TAggregate), id, version, decision.Events, ct);
            if (outcome != CommitOutcome.Committed)
                return expected is { } stale ? Problems.PreconditionFailed(stale) : Problems.ConcurrentChange();
            return Respond(http, state as TAggregate ?? await LatestAsync<TAggregate>(session.DocumentStore, id, ct), view);
        }

        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsConcurrencyFailure(e))
        {
            return expected is { } version ? Problems.PreconditionFailed(version) : Problems.ConcurrentChange();
        }

        var latest = await session.Events.FetchLatest<TAggregate>(id, ct)
                     ?? throw new InvalidOperationException($"{typeof(TAggregate).Name} {id} vanished after its own append.");
        return Respond(http, latest, view);
    }

    /// <summary>
    /// Creates a resource: starts its stream with <paramref name="events"/> and answers 201 with its
    /// <c>Location</c> (<c>/{collection}/{id}</c>), its state and <c>ETag</c>. With an
    /// <c>Idempotency-Key</c> a repeated create answers with the resource the first one made.
    /// </summary>
    public static async Task<Created<TView>> CreateAsync<TAggregate, TView>(
        this IDocumentSession session,
        HttpContext http,
        string collection,
        IReadOnlyList<object> events,
        Func<TAggregate, TView> view,
        CancellationToken ct)
        where TAggregate : class, IAggregate
    {
        var id = StreamIds.ForCreate(http.Request, collection);
        TAggregate aggregate;
        if (GroupCommitFor(session, http) is { } group)
        {
            // Committed, or AlreadyExists (a repeated create): either way the resource is there now.
            // A Conflict on a new stream is a concurrent create of the same id, which is also a repeat.
            var (_, state) = await group.CommitWithStateAsync(session, typeof(TAggregate), id, expectedVersion: null, events, ct);
            aggregate = state as TAggregate ?? await LatestAsync<TAggregate>(session.DocumentStore, id, ct);
        }
        else
        {
            await session.TryStartStreamAsync<TAggregate>(id, events, ct);
            aggregate = await session.Events.FetchLatest<TAggregate>(id, ct)
                        ?? throw new InvalidOperationException($"{typeof(TAggregate).Name} {id} is missing right after it was created.");
        }
        http.Response.SetETag(aggregate.Version);
        return TypedResults.Created($"/{collection}/{id}", view(aggregate));
    }

    /// <summary>
    /// Starts a new stream; when the id already exists (a retried create with the same
    /// <c>Idempotency-Key</c>) nothing is written and false is returned.
    /// </summary>
    public static async Task<bool> TryStartStreamAsync<TAggregate>(this IDocumentSession session, Guid id, IReadOnlyList<object> events, CancellationToken ct)
        where TAggregate : class
    {
        session.Events.StartStream<TAggregate>(id, events);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (IsStreamCollision(e) || IsConcurrencyFailure(e))
        {
            session.EjectAllPendingChanges();
            return false;
        }
    }

    /// <summary>
    /// The service's <see cref="CommandGroupCommit"/>, when it has one (AddEventStore registers it unless
    /// <c>EventStore:GroupCommit</c> is false) and the session holds nothing but what the command will
    /// append; otherwise null and the command commits its own session as before.
    /// </summary>
    private static CommandGroupCommit? GroupCommitFor(IDocumentSession session, HttpContext http) =>
        HasStagedWork(session) ? null : http.RequestServices.GetService(typeof(CommandGroupCommit)) as CommandGroupCommit;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, System.Reflection.MethodInfo?> OutstandingWork = new();

    /// <summary>
    /// True when the session already holds writes of its own (documents, streams, or event operations
    /// such as <c>OverwriteEvent</c>, which <see cref="Marten.Services.IUnitOfWork"/> does not list):
    /// Marten's own <c>HasOutstandingWork</c> answers, and if it cannot be found the answer is yes, so
    /// the command never leaves staged work behind.
    /// </summary>
    private static bool HasStagedWork(IDocumentSession session)
    {
        var tracker = session.PendingChanges;
        if (tracker.Operations().Any() || tracker.Streams().Count > 0) return true;
        var probe = OutstandingWork.GetOrAdd(tracker.GetType(), type =>
            type.GetMethod("HasOutstandingWork", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance, Type.EmptyTypes) is { } method
            && method.ReturnType == typeof(bool) ? method : null);
        return probe is null || (bool)probe.Invoke(tracker, null)!;
    }

    /// <summary>The state right after a group commit, read in a fresh session (the request's session saw it before).</summary>
    private static async Task<TAggregate> LatestAsync<TAggregate>(IDocumentStore store, Guid id, CancellationToken ct)
        where TAggregate : class
    {
        await using var query = store.LightweightSession();
        return await query.Events.FetchLatest<TAggregate>(id, ct)
               ?? throw new InvalidOperationException($"{typeof(TAggregate).Name} {id} is missing right after its commit.");
    }

    private static Ok<TView> Respond<TAggregate, TView>(HttpContext http, TAggregate aggregate, Func<TAggregate, TView> view)
        where TAggregate : IAggregate
    {
        http.Response.SetETag(aggregate.Version);
        return TypedResults.Ok(view(aggregate));
    }

    internal static bool IsStreamCollision(Exception e) =>
        e is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || e.InnerException is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException;

    internal static bool IsConcurrencyFailure(Exception e) =>
        e is ConcurrencyException or ConcurrentUpdateException || e.InnerException is ConcurrencyException or ConcurrentUpdateException;
}
