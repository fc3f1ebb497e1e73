using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Overview;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Marten.Linq;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Overlaps;

public sealed record OverlapView(
    Guid Id,
    long Version,
    OverlapStatus Status,
    string ActivityA,
    string ActivityB,
    IReadOnlyList<string> Countries,
    IReadOnlyList<CcbTheme> SharedThemes,
    DateOnly OverlapFrom,
    DateOnly OverlapTo,
    int Generation,
    DateTimeOffset RaisedAt,
    DateTimeOffset ChangedAt,
    string? Reason,
    bool ResolvedAutomatically)
{
    public static OverlapView From(OverlapAlert a) => new(a.Id, a.Version, a.Status, a.ActivityA, a.ActivityB, a.Countries, a.SharedThemes,
        a.OverlapFrom, a.OverlapTo, a.Generation, a.RaisedAt, a.ChangedAt, a.Reason, a.ResolvedAutomatically);
}

/// <summary>The body of acknowledge, resolve and dismiss (a reason is required to dismiss).</summary>
public sealed record OverlapCommand(string? Reason);

public static class OverlapsApi
{
    public static IEndpointRouteBuilder MapOverlapsApi(this IEndpointRouteBuilder app)
    {
        var overlaps = app.MapGroup("/coordination/overlaps").WithTags("Coordination");
        overlaps.MapGet("", List).WithSummary("Overlap alerts; filters status, country, activity (a subject), open")
            .AllowRoles(Roles.Coordinator, Roles.ProjectOfficer, Roles.Auditor);
        overlaps.MapGet("/{id:guid}", Get).WithSummary("One overlap alert; ?asOf= gives it as it was then")
            .AllowRoles(Roles.Coordinator, Roles.ProjectOfficer, Roles.Auditor);
        overlaps.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<OverlapAlert>(id, ct))
            .WithSummary("Every event of the alert, oldest first")
            .AllowRoles(Roles.Coordinator, Roles.ProjectOfficer, Roles.Auditor);
        overlaps.MapPost("/{id:guid}/acknowledge", Acknowledge).WithSummary("A coordinator has seen the alert and is looking into it")
            .AllowRoles(Roles.Coordinator);
        overlaps.MapPost("/{id:guid}/resolve", Resolve).WithSummary("The duplication was dealt with (reason optional)")
            .AllowRoles(Roles.Coordinator);
        overlaps.MapPost("/{id:guid}/dismiss", Dismiss).WithSummary("Not a duplication (reason required); the pair is not raised again")
            .AllowRoles(Roles.Coordinator);
        return app;
    }

    private static async Task<Results<Ok<Page<OverlapView>>, ValidationProblem>> List(
        string? status, string? country, string? activity, bool? open, int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        OverlapStatus? wanted = status is null ? null : v.Slug<OverlapStatus>("status", status);
        var iso = v.Country("country", country, required: false);
        var subject = v.OptionalText("activity", activity, 200);
        if (!v.IsValid) return v.ToProblem();

        IQueryable<OverlapAlert> query = session.Query<OverlapAlert>();
        if (wanted is { } s) query = query.Where(a => a.Status == s);
        if (open is true) query = query.Where(a => a.Status == OverlapStatus.Raised || a.Status == OverlapStatus.Acknowledged);
        if (open is false) query = query.Where(a => a.Status == OverlapStatus.Resolved || a.Status == OverlapStatus.Dismissed);
        if (iso.Length > 0) query = query.Where(a => a.Countries.Contains(iso));
        if (subject is not null) query = query.Where(a => a.ActivityA == subject || a.ActivityB == subject);
        var items = await query.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id)
            .Stats(out var stats).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<OverlapView>([.. items.Select(OverlapView.From)], stats.TotalResults));
    }

    private static async Task<Results<Ok<OverlapView>, ProblemHttpResult, ValidationProblem>> Get(
        Guid id, string? asOf, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var instant = OverviewApi.ParseInstant(v, "asOf", asOf);
        if (!v.IsValid) return v.ToProblem();
        return Widen(instant is { } when
            ? await session.AsOfAsync<OverlapAlert, OverlapView>(id, when, OverlapView.From, ct)
            : await session.CurrentAsync<OverlapAlert, OverlapView>(http, id, OverlapView.From, ct));
    }

    private static async Task<Results<Ok<OverlapView>, ProblemHttpResult, ValidationProblem>> Acknowledge(
        Guid id, OverlapCommand? command, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.OptionalText("reason", command?.Reason, 2000);
        if (!v.IsValid) return v.ToProblem();
        return Widen(await session.DecideAsync<OverlapAlert, OverlapView>(http, id, a => OverlapDecisions.Acknowledge(a, reason), OverlapView.From, ct));
    }

    private static async Task<Results<Ok<OverlapView>, ProblemHttpResult, ValidationProblem>> Resolve(
        Guid id, OverlapCommand? command, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.OptionalText("reason", command?.Reason, 2000) ?? "Resolved by a coordinator.";
        if (!v.IsValid) return v.ToProblem();
        return Widen(await session.DecideAsync<OverlapAlert, OverlapView>(http, id, a => OverlapDecisions.Resolve(a, reason), OverlapView.From, ct));
    }

    private static async Task<Results<Ok<OverlapView>, ProblemHttpResult, ValidationProblem>> Dismiss(
        Guid id, OverlapCommand? command, HttpContext http, IDocumentSession session, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", command?.Reason, 2000);
        if (!v.IsValid) return v.ToProblem();
        return Widen(await session.DecideAsync<OverlapAlert, OverlapView>(http, id, a => OverlapDecisions.Dismiss(a, reason), OverlapView.From, ct));
    }

    private static Results<Ok<OverlapView>, ProblemHttpResult, ValidationProblem> Widen(Results<Ok<OverlapView>, ProblemHttpResult> result) =>
        result.Result switch
        {
            Ok<OverlapView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result " + result.Result.GetType().Name),
        };
}
