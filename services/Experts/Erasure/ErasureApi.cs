using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Erasure;

/// <summary>
/// <c>DELETE /experts/{id}/personal-data</c>: one transaction masks the personal fields of every
/// event of the expert's stream in place (<see cref="PersonalData"/>), appends
/// <see cref="ExpertErased"/>, and so rewrites the snapshot and the search row without them. The
/// stream keeps every decision, who took it, when and why.
/// </summary>
public static class ErasureApi
{
    public static IEndpointRouteBuilder MapErasureApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/experts").WithTags("Experts")
            .MapDelete("/{id:guid}/personal-data", Erase)
            .WithSummary("Erase the expert's personal data everywhere; the history of decisions stays, masked")
            .AllowRoles([Roles.Coordinator, Roles.Expert], ownOnly: [Roles.Expert], note: "coordinator: on the expert's written request").OwnExpertInRoute();
        return app;
    }

    private static async Task<Results<Ok<ExpertView>, ProblemHttpResult>> Erase(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0) return Problems.NotFound(nameof(Expert), id);

        foreach (var e in events)
        {
            if (!PersonalData.TryMask(e)) continue;
            e.Headers ??= [];
            e.Headers[PersonalData.ErasedHeader] = true;
            session.Events.OverwriteEvent(e);
        }

        // The masks cover the stream up to the version read above; an event appended since then
        // would escape them, so the erasure only goes ahead on exactly that version (and the
        // commit's own version check catches anything later).
        var masked = events[^1].Version;
        var byExpert = PoolApi.IsExpert(http);
        return await session.DecideAsync(http, clock, id, expert => expert.Version == masked
            ? Lifecycle.Erase(expert, byExpert)
            : new DomainError("concurrent-change", "The record changed while it was being erased; erase again.", null), ct);
    }
}
