using EuCyberNet.Training.Common;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Certificates;
using EuCyberNet.Training.Courses;
using EuCyberNet.Training.ExpertFacts;
using EuCyberNet.Training.Sessions;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Training.Enrolments;

public sealed record EnrolmentView(
    Guid Id,
    long Version,
    Guid SessionId,
    Guid CourseId,
    string CourseTitle,
    IReadOnlyList<EcsfRole> Roles,
    DateOnly SessionStartDate,
    DateOnly SessionEndDate,
    Guid? ExpertId,
    ExternalParticipant? Participant,
    EnrolmentStatus Status,
    int? WaitlistPosition,
    string? CancellationReason,
    DateOnly? CompletedOn,
    string? CertificateNumber,
    DateOnly? CertificateIssuedOn)
{
    /// <summary>The enrolment, with its current place on the waitlist read from the session's ledger.</summary>
    public static EnrolmentView From(Enrolment e, TrainingSession? session)
    {
        var position = e.Status == EnrolmentStatus.Waitlisted && session is not null
            ? session.Waitlist.Select((p, i) => (p.EnrolmentId, Position: i + 1)).FirstOrDefault(p => p.EnrolmentId == e.Id).Position
            : 0;
        return new(e.Id, e.Version, e.SessionId, e.CourseId, e.CourseTitle, e.Roles, e.SessionStartDate, e.SessionEndDate, e.ExpertId,
            e.Participant, e.Status, position > 0 ? position : null, e.CancellationReason, e.CompletedOn, e.CertificateNumber, e.CertificateIssuedOn);
    }
}

public static class EnrolmentsApi
{
    public static IEndpointRouteBuilder MapEnrolmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/training-sessions/{id:guid}/enrolments", Enrol).WithTags("Enrolments")
            .WithSummary("Enrol an expert (expertId) or an external participant (participant): confirmed while seats remain, else waitlisted")
            .AllowRoles([Roles.TrainingManager, Roles.Expert, Roles.Partner], ownOnly: [Roles.Expert, Roles.Partner], note: "expert: themselves; partner: external participants").OwnedBy(Owners.EnrolsWithinOwnRights);
        app.MapGet("/training-sessions/{id:guid}/enrolments", (Guid id, string? status, int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
                ListAsync(session, id, null, null, status, page, pageSize, ct))
            .WithTags("Enrolments").WithSummary("The session's enrolments")
            .AllowRoles(Roles.TrainingManager, Roles.Coordinator, Roles.Auditor);

        var enrolments = app.MapGroup("/enrolments").WithTags("Enrolments");
        enrolments.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel an enrolment; a freed seat goes to the first waitlisted")
            .AllowRoles([Roles.TrainingManager, Roles.Expert, Roles.Partner], ownOnly: [Roles.Expert, Roles.Partner], note: "expert: their own; partner: its nominations").OwnedBy(Owners.IsOwnEnrolment);
        enrolments.MapPost("/{id:guid}/attend", (Guid id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                OnEnrolmentAsync(id, http, session, (e, s) => EnrolmentRules.Attend(e, s.Status), ct))
            .WithSummary("The participant attended the delivered session")
            .AllowRoles(Roles.TrainingManager);
        enrolments.MapPost("/{id:guid}/no-show", (Guid id, HttpContext http, IDocumentSession session, CancellationToken ct) =>
                OnEnrolmentAsync(id, http, session, (e, s) => EnrolmentRules.NoShow(e, s.Status), ct))
            .WithSummary("The participant did not come to the delivered session")
            .AllowRoles(Roles.TrainingManager);
        enrolments.MapPost("/{id:guid}/complete", (Guid id, HttpContext http, IDocumentSession session, TrainingCalendar calendar, CancellationToken ct) =>
                OnEnrolmentAsync(id, http, session, (e, _) => EnrolmentRules.Complete(e, calendar.Today), ct))
            .WithSummary("The participant completed the course (published as TrainingCompleted)")
            .AllowRoles(Roles.TrainingManager);
        enrolments.MapPost("/{id:guid}/certify", (Guid id, HttpContext http, IDocumentSession session, TrainingCalendar calendar, CancellationToken ct) =>
                OnEnrolmentAsync(id, http, session, (e, _) => EnrolmentRules.Certify(e, CertificateNumber.Draw(calendar.Today), calendar.Today), ct))
            .WithSummary("Issue the certificate of a completed enrolment")
            .AllowRoles(Roles.TrainingManager);
        enrolments.MapGet("", (Guid? sessionId, Guid? expertId, Guid? courseId, string? status, int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
                ListAsync(session, sessionId, expertId, courseId, status, page, pageSize, ct))
            .WithSummary("Enrolments by session, expert, course and status")
            .AllowRoles([Roles.TrainingManager, Roles.Coordinator, Roles.Auditor, Roles.Expert], ownOnly: [Roles.Expert], note: "expert: ?expertId= their own").OwnInQuery("expertId");
        enrolments.MapGet("/{id:guid}", Get).WithSummary("An enrolment with its place on the waitlist; ?asOf= gives it as it was then")
            .AllowRoles([Roles.TrainingManager, Roles.Coordinator, Roles.Auditor, Roles.Expert, Roles.Partner], ownOnly: [Roles.Expert, Roles.Partner]).OwnedBy(Owners.IsOwnEnrolment);
        enrolments.MapGet("/{id:guid}/history", (Guid id, IQuerySession session, CancellationToken ct) => session.HistoryAsync<Enrolment>(id, ct))
            .WithSummary("Every event of the enrolment, oldest first")
            .AllowRoles([Roles.TrainingManager, Roles.Coordinator, Roles.Auditor, Roles.Expert, Roles.Partner], ownOnly: [Roles.Expert, Roles.Partner]).OwnedBy(Owners.IsOwnEnrolment);
        return app;
    }

    private static async Task<Results<Created<EnrolmentView>, ValidationProblem, ProblemHttpResult>> Enrol(
        Guid id, EnrolmentRequest request, HttpContext http, IQuerySession query, ISessionFactory sessions, SessionGates gates,
        TrainingCalendar calendar, CancellationToken ct)
    {
        var enrolmentId = StreamIds.ForCreate(http.Request, $"training-sessions/{id}/enrolments");
        var (nomination, v) = EnrolmentRules.Validate(request, enrolmentId);
        if (nomination is null) return v.ToProblem();

        var target = await query.LoadAsync<TrainingSession>(id, ct);
        if (target is null) return Problems.NotFound(nameof(TrainingSession), id);
        if (await query.LoadAsync<Enrolment>(enrolmentId, ct) is { } repeated)
            return Created(http, repeated, await query.LoadAsync<TrainingSession>(repeated.SessionId, ct));

        // Facts that only grow (completed courses) are read before queuing for the seat ledger.
        IReadOnlyList<Guid> required = [];
        IReadOnlyList<Guid> completed = [];
        if (nomination.ExpertId is { } expert)
        {
            required = (await query.LoadAsync<Course>(target.CourseId, ct))?.Details.PrerequisiteCourseIds ?? [];
            if (required.Count > 0)
                completed = await query.Query<Enrolment>()
                    .Where(e => e.ExpertId == expert && (e.Status == EnrolmentStatus.Completed || e.Status == EnrolmentStatus.CertificateIssued)
                                && required.Contains(e.CourseId))
                    .Select(e => e.CourseId).ToListAsync(ct);
        }

        // The expert's status is read under the expert's shared lock (see ExpertLocks), before the session's lock.
        string? expertStatus = null;
        return await SessionLedger.ExecuteAsync<Results<Created<EnrolmentView>, ValidationProblem, ProblemHttpResult>>(sessions, gates, id,
            beforeLock: nomination.ExpertId is not { } expertId ? null : async (db, token) =>
            {
                await ExpertLocks.ShareAsync(db, expertId, token);
                expertStatus = (await db.LoadAsync<ExpertFact>(expertId, token))?.Status;
            },
            decide: (_, s) => Task.FromResult(EnrolmentRules.Enrol(s, nomination, new EnrolmentFacts(calendar.Today, expertStatus, required, completed))),
            respond: async (db, outcome) =>
            {
                if (outcome.NotFound) return Problems.NotFound(nameof(TrainingSession), id);
                if (outcome.Change.Error is { } error) return Problems.Conflict(error);
                var enrolment = await db.LoadAsync<Enrolment>(enrolmentId, ct)
                                ?? throw new InvalidOperationException($"Enrolment {enrolmentId} is missing right after it was made.");
                return Created(http, enrolment, await db.LoadAsync<TrainingSession>(id, ct));
            }, ct);
    }

    private static Created<EnrolmentView> Created(HttpContext http, Enrolment enrolment, TrainingSession? session)
    {
        http.Response.SetETag(enrolment.Version);
        return TypedResults.Created($"/enrolments/{enrolment.Id}", EnrolmentView.From(enrolment, session));
    }

    private static async Task<Results<Ok<EnrolmentView>, ProblemHttpResult, ValidationProblem>> Cancel(
        Guid id, ReasonRequest? body, HttpContext http, IQuerySession query, ISessionFactory sessions, SessionGates gates, CancellationToken ct)
    {
        if (!http.Request.TryGetExpectedVersion(out var expected))
            return Problems.BadRequest("If-Match must be a quoted stream version such as \"3\".");
        var v = new Validator();
        var reason = v.OptionalText("reason", body?.Reason, 1000) ?? "Cancelled on request.";
        if (!v.IsValid) return v.ToProblem();

        var enrolment = await query.LoadAsync<Enrolment>(id, ct);
        if (enrolment is null) return Problems.NotFound(nameof(Enrolment), id);

        return await SessionLedger.ExecuteAsync<Results<Ok<EnrolmentView>, ProblemHttpResult, ValidationProblem>>(sessions, gates, enrolment.SessionId,
            beforeLock: null,
            decide: async (db, s) =>
            {
                // Read again under the session's lock: the enrolment may have moved (promoted) meanwhile.
                var current = await db.LoadAsync<Enrolment>(id, ct) ?? enrolment;
                return expected is { } version && current.Version != version ? SessionLedger.Stale(version) : EnrolmentRules.Cancel(s, current, reason);
            },
            respond: async (db, outcome) =>
            {
                if (outcome.NotFound) return Problems.NotFound(nameof(TrainingSession), enrolment.SessionId);
                if (outcome.Change.Error is { } error) return SessionLedger.Problem(error, expected);
                var latest = await db.LoadAsync<Enrolment>(id, ct) ?? enrolment;
                http.Response.SetETag(latest.Version);
                return TypedResults.Ok(EnrolmentView.From(latest, await db.LoadAsync<TrainingSession>(latest.SessionId, ct)));
            }, ct);
    }

    /// <summary>A command on the enrolment alone (attendance, completion, certificate), decided on the enrolment and its session's state.</summary>
    private static async Task<Results<Ok<EnrolmentView>, ProblemHttpResult>> OnEnrolmentAsync(
        Guid id, HttpContext http, IDocumentSession session, Func<Enrolment, TrainingSession, Decision> decide, CancellationToken ct)
    {
        var enrolment = await session.LoadAsync<Enrolment>(id, ct);
        if (enrolment is null) return Problems.NotFound(nameof(Enrolment), id);
        var trainingSession = await session.LoadAsync<TrainingSession>(enrolment.SessionId, ct)
                              ?? throw new InvalidOperationException($"Enrolment {id} belongs to a session that does not exist.");
        return await session.DecideAsync<Enrolment, EnrolmentView>(http, id, e => decide(e, trainingSession), e => EnrolmentView.From(e, null), ct);
    }

    private static async Task<Results<Ok<Page<EnrolmentView>>, ValidationProblem>> ListAsync(
        IQuerySession session, Guid? sessionId, Guid? expertId, Guid? courseId, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        IQueryable<Enrolment> query = session.Query<Enrolment>();
        if (sessionId is { } sid) query = query.Where(e => e.SessionId == sid);
        if (expertId is { } eid) query = query.Where(e => e.ExpertId == eid);
        if (courseId is { } cid) query = query.Where(e => e.CourseId == cid);
        if (status is not null)
        {
            var st = v.Status<EnrolmentStatus>("status", status);
            query = query.Where(e => e.Status == st);
        }
        if (!v.IsValid) return v.ToProblem();

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(e => e.SessionStartDate).ThenBy(e => e.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var sessions = (await session.LoadManyAsync<TrainingSession>(ct, items.Select(e => e.SessionId).Distinct().ToArray())).ToDictionary(s => s.Id);
        return TypedResults.Ok(new Page<EnrolmentView>([.. items.Select(e => EnrolmentView.From(e, sessions.GetValueOrDefault(e.SessionId)))], total));
    }

    private static async Task<Results<Ok<EnrolmentView>, ProblemHttpResult>> Get(
        Guid id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        if (asOf is { } when)
        {
            var then = await session.Events.AggregateStreamAsync<Enrolment>(id, timestamp: when.ToUniversalTime(), token: ct);
            if (then is null) return Problems.NotFound($"Enrolment {id} did not exist at {when:O}.");
            var sessionThen = await session.Events.AggregateStreamAsync<TrainingSession>(then.SessionId, timestamp: when.ToUniversalTime(), token: ct);
            return TypedResults.Ok(EnrolmentView.From(then, sessionThen));
        }

        var enrolment = await session.LoadAsync<Enrolment>(id, ct);
        if (enrolment is null) return Problems.NotFound(nameof(Enrolment), id);
        http.Response.SetETag(enrolment.Version);
        return TypedResults.Ok(EnrolmentView.From(enrolment, await session.LoadAsync<TrainingSession>(enrolment.SessionId, ct)));
    }
}
