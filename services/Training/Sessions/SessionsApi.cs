using EuCyberNet.Training.Common;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Courses;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Training.Sessions;

public sealed record SessionView(
    Guid Id,
    long Version,
    Guid CourseId,
    string CourseTitle,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    string? Country,
    string? City,
    bool Online,
    int Capacity,
    DateOnly EnrolmentDeadline,
    SessionStatus Status,
    int SeatsTaken,
    int SeatsFree,
    IReadOnlyList<Guid> Confirmed,
    IReadOnlyList<Guid> Waitlist,
    string? CancellationReason)
{
    public static SessionView From(TrainingSession s) => new(
        s.Id, s.Version, s.CourseId, s.CourseTitle, s.Format, s.Language, s.Roles, s.Themes, s.StartDate, s.EndDate,
        s.Country, s.City, s.Online, s.Capacity, s.EnrolmentDeadline, s.Status, s.Seats.Count, Math.Max(0, s.Capacity - s.Seats.Count),
        [.. s.Seats.Select(p => p.EnrolmentId)], [.. s.Waitlist.Select(p => p.EnrolmentId)], s.CancellationReason);
}

public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/training-sessions").WithTags("Training sessions");

        sessions.MapPost("", Schedule).WithSummary("Schedule a session of a course")
            .AllowRoles(Roles.TrainingManager);
        sessions.MapPost("/{id:guid}/open", Open).WithSummary("Open the session for enrolment")
            .AllowRoles(Roles.TrainingManager);
        sessions.MapPost("/{id:guid}/deliver", Deliver).WithSummary("The session took place (waitlisted enrolments lapse)")
            .AllowRoles(Roles.TrainingManager);
        sessions.MapPost("/{id:guid}/close", Close).WithSummary("Close a delivered session")
            .AllowRoles(Roles.TrainingManager);
        sessions.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel the session and every enrolment in it (reason required)")
            .AllowRoles(Roles.TrainingManager);
        sessions.MapGet("", List).WithSummary("Sessions by course, status, country, online, role, theme and period")
            .AllowRoles(Access.Everyone);
        sessions.MapGet("/{id:guid}", Get).WithSummary("A session with its seats and waitlist; ?asOf= gives it as it was then")
            .AllowRoles(Access.Everyone);
        sessions.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<TrainingSession>(id, ct))
            .WithSummary("Every event of the session (its seat ledger included), oldest first")
            .AllowRoles(Roles.TrainingManager, Roles.Coordinator, Roles.Auditor);
        return app;
    }

    private static async Task<Results<Created<SessionView>, ValidationProblem>> Schedule(
        SessionRequest request, HttpContext http, IDocumentSession session, TrainingCalendar calendar, CancellationToken ct)
    {
        var (plan, v) = SessionRules.Validate(request, calendar.Today);
        // The course is looked up whatever else is wrong, so an unknown course is reported with the rest.
        var course = Guid.TryParse(request.CourseId, out var courseId) && courseId != Guid.Empty ? await session.LoadAsync<Course>(courseId, ct) : null;
        if (course is null && courseId != Guid.Empty) v.Add("courseId", $"no course {courseId} in the catalogue");
        if (plan is null || course is null) return v.ToProblem();

        return await session.CreateAsync<TrainingSession, SessionView>(
            http, "training-sessions", SessionRules.Schedule(course, plan).Events, SessionView.From, ct);
    }

    private static Task<Results<Ok<SessionView>, ProblemHttpResult>> Open(
        Guid id, HttpContext http, ISessionFactory sessions, SessionGates gates, TrainingCalendar calendar, CancellationToken ct) =>
        CommandAsync(id, http, sessions, gates, s => SessionRules.Open(s, calendar.Today), ct);

    private static Task<Results<Ok<SessionView>, ProblemHttpResult>> Deliver(
        Guid id, HttpContext http, ISessionFactory sessions, SessionGates gates, TrainingCalendar calendar, CancellationToken ct) =>
        CommandAsync(id, http, sessions, gates, s => SessionRules.Deliver(s, calendar.Today), ct);

    private static Task<Results<Ok<SessionView>, ProblemHttpResult>> Close(
        Guid id, HttpContext http, ISessionFactory sessions, SessionGates gates, CancellationToken ct) =>
        CommandAsync(id, http, sessions, gates, SessionRules.Close, ct);

    private static async Task<Results<Ok<SessionView>, ProblemHttpResult, ValidationProblem>> Cancel(
        Guid id, ReasonRequest? body, HttpContext http, ISessionFactory sessions, SessionGates gates, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", body?.Reason, 1000);
        if (!v.IsValid) return v.ToProblem();
        var result = await CommandAsync(id, http, sessions, gates, s => SessionRules.Cancel(s, reason), ct);
        return result.Result switch
        {
            Ok<SessionView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result"),
        };
    }

    /// <summary>A lifecycle command on the session: under its ledger lock, because delivering and cancelling touch enrolments too.</summary>
    private static async Task<Results<Ok<SessionView>, ProblemHttpResult>> CommandAsync(
        Guid id, HttpContext http, ISessionFactory sessions, SessionGates gates, Func<TrainingSession, LedgerChange> decide, CancellationToken ct)
    {
        if (!http.Request.TryGetExpectedVersion(out var expected))
            return Problems.BadRequest("If-Match must be a quoted stream version such as \"3\".");

        return await SessionLedger.ExecuteAsync<Results<Ok<SessionView>, ProblemHttpResult>>(sessions, gates, id, beforeLock: null,
            decide: (_, s) => Task.FromResult(expected is { } version && s.Version != version ? SessionLedger.Stale(version) : decide(s)),
            respond: async (db, outcome) =>
            {
                if (outcome.NotFound) return Problems.NotFound(nameof(TrainingSession), id);
                if (outcome.Change.Error is { } error) return SessionLedger.Problem(error, expected);
                var latest = await db.LoadAsync<TrainingSession>(id, ct)
                             ?? throw new InvalidOperationException($"Session {id} vanished after its own command.");
                http.Response.SetETag(latest.Version);
                return TypedResults.Ok(SessionView.From(latest));
            }, ct);
    }

    private static async Task<Results<Ok<Page<SessionView>>, ValidationProblem>> List(
        string? courseId, string? status, string? country, bool? online, string? role, string? theme, string? from, string? to,
        int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        IQueryable<TrainingSession> query = session.Query<TrainingSession>();
        if (courseId is not null)
        {
            var id = v.Id("courseId", courseId);
            query = query.Where(s => s.CourseId == id);
        }
        if (status is not null)
        {
            var st = v.Status<SessionStatus>("status", status);
            query = query.Where(s => s.Status == st);
        }
        if (country is not null)
        {
            var code = v.Country("country", country);
            query = query.Where(s => s.Country == code);
        }
        if (online is { } isOnline) query = query.Where(s => s.Online == isOnline);
        if (role is not null)
        {
            var r = v.Slug<EcsfRole>("role", role);
            query = query.Where(s => s.Roles.Contains(r));
        }
        if (theme is not null)
        {
            var t = v.Slug<CcbTheme>("theme", theme);
            query = query.Where(s => s.Themes.Contains(t));
        }
        if (from is not null)
        {
            var date = v.IsoDate("from", from);
            query = query.Where(s => s.EndDate >= date);
        }
        if (to is not null)
        {
            var date = v.IsoDate("to", to);
            query = query.Where(s => s.StartDate <= date);
        }
        if (!v.IsValid) return v.ToProblem();

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(s => s.StartDate).ThenBy(s => s.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<SessionView>([.. items.Select(SessionView.From)], total));
    }

    private static Task<Results<Ok<SessionView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct) =>
        asOf is { } when
            ? session.AsOfAsync<TrainingSession, SessionView>(id, when, SessionView.From, ct)
            : session.CurrentAsync<TrainingSession, SessionView>(http, id, SessionView.From, ct);
}
