using EuCyberNet.ServiceDefaults.Http;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.Common;

/// <summary>
/// One attempt of a command that changes several aggregates in one transaction: either a problem
/// to answer with (nothing is written), or the changes staged in the session and how to answer
/// once they are committed.
/// </summary>
public readonly record struct Outcome<TView>(ProblemHttpResult? Problem, bool Changed, Func<IDocumentSession, CancellationToken, Task<TView>>? Respond)
{
    public static implicit operator Outcome<TView>(ProblemHttpResult problem) => new(problem, false, null);
}

public static class Outcome
{
    /// <summary>Commit what the attempt staged, then answer with <paramref name="respond"/>.</summary>
    public static Outcome<TView> Commit<TView>(Func<IDocumentSession, CancellationToken, Task<TView>> respond) => new(null, true, respond);

    /// <summary>Nothing to write (an idempotent repeat): answer with the current state.</summary>
    public static Outcome<TView> Unchanged<TView>(Func<IDocumentSession, CancellationToken, Task<TView>> respond) => new(null, false, respond);
}

/// <summary>
/// Commands that touch more than one aggregate (a selection appends to the request, starts the
/// deployment and books the expert) commit all their streams in one PostgreSQL transaction, each
/// stream fetched for writing, so a concurrent writer on any of them makes the whole commit fail.
/// A failed attempt is retried on fresh state a few times (the decide functions are pure, so a
/// retry is just deciding again); the attempt itself answers 412 when <c>If-Match</c> is stale.
/// Single-aggregate commands use ServiceDefaults' <c>DecideAsync</c>.
/// </summary>
public static class Transactions
{
    public const int MaxAttempts = 6;

    public static async Task<Results<Ok<TView>, ProblemHttpResult>> RunAsync<TView>(
        this ISessionFactory sessions,
        HttpContext http,
        Func<IDocumentSession, long?, CancellationToken, Task<Outcome<TView>>> attempt,
        Func<TView, long> versionOf,
        CancellationToken ct)
    {
        if (!http.Request.TryGetExpectedVersion(out var expected))
            return Problems.BadRequest("If-Match must be a quoted stream version such as \"3\".");

        for (var n = 1; ; n++)
        {
            await using var session = sessions.OpenSession();
            Outcome<TView> step;
            try
            {
                step = await attempt(session, expected, ct);
                if (step.Problem is { } problem) return problem;
                if (step.Changed) await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (IsConcurrencyFailure(e))
            {
                if (n >= MaxAttempts) return Problems.ConcurrentChange();
                await Task.Delay(Random.Shared.Next(5, 20 * n), ct);
                continue;
            }

            var view = await step.Respond!(session, ct);
            http.Response.SetETag(versionOf(view));
            return TypedResults.Ok(view);
        }
    }

    public static bool IsConcurrencyFailure(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is ConcurrencyException or ConcurrentUpdateException
                or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
                or Marten.Exceptions.StreamLockedException or JasperFx.Events.StreamLockedException)
                return true;
            // Deadlock or serialization failure: PostgreSQL rolled one transaction back; deciding again is safe.
            if (current is Npgsql.PostgresException { SqlState: "40P01" or "40001" }) return true;
        }
        return false;
    }
}
