using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using EuCyberNet.Testing;
using RabbitMQ.Client;

namespace EuCyberNet.Drills;

/// <summary>One HTTP command the load sent, and what came of it.</summary>
/// <param name="Status">The HTTP status, or 0 when no answer came (refused, reset, timed out).</param>
/// <param name="StreamId">The resource's stream (from the path or the Location header).</param>
/// <param name="Version">The stream version the answer's ETag names: the command's events end there.</param>
/// <param name="ProblemCode">The <c>code</c> of the problem a refusal (4xx) answered with, if it named one.</param>
public sealed record CommandOutcome(string Service, string Command, int Status, Guid? StreamId, long? Version, string? ProblemCode = null)
{
    public bool Accepted => Status is >= 200 and < 300;
}

/// <summary>A resource the load created, whose read model the drill compares with a fold of its events.</summary>
public sealed record CreatedResource(string Service, string Path, Guid Id);

/// <summary>
/// A steady, bounded load of commands across every service present, over HTTP with tokens of the
/// roles each endpoint is meant for, plus partner events over AMQP. Bounded in count
/// (<see cref="DrillSettings.Operations"/>) and time (<see cref="DrillSettings.LoadTimeLimit"/>).
/// </summary>
public sealed class Load : IDisposable
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private readonly DrillPlatform _platform;
    private readonly ConcurrentQueue<CommandOutcome> _outcomes = new();
    private readonly ConcurrentQueue<CreatedResource> _created = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly ConcurrentDictionary<string, int> _roundRobin = new(StringComparer.Ordinal);
    private readonly List<Func<int, Task>> _flows = [];
    private PartnerSender? _partner;
    private PartnerUser _partnerUser = new(Guid.NewGuid());
    private int _partnerSent;
    private int _partnerActivitiesSent;

    public Load(DrillPlatform platform) => _platform = platform;

    public IReadOnlyCollection<CommandOutcome> Outcomes => _outcomes;

    public IReadOnlyCollection<CreatedResource> Created => _created;

    /// <summary>The partner system of this drill (registered in Projects, with a RabbitMQ user of its own).</summary>
    public PartnerSender? Partner => _partner;

    /// <summary>Valid project reports (project-reported) published over AMQP and confirmed by the broker: each is one of the partner's projects.</summary>
    public int PartnerEventsSent => Volatile.Read(ref _partnerSent);

    /// <summary>Valid activity reports (activity-reported, under a project reported before) published over AMQP and confirmed by the broker.</summary>
    public int PartnerActivitiesSent => Volatile.Read(ref _partnerActivitiesSent);

    public async Task PrepareAsync()
    {
        var services = _platform.Services;
        if (services.Contains("experts")) _flows.Add(ExpertApplicationAsync);
        if (services.Contains("projects"))
        {
            _flows.Add(ProjectAsync);
            _partner = await PartnerSender.RegisterAsync(this, _platform);
            _partnerUser = new PartnerUser(_partner.PartnerId);
            _flows.Add(PartnerEventAsync);
        }
        if (services.Contains("training")) _flows.Add(CourseAndSessionAsync);
        if (services.Contains("experts") && services.Contains("projects")) _flows.Add(DeploymentAsync);
        if (services.Contains("experts") && services.Contains("training")) _flows.Add(TrainingCompletionAsync);
    }

    /// <summary>Runs the load until its operation count or its time limit is reached.</summary>
    public async Task RunAsync(CancellationToken stop = default)
    {
        if (_flows.Count == 0) throw new InvalidOperationException("No flow to run: no service present.");
        var clock = Stopwatch.StartNew();
        var next = -1;
        var clients = Enumerable.Range(0, _platform.Settings.Clients).Select(async _ =>
        {
            while (!stop.IsCancellationRequested && clock.Elapsed < _platform.Settings.LoadTimeLimit)
            {
                var operation = Interlocked.Increment(ref next);
                if (operation >= _platform.Settings.Operations) return;
                try
                {
                    await _flows[operation % _flows.Count](operation);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException
                    or RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.AlreadyClosedException
                    or RabbitMQ.Client.Exceptions.OperationInterruptedException or InvalidOperationException)
                {
                    // Recorded where it happened; a fault makes flows break off, which is the point.
                }
                await Task.Delay(_platform.Settings.Pace, CancellationToken.None);
            }
        }).ToList();
        await Task.WhenAll(clients);
    }

    // ---- flows -------------------------------------------------------------------------------

    /// <summary>
    /// Apply, acknowledge, profile, consent, accept: every second expert joins the pool (ExpertJoinedPool
    /// → every subscriber). Of those, one in four is then suspended and reinstated, and one in four
    /// withdraws (ExpertSuspended, ExpertReinstated, ExpertLeftPool → Projects, Training, Coordination).
    /// </summary>
    private async Task ExpertApplicationAsync(int n)
    {
        var round = n / _flows.Count; // this flow's own count (n, the operation, is a multiple of the flow count)
        if (await ExpertAsync(n, joinPool: round % 2 == 0) is not { } id) return;
        switch (round / 2 % 4)
        {
            case 1:
                if ((await SendAsync("experts", "suspend", HttpMethod.Post, $"experts/{id}/suspend", "coordinator", null,
                        new { reason = "Drill: conflict of interest declared" }, streamId: id)).Accepted)
                    await SendAsync("experts", "reinstate", HttpMethod.Post, $"experts/{id}/reinstate", "coordinator", null,
                        new { reason = "Drill: conflict resolved" }, streamId: id);
                break;
            case 3:
                await SendAsync("experts", "withdraw", HttpMethod.Post, $"experts/{id}/withdraw", "expert", null,
                    new { reason = "Drill: new job outside the network" }, streamId: id, actor: new ExpertIdentity(id));
                break;
        }
    }

    /// <summary>An expert applies and, when <paramref name="joinPool"/>, is taken all the way into the pool; the expert's id once accepted.</summary>
    private async Task<Guid?> ExpertAsync(int n, bool joinPool)
    {
        var applied = await SendAsync("experts", "apply", HttpMethod.Post, "experts/applications", "coordinator", null, new
        {
            name = $"Drill Expert {n}",
            email = $"drill-{n}-{Guid.NewGuid():N}@example.eu",
            citizenship = Pick(n, "SI", "EE", "FI", "PT", "IE"),
            organisation = "National CSIRT",
            motivation = "Incident response in partner countries",
        }, created: "experts");
        if (applied is not { Accepted: true, StreamId: { } id } || !joinPool) return null;
        if (!(await SendAsync("experts", "acknowledge", HttpMethod.Post, $"experts/{id}/acknowledge", "coordinator", null, null, streamId: id)).Accepted) return null;
        var expert = new ExpertIdentity(id);
        if (!(await SendAsync("experts", "submit-profile", HttpMethod.Put, $"experts/{id}/profile", "expert", null, new
            {
                languages = new[] { new { code = "en", level = "c1" } },
                roles = new[] { "cyber-incident-responder" },
                skills = new[] { new { family = "tech", skillset = "Incident management", name = "Incident response" } },
                yearsOfExperience = 8,
                organisation = "National CSIRT",
                bio = "Incident handler",
            }, streamId: id, actor: expert)).Accepted) return null;
        if (!(await SendAsync("experts", "consent", HttpMethod.Put, $"experts/{id}/consents/data-processing", "expert", null,
            new { given = true }, streamId: id, actor: expert)).Accepted) return null;
        var accepted = await SendAsync("experts", "accept", HttpMethod.Post, $"experts/{id}/accept", "coordinator", null,
            new { reason = "Drill: strong incident response record" }, streamId: id);
        return accepted.Accepted ? id : null;
    }

    /// <summary>
    /// A request for expertise through to an evaluated deployment: a new expert joins the pool and
    /// applies once Projects has heard of it (ExpertJoinedPool), is shortlisted and selected, and the
    /// deployment is confirmed, started, completed by the expert and evaluated. Every deployment
    /// event reaches Experts (the expert's record) and Coordination; the steps follow each other
    /// closely, so Experts' consumers race on one expert's stream. One request in four:
    /// <list type="number">
    /// <item>(variant 0) declines its only applicant and is cancelled (ExpertiseRequestApplicantDeclined, and
    /// ExpertiseRequestCancelled: it had been published);</item>
    /// <item>(1) is amended once published, which needs re-approval (ExpertiseRequestAmended, then published
    /// again), and its deployment is extended while under way;</item>
    /// <item>(2) loses its applicant, who withdraws (ExpertiseRequestApplicationWithdrawn, by the expert), has its
    /// deadline extended and gets the same expert's application again;</item>
    /// <item>(3) has its deployment cancelled once confirmed and is then cancelled itself (from closed).</item>
    /// </list>
    /// </summary>
    private async Task DeploymentAsync(int n)
    {
        var variant = n / _flows.Count % 4;
        if (await ExpertAsync(n, joinPool: true) is not { } expertId) return;
        var start = Today.AddDays(30 + n % 30);
        var drafted = await SendAsync("projects", "draft-request", HttpMethod.Post, "expertise-requests", "project-officer", null, new
        {
            requester = "EU Delegation",
            activityType = "advisory-mission",
            title = $"Drill CSIRT assessment {n}",
            tasks = "Assess the national CSIRT and mentor its team.",
            roles = new[] { "cyber-incident-responder" },
            skills = new[] { "Incident response" },
            languages = new[] { "en" },
            themes = new[] { "incident-management-and-cip" },
            country = Pick(n, "MD", "UA", "KE", "GE"),
            remote = false,
            startDate = Iso(start),
            endDate = Iso(start.AddDays(4)),
            applicationDeadline = Iso(Today.AddDays(14)),
            paid = true,
            expertsNeeded = 1,
        }, created: "expertise-requests");
        if (drafted is not { Accepted: true, StreamId: { } requestId }) return;
        var request = $"expertise-requests/{requestId}";
        if (!(await SendAsync("projects", "submit-request", HttpMethod.Post, $"{request}/submit", "project-officer", null, null, streamId: requestId)).Accepted) return;
        if (!(await SendAsync("projects", "approve-request", HttpMethod.Post, $"{request}/approve", "coordinator", null,
            new { reason = "Drill: in line with the annual priorities" }, streamId: requestId)).Accepted) return;
        if (variant == 1)
        {
            if (!(await SendAsync("projects", "amend-request", HttpMethod.Post, $"{request}/amend", "project-officer", null, new
                {
                    tasks = "Assess the national CSIRT, mentor its team and review its incident playbooks.",
                    reason = "Drill: the delegation added a review of the playbooks",
                }, streamId: requestId)).Accepted) return;
            if (!(await SendAsync("projects", "approve-request", HttpMethod.Post, $"{request}/approve", "coordinator", null,
                new { reason = "Drill: amended tasks approved" }, streamId: requestId)).Accepted) return;
        }
        var expert = new ExpertIdentity(expertId);
        Task<Exchange> Apply() => ExchangeAsync("projects", "apply-to-request", HttpMethod.Post, $"{request}/applications", "expert", null,
            new { expertId, nominated = false }, streamId: requestId, actor: expert);
        if (!(await UntilHeardAsync(Apply)).Accepted) return;
        if (variant == 0)
        {
            if ((await SendAsync("projects", "decline", HttpMethod.Post, $"{request}/applications/{expertId}/decline", "project-officer", null,
                    new { reason = "Drill: the profile does not cover the tasks" }, streamId: requestId)).Accepted)
                await SendAsync("projects", "cancel-request", HttpMethod.Post, $"{request}/cancel", "project-officer", null,
                    new { reason = "Drill: no suitable applicant; the delegation will ask again" }, streamId: requestId);
            return;
        }
        if (variant == 2)
        {
            if (!(await SendAsync("projects", "withdraw-application", HttpMethod.Post, $"{request}/applications/{expertId}/withdraw", "expert", null,
                new { reason = "Drill: the dates clash with another commitment" }, streamId: requestId, actor: expert)).Accepted) return;
            if (!(await SendAsync("projects", "extend-request", HttpMethod.Post, $"{request}/extend", "project-officer", null,
                new { applicationDeadline = Iso(Today.AddDays(21)), reason = "Drill: too few applications yet" }, streamId: requestId)).Accepted) return;
            if (!(await Apply()).Outcome.Accepted) return;
        }
        if (!(await SendAsync("projects", "shortlist", HttpMethod.Post, $"{request}/applications/{expertId}/shortlist", "project-officer", null, null,
            streamId: requestId)).Accepted) return;
        var selected = await ExchangeAsync("projects", "select", HttpMethod.Post, $"{request}/applications/{expertId}/select", "project-officer", null,
            new { reason = "Drill: best match of the shortlist" }, streamId: requestId);
        if (selected is not { Outcome.Accepted: true, Location: { } location } || !Guid.TryParse(location.OriginalString.Split('/')[^1], out var deploymentId)) return;
        _created.Enqueue(new CreatedResource("projects", "deployments", deploymentId));

        var deployment = $"deployments/{deploymentId}";
        if (!(await SendAsync("projects", "confirm-deployment", HttpMethod.Post, $"{deployment}/confirm", "project-officer", null,
            new { reason = "Drill: terms of reference agreed" }, streamId: deploymentId)).Accepted) return;
        if (variant == 3)
        {
            if ((await SendAsync("projects", "cancel-deployment", HttpMethod.Post, $"{deployment}/cancel", "project-officer", null,
                    new { reason = "Drill: mission postponed by the partner" }, streamId: deploymentId)).Accepted)
                await SendAsync("projects", "cancel-request", HttpMethod.Post, $"{request}/cancel", "project-officer", null,
                    new { reason = "Drill: the partner postponed the mission indefinitely" }, streamId: requestId);
            return;
        }
        if (!(await SendAsync("projects", "start-deployment", HttpMethod.Post, $"{deployment}/start", "project-officer", null, null, streamId: deploymentId)).Accepted) return;
        if (variant == 1 && !(await SendAsync("projects", "extend-deployment", HttpMethod.Post, $"{deployment}/extend", "project-officer", null,
            new { endDate = Iso(start.AddDays(9)), reason = "Drill: a follow-up workshop" }, streamId: deploymentId)).Accepted) return;
        if (!(await SendAsync("projects", "complete-deployment", HttpMethod.Post, $"{deployment}/complete", "expert", null,
            new { debrief = "Drill: tasks delivered as agreed." }, streamId: deploymentId, actor: expert)).Accepted) return;
        await SendAsync("projects", "evaluate-deployment", HttpMethod.Post, $"{deployment}/evaluate", "project-officer", null,
            new { rating = 1 + n % 5, feedback = "Drill: clear, practical advice." }, streamId: deploymentId);
    }

    /// <summary>Who a command is sent as when the endpoint lets a role act on its own records only.</summary>
    private abstract record Identity
    {
        public abstract string Token(string signingKey);
    }

    /// <summary>An expert acting on their own record (the token carries expert_id).</summary>
    private sealed record ExpertIdentity(Guid Id) : Identity
    {
        public override string Token(string signingKey) => Tokens.Create(signingKey, $"expert-{Id:N}", "expert",
            new System.Security.Claims.Claim(EuCyberNet.ServiceDefaults.Security.LocalTokens.ExpertIdClaim, Id.ToString()));
    }

    /// <summary>
    /// A partner organisation's user (the token carries partner_id): its own training requests and the
    /// external participants it nominated are those it created, so every call is made as this one user.
    /// </summary>
    private sealed record PartnerUser(Guid PartnerId) : Identity
    {
        public override string Token(string signingKey) => Tokens.Create(signingKey, $"drill-partner-user-{PartnerId:N}", "partner",
            new System.Security.Claims.Claim(EuCyberNet.ServiceDefaults.Security.LocalTokens.PartnerIdClaim, PartnerId.ToString()));
    }

    private async Task ProjectAsync(int n)
    {
        object Body(string title) => new
        {
            title,
            funder = $"Drill funder {n % 7}",
            implementers = new[] { "e-Governance Academy" },
            beneficiaryCountries = new[] { Pick(n, "MD", "UA", "KE", "GE") },
            themes = new[] { "policy-and-strategy" },
            pillars = new[] { "national-strategic-framework" },
            budgetEur = 100_000m + n,
            startDate = Iso(Today.AddDays(30)),
            endDate = Iso(Today.AddDays(400)),
            status = "planned",
        };
        var registered = await SendAsync("projects", "register-project", HttpMethod.Post, "projects", "project-officer", null,
            Body($"Drill project {n}"), created: "projects");
        if (registered is not { Accepted: true, StreamId: { } id, Version: { } version }) return;
        await SendAsync("projects", "replace-project", HttpMethod.Put, $"projects/{id}", "project-officer", version,
            Body($"Drill project {n}, revised"), streamId: id);
    }

    /// <summary>
    /// A new course and a session of it, opened for enrolment. In one session in four a partner
    /// nominates an external participant and the training manager then cancels the session
    /// (TrainingSessionCancelled, and EnrolmentCancelled for the nomination); in one in four the
    /// partner withdraws its nomination (EnrolmentCancelled); and one in four is a partner
    /// country's training request met by a session that starts today (<see cref="TrainingRequestAsync"/>).
    /// </summary>
    private async Task CourseAndSessionAsync(int n)
    {
        var variant = n / _flows.Count % 4;
        if (variant == 3)
        {
            await TrainingRequestAsync(n);
            return;
        }
        if (await SessionAsync(n, Today.AddDays(40 + n % 20)) is not { } sessionId) return;
        var session = $"training-sessions/{sessionId}";
        if (!(await SendAsync("training", "open-session", HttpMethod.Post, $"{session}/open", "training-manager", null, null, streamId: sessionId)).Accepted
            || variant == 0) return;
        var nominated = await SendAsync("training", "nominate-participant", HttpMethod.Post, $"{session}/enrolments", "partner", null, new
        {
            participant = new { name = $"Drill Participant {n}", email = $"participant-{n}-{Guid.NewGuid():N}@example.ke", country = "KE" },
        }, created: "enrolments", actor: _partnerUser);
        if (nominated is not { Accepted: true, StreamId: { } enrolmentId }) return;
        if (variant == 1)
            await SendAsync("training", "cancel-session", HttpMethod.Post, $"{session}/cancel", "training-manager", null,
                new { reason = "Drill: the trainer is not available" }, streamId: sessionId);
        else
            await SendAsync("training", "cancel-enrolment", HttpMethod.Post, $"enrolments/{enrolmentId}/cancel", "partner", null,
                new { reason = "Drill: the participant changed jobs" }, streamId: enrolmentId, actor: _partnerUser);
    }

    /// <summary>
    /// A partner submits a training request for its country; the training manager reviews and
    /// approves it (TrainingRequestApproved), schedules it on a new session there that starts today
    /// (TrainingRequestScheduled) and, once the session is delivered, delivers the request
    /// (TrainingRequestDelivered). Moldova and two weeks, not Kenya: the other flows' sessions and
    /// requests are in Kenya or a month ahead, and a request overlapping all of them would have
    /// Coordination raise an overlap alert with each (as its rule says it should), well over a
    /// thousand per drill. A run that crosses UTC midnight may be refused a step by the calendar;
    /// the flow then stops there.
    /// </summary>
    private async Task TrainingRequestAsync(int n)
    {
        var submitted = await SendAsync("training", "submit-training-request", HttpMethod.Post, "training-requests", "partner", null, new
        {
            requester = "Information Technology and Cyber Security Service, Moldova",
            beneficiaryCountry = "MD",
            topic = $"Incident handling for the national CSIRT's new analysts ({n})",
            roles = new[] { "cyber-incident-responder" },
            themes = new[] { "incident-management-and-cip" },
            audienceSize = 8 + n % 12,
            preferredFrom = Iso(Today),
            preferredTo = Iso(Today.AddDays(14)),
        }, created: "training-requests", actor: _partnerUser);
        if (submitted is not { Accepted: true, StreamId: { } requestId }) return;
        var request = $"training-requests/{requestId}";
        foreach (var step in new[] { "review", "approve" })
            if (!(await SendAsync("training", $"{step}-training-request", HttpMethod.Post, $"{request}/{step}", "training-manager", null, null, streamId: requestId)).Accepted) return;
        if (await SessionAsync(n, Today, enrolmentDeadline: Today, country: "MD", city: "Chisinau") is not { } sessionId) return;
        var session = $"training-sessions/{sessionId}";
        if (!(await SendAsync("training", "open-session", HttpMethod.Post, $"{session}/open", "training-manager", null, null, streamId: sessionId)).Accepted) return;
        if (!(await SendAsync("training", "schedule-training-request", HttpMethod.Post, $"{request}/schedule", "training-manager", null,
            new { sessionId = sessionId.ToString() }, streamId: requestId)).Accepted) return;
        if (!(await SendAsync("training", "deliver-session", HttpMethod.Post, $"{session}/deliver", "training-manager", null, null, streamId: sessionId)).Accepted) return;
        await SendAsync("training", "deliver-training-request", HttpMethod.Post, $"{request}/deliver", "training-manager", null, null, streamId: requestId);
    }

    /// <summary>
    /// A new expert joins the pool and is enrolled, once Training has heard of it, in a session that
    /// starts today; the session is delivered and the expert attends, completes (TrainingCompleted →
    /// Experts and Coordination) and is certified. A run that crosses UTC midnight may be refused
    /// a step by the calendar; the flow then stops there.
    /// </summary>
    private async Task TrainingCompletionAsync(int n)
    {
        if (await ExpertAsync(n, joinPool: true) is not { } expertId) return;
        if (await SessionAsync(n, Today, enrolmentDeadline: Today) is not { } sessionId) return;
        var session = $"training-sessions/{sessionId}";
        if (!(await SendAsync("training", "open-session", HttpMethod.Post, $"{session}/open", "training-manager", null, null, streamId: sessionId)).Accepted) return;
        var enrolled = await UntilHeardAsync(() => ExchangeAsync("training", "enrol", HttpMethod.Post, $"{session}/enrolments", "training-manager", null,
            new { expertId = expertId.ToString() }, created: "enrolments"));
        if (enrolled is not { Accepted: true, StreamId: { } enrolmentId }) return;
        if (!(await SendAsync("training", "deliver-session", HttpMethod.Post, $"{session}/deliver", "training-manager", null, null, streamId: sessionId)).Accepted) return;
        var enrolment = $"enrolments/{enrolmentId}";
        foreach (var step in new[] { "attend", "complete", "certify" })
            if (!(await SendAsync("training", $"{step}-enrolment", HttpMethod.Post, $"{enrolment}/{step}", "training-manager", null, null, streamId: enrolmentId)).Accepted) return;
    }

    /// <summary>A new course and a scheduled session of it starting on <paramref name="start"/>, in Nairobi unless told; the session's id.</summary>
    private async Task<Guid?> SessionAsync(int n, DateOnly start, DateOnly? enrolmentDeadline = null, string country = "KE", string city = "Nairobi")
    {
        var course = await SendAsync("training", "add-course", HttpMethod.Post, "courses", "training-manager", null, new
        {
            title = $"Drill course {n}",
            provider = "ENISA",
            format = "classroom",
            language = "en",
            roles = new[] { "cyber-incident-responder" },
            themes = new[] { "incident-management-and-cip" },
            durationDays = 3,
            prerequisites = Array.Empty<object>(),
        }, created: "courses");
        if (course is not { Accepted: true, StreamId: { } courseId }) return null;
        var session = await SendAsync("training", "schedule-session", HttpMethod.Post, "training-sessions", "training-manager", null, new
        {
            courseId,
            startDate = Iso(start),
            endDate = Iso(start.AddDays(2)),
            country,
            city,
            online = false,
            capacity = 20,
            enrolmentDeadline = Iso(enrolmentDeadline ?? start.AddDays(-7)),
        }, created: "training-sessions");
        return session is { Accepted: true, StreamId: { } sessionId } ? sessionId : null;
    }

    /// <summary>
    /// The partner system reports a project over AMQP; for every second one it then reports an
    /// activity under it (ProjectActivityReported → Coordination), published after the report was
    /// confirmed, so the intake (one active consumer, in publication order) applies it to the project.
    /// </summary>
    private async Task PartnerEventAsync(int n)
    {
        if (_partner is null) return;
        var reference = $"DRILL-{n}";
        await _partner.PublishAsync("project.reported", PartnerEvents.Report($"drill-{n}-{Guid.NewGuid():N}"[..40], reference));
        Interlocked.Increment(ref _partnerSent);
        if (n / _flows.Count % 2 == 0) return;
        await _partner.PublishAsync("project.activity-reported", PartnerEvents.Activity($"drill-{n}-activity-{Guid.NewGuid():N}"[..40], reference, $"{reference}-W1"));
        Interlocked.Increment(ref _partnerActivitiesSent);
    }

    // ---- plumbing ----------------------------------------------------------------------------

    /// <summary>A replica of the service, round robin, preferring running ones.</summary>
    public Uri BaseOf(string service)
    {
        var replicas = _platform.ReplicasOf(service).ToList();
        var running = replicas.Where(r => r.IsRunning).ToList();
        var pool = running.Count > 0 ? running : replicas;
        var i = _roundRobin.AddOrUpdate(service, 0, (_, v) => v + 1);
        return pool[i % pool.Count].BaseAddress;
    }

    public string TokenFor(string role, string user) => Tokens.Create(_platform.SigningKey, user, role);

    /// <summary>A command's outcome, with the Location it named.</summary>
    private sealed record Exchange(CommandOutcome Outcome, Uri? Location);

    /// <summary>Problem codes of a service that has not yet heard an expert joined the pool (Projects, Training).</summary>
    private static readonly string[] NotYetHeard = ["expert-not-accepted", "expert-not-eligible"];

    /// <summary>How long a flow waits for a service to hear of a new expert (longer than a broker outage of the drills).</summary>
    private static readonly TimeSpan HearingLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Sends a command again while the service answers that it has not yet heard of the expert (the
    /// expert's acceptance is still on its way), as a front end would, for at most <see cref="HearingLimit"/>.
    /// Each refusal is recorded as a rejected command.
    /// </summary>
    private static async Task<CommandOutcome> UntilHeardAsync(Func<Task<Exchange>> send)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var sent = await send();
            if (sent.Outcome.Status != 409 || !NotYetHeard.Contains(sent.Outcome.ProblemCode) || clock.Elapsed > HearingLimit) return sent.Outcome;
            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private async Task<CommandOutcome> SendAsync(string service, string command, HttpMethod method, string path, string role, long? ifMatch,
        object? body, string? created = null, Guid? streamId = null, Identity? actor = null) =>
        (await ExchangeAsync(service, command, method, path, role, ifMatch, body, created, streamId, actor)).Outcome;

    private async Task<Exchange> ExchangeAsync(string service, string command, HttpMethod method, string path, string role, long? ifMatch,
        object? body, string? created = null, Guid? streamId = null, Identity? actor = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseOf(service), path))
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor?.Token(_platform.SigningKey) ?? TokenFor(role, $"drill-{role}"));
        if (ifMatch is { } expected) request.Headers.TryAddWithoutValidation("If-Match", $"\"{expected.ToString(CultureInfo.InvariantCulture)}\"");
        CommandOutcome outcome;
        Uri? location = null;
        try
        {
            using var response = await _http.SendAsync(request);
            location = response.Headers.Location;
            var id = streamId;
            if (id is null && location is not null
                && Guid.TryParse(location.OriginalString.TrimEnd('/').Split('/')[^1], out var fromLocation)) id = fromLocation;
            long? version = response.Headers.ETag is { } etag && long.TryParse(etag.Tag.Trim('"'), CultureInfo.InvariantCulture, out var v) ? v : null;
            var problemCode = (int)response.StatusCode is >= 400 and < 500 ? ProblemCodeOf(await response.Content.ReadAsStringAsync()) : null;
            outcome = new CommandOutcome(service, command, (int)response.StatusCode, id, version, problemCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            outcome = new CommandOutcome(service, command, 0, streamId, null);
        }
        _outcomes.Enqueue(outcome);
        if (outcome is { Accepted: true, StreamId: { } createdId } && created is not null) _created.Enqueue(new CreatedResource(service, created, createdId));
        return new Exchange(outcome, location);
    }

    private static string? ProblemCodeOf(string problem)
    {
        try
        {
            using var details = System.Text.Json.JsonDocument.Parse(problem);
            return details.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public void Record(CommandOutcome outcome) => _outcomes.Enqueue(outcome);

    public void Dispose() => _http.Dispose();

    private static string Pick(int n, params string[] values) => values[n % values.Length];

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A partner system of the drill: registered in Projects, publishing as its own RabbitMQ user.</summary>
public sealed class PartnerSender
{
    private PartnerSender(Guid partnerId, string user, Uri amqp)
    {
        PartnerId = partnerId;
        User = user;
        Amqp = amqp;
    }

    public Guid PartnerId { get; }

    public string User { get; }

    public Uri Amqp { get; }

    public static async Task<PartnerSender> RegisterAsync(Load load, DrillPlatform platform)
    {
        var user = $"drill-partner-{Guid.NewGuid():N}"[..24];
        var amqp = await platform.Servers.RabbitMq.CreateUserAsync(platform.VirtualHost, user, Guid.NewGuid().ToString("N"),
            configure: "^$", write: "^partner-events$", read: "^$");
        using var http = new HttpClient { BaseAddress = load.BaseOf("projects") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", load.TokenFor("coordinator", "drill-coordinator"));
        using var response = await http.PostAsJsonAsync("partners", new { name = $"Drill implementer {user}", amqpUser = user });
        response.EnsureSuccessStatusCode();
        var partner = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return new PartnerSender(partner.GetProperty("id").GetGuid(), user, amqp);
    }

    /// <summary>A persistent message with user_id, confirmed by the broker (as docs/partner-events.md asks of partners).</summary>
    public async Task PublishAsync(string routingKey, string body)
    {
        var factory = new ConnectionFactory { Uri = Amqp, RequestedConnectionTimeout = TimeSpan.FromSeconds(5) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            UserId = User,
            MessageId = Guid.NewGuid().ToString(),
        };
        await channel.BasicPublishAsync("partner-events", routingKey, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }
}

/// <summary>Partner events as docs/partner-events.md specifies them, valid and malformed.</summary>
public static class PartnerEvents
{
    public static string Report(string eventId, string projectRef) => $$"""
        {
          "eventId": "{{eventId}}",
          "type": "project-reported",
          "occurredAt": "{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}}",
          "projectRef": "{{projectRef}}",
          "project": {
            "title": "Drill partner project {{projectRef}}",
            "funder": "Estonia (MFA)",
            "implementers": ["e-Governance Academy"],
            "beneficiaryCountries": ["MD"],
            "themes": ["policy-and-strategy"],
            "pillars": ["national-strategic-framework"],
            "budgetEur": 1200000,
            "startDate": "2027-01-01",
            "endDate": "2028-06-30",
            "status": "ongoing"
          }
        }
        """;

    /// <summary>An activity under a project the partner reported (<paramref name="projectRef"/>).</summary>
    public static string Activity(string eventId, string projectRef, string activityRef) => $$"""
        {
          "eventId": "{{eventId}}",
          "type": "activity-reported",
          "occurredAt": "{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}}",
          "projectRef": "{{projectRef}}",
          "activity": {
            "activityRef": "{{activityRef}}",
            "title": "National CSIRT table-top exercise",
            "activityType": "exercise",
            "country": "MD",
            "themes": ["incident-management-and-cip"],
            "startDate": "2027-05-10",
            "endDate": "2027-05-12"
          }
        }
        """;

    /// <summary>Malformed in every way the intake must refuse and keep: broken JSON, bad fields, wrong key, unknown type.</summary>
    public static (string RoutingKey, string Body) Malformed(int n) => (n % 5) switch
    {
        0 => ("project.reported", "{ \"eventId\": \"broken-" + n + "\", \"type\": \"project-reported\", "),
        1 => ("project.reported", Report($"bad-dates-{n}", $"BAD-{n}").Replace("2028-06-30", "2020-01-01", StringComparison.Ordinal)),
        2 => ("project.closed", Report($"misrouted-{n}", $"MIS-{n}")),
        3 => ("project.reported", Report($"unknown-field-{n}", $"UNK-{n}").Replace("\"funder\"", "\"fundr\"", StringComparison.Ordinal)),
        _ => ("nowhere.special", "{\"eventId\":\"no-type-" + n + "\"}"),
    };
}
