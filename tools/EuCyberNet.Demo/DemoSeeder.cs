using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EuCyberNet.Demo;

/// <summary>How much demo data, from which random seed, with how many calls in flight.</summary>
public sealed record DemoOptions(int Experts = 300, int Seed = 2027, int Parallelism = 8);

/// <summary>What a run did: counts per kind of resource, calls made, and the text printed for operators.</summary>
public sealed record DemoSummary(bool AlreadySeeded, TimeSpan Duration, IReadOnlyDictionary<string, int> Counts, int Calls, int Waits, string Text);

/// <summary>
/// Loads a realistic EU CyberNet network through the public API (the gateway), so that every
/// resource has a real history: experts from all 27 Member States across the 12 ECSF roles in
/// every lifecycle state, projects of several funders with genuine overlaps, requests for
/// expertise, applications and deployments in every state, courses, sessions, enrolments,
/// certificates and training requests, a partner system reporting its project, and overlap alerts
/// acknowledged and dismissed. Every call carries the token of the role the docs name for the
/// step. Deterministic for a seed; a system that already holds the demo is detected and left alone.
/// </summary>
public sealed class DemoSeeder(HttpClient gateway, IssueToken issueToken, Action<string> log, DemoOptions? options = null)
{
    /// <summary>The partner the demo registers last: its presence means the demo was loaded.</summary>
    public const string DemoPartnerName = "e-Governance Academy";

    private static readonly Actor NetworkCoordinator = new("coordinator-network", "coordinator");
    private static readonly Actor[] PoolDesk = [new("coordinator-pool-1", "coordinator"), new("coordinator-pool-2", "coordinator"), new("coordinator-pool-3", "coordinator")];
    private static readonly string[] NotYetHeard = ["expert-not-accepted", "expert-not-eligible"];

    private readonly DemoOptions _options = options ?? new DemoOptions();
    private readonly DemoApi _api = new(gateway, issueToken);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Guid> _sessions = [];
    private readonly Dictionary<int, Guid> _trainingRequests = [];
    private int _expertsDone;

    /// <summary>How long before UTC midnight a run waits for the day to turn instead of starting (a run takes 1–3 minutes).</summary>
    private static readonly TimeSpan DayTurnMargin = TimeSpan.FromMinutes(5);

    public async Task<DemoSummary> RunAsync(CancellationToken ct = default)
    {
        if (_options.Experts < 60)
            throw new ArgumentException("The demo needs at least 60 experts: every request's deployments take experts of their own.");
        var clock = Stopwatch.StartNew();
        if (await AlreadySeededAsync(ct))
        {
            const string text = "The demo network is already loaded (partner \"" + DemoPartnerName + "\" is registered): nothing to do.";
            log(text);
            return new DemoSummary(true, clock.Elapsed, new Dictionary<string, int>(), _api.Calls, _api.Waits, text);
        }

        // Everything is dated from today (sessions that took place run from today, and nothing may
        // start in the past), so a run that crossed UTC midnight was refused half-way (a delivered
        // session's enrolment deadline had passed). A run about to cross it starts after the turn.
        var now = DateTime.UtcNow;
        var untilMidnight = now.Date.AddDays(1) - now;
        if (untilMidnight < DayTurnMargin)
        {
            log($"Waiting {untilMidnight.TotalSeconds:F0} s for the UTC day to turn: the demo is dated from today and takes a few minutes.");
            await Task.Delay(untilMidnight + TimeSpan.FromSeconds(1), ct);
        }

        var random = new Random(_options.Seed);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var experts = ExpertPlans.Create(_options.Experts, random, today);
        var requests = RequestPlans.Create(random, today, experts);
        var sessions = TrainingPlans.Sessions(random, today, experts);
        var trainingRequests = TrainingPlans.TrainingRequests(random, today, sessions);

        log($"Seeding {experts.Count} experts, {Portfolio.Projects.Length} projects, {requests.Count} requests for expertise, " +
            $"{TrainingPlans.Courses.Length} courses, {sessions.Count} sessions and {trainingRequests.Count} training requests…");

        await ForEachAsync(experts, async (e, token) =>
        {
            await SeedExpertAsync(e, token);
            if (Interlocked.Increment(ref _expertsDone) % 50 == 0) log($"  {_expertsDone} of {experts.Count} experts ({clock.Elapsed.TotalSeconds:F0} s)");
        }, ct);
        log($"  experts done ({clock.Elapsed.TotalSeconds:F0} s)");

        // Projects and Training are independent services: load them side by side.
        await Task.WhenAll(
            SeedProjectsAndRequestsAsync(requests, ct),
            SeedTrainingAsync(sessions, trainingRequests, ct));
        log($"  projects, requests, deployments and training done ({clock.Elapsed.TotalSeconds:F0} s)");

        await SeedPartnerAsync(today, ct);
        var overview = await SettleCoordinationAsync(ct);
        clock.Stop();

        var summary = Summarise(clock.Elapsed, overview);
        log(summary);
        return new DemoSummary(false, clock.Elapsed, new Dictionary<string, int>(_counts, StringComparer.Ordinal), _api.Calls, _api.Waits, summary);
    }

    private async Task<bool> AlreadySeededAsync(CancellationToken ct)
    {
        var partners = await _api.GetAsync(NetworkCoordinator, "/partners?pageSize=200", ct);
        return partners.GetProperty("items").EnumerateArray().Any(p => p.Text("name") == DemoPartnerName);
    }

    // ---- Experts ---------------------------------------------------------------------------------

    private async Task SeedExpertAsync(ExpertPlan e, CancellationToken ct)
    {
        var desk = PoolDesk[e.Index % PoolDesk.Length];
        // Entered by the pool desk on the applicant's behalf (staff are not rate-limited as anonymous callers are).
        var applied = await _api.PostAsync(desk, "/experts/applications", new
        {
            name = e.Name,
            email = e.Email,
            citizenship = e.State.Code,
            organisation = e.Organisation,
            motivation = e.Motivation,
        }, idempotencyKey: $"demo-{_options.Seed}-expert-{e.Index}", ct: ct);
        e.Id = applied.Id();
        Count("experts");
        Count("experts " + Slug(e.Fate));
        if (e.Fate == ExpertFate.Applied) return;

        var path = $"/experts/{e.Id}";
        await _api.PostAsync(desk, $"{path}/acknowledge", ct: ct);
        if (e.Fate == ExpertFate.Acknowledged) return;

        var self = ExpertActor(e);
        await _api.PutAsync(self, $"{path}/consents/data-processing", new { given = true }, ct);
        if (e.SharesWithEcServices) await _api.PutAsync(self, $"{path}/consents/sharing-with-ec-services", new { given = true }, ct);
        await _api.PutAsync(self, $"{path}/profile", new
        {
            languages = e.Languages.Select(l => new { code = l.Code, level = l.Level }),
            roles = e.Roles,
            skills = e.Skills.Select(s => new { family = s.Family, skillset = s.Skillset, name = s.Name }),
            yearsOfExperience = e.Years,
            organisation = e.Organisation,
            bio = e.Bio,
        }, ct);
        await _api.PutAsync(self, $"{path}/availability", new
        {
            windows = e.Availability.Select(w => new { from = Iso(w.From), to = Iso(w.To), percent = w.Percent }),
        }, ct);
        switch (e.Fate)
        {
            case ExpertFate.ProfileSubmitted:
                return;
            case ExpertFate.Rejected:
                await _api.PostAsync(desk, $"{path}/reject", new { reason = "Experience outside the network's current needs; welcome to apply again with CCB experience." }, ct: ct);
                return;
        }
        await _api.PostAsync(desk, $"{path}/accept", new { reason = "Profile reviewed by the pool desk" }, ct: ct);
        switch (e.Fate)
        {
            case ExpertFate.Suspended:
                await _api.PostAsync(desk, $"{path}/suspend", new { reason = "Conflict of interest declared for the current year" }, ct: ct);
                break;
            case ExpertFate.Withdrawn:
                await _api.PostAsync(self, $"{path}/withdraw", new { }, ct: ct);
                break;
            case ExpertFate.Erased:
                await _api.PostAsync(self, $"{path}/withdraw", new { }, ct: ct);
                await _api.DeleteAsync(self, $"{path}/personal-data", ct);
                break;
        }
    }

    // ---- Projects, requests for expertise, deployments --------------------------------------------

    private async Task SeedProjectsAndRequestsAsync(List<RequestPlan> requests, CancellationToken ct)
    {
        var registered = new ConcurrentDictionary<string, Guid>(StringComparer.Ordinal);
        await ForEachAsync(Portfolio.Projects, async (p, token) =>
        {
            var officer = new Actor(RequestPlans.OfficerFor(p.Funder), "project-officer");
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var start = today.AddMonths(p.StartMonths);
            var project = await _api.PostAsync(officer, "/projects", new
            {
                title = p.Title,
                funder = p.Funder,
                implementers = p.Implementers,
                beneficiaryCountries = p.Countries,
                themes = p.Themes,
                pillars = p.Pillars,
                budgetEur = p.BudgetEur,
                startDate = Iso(start),
                endDate = Iso(start.AddMonths(p.Months).AddDays(-1)),
                status = p.Status,
            }, idempotencyKey: $"demo-{_options.Seed}-project-{p.Key}", ct: token);
            registered[p.Key] = project.Id();
            Count("projects");
        }, ct);
        lock (_projects) foreach (var (key, id) in registered) _projects[key] = id;

        await ForEachAsync(requests, SeedRequestAsync, ct);
    }

    private async Task SeedRequestAsync(RequestPlan r, CancellationToken ct)
    {
        var officer = new Actor(r.ProjectOfficer, "project-officer");
        Guid? projectId = r.ProjectKey is null ? null : _projects[r.ProjectKey];
        var created = await _api.PostAsync(officer, "/expertise-requests", new
        {
            projectId,
            requester = r.Requester,
            activityType = r.ActivityType,
            title = r.Title,
            tasks = r.Tasks,
            roles = r.Roles,
            skills = r.Skills,
            languages = r.Languages,
            themes = r.Themes,
            country = r.Country,
            remote = r.Remote,
            startDate = Iso(r.Start),
            endDate = Iso(r.End),
            applicationDeadline = Iso(r.Deadline),
            paid = r.Paid,
            travel = !r.Remote,
            expertsNeeded = r.ExpertsNeeded,
        }, idempotencyKey: $"demo-{_options.Seed}-request-{r.Index}", ct: ct);
        var id = created.Id();
        var path = $"/expertise-requests/{id}";
        Count("requests for expertise");
        Count("requests " + Slug(r.Fate));
        if (r.Fate == RequestFate.Draft) return;

        await _api.PostAsync(officer, $"{path}/submit", ct: ct);
        if (r.Fate == RequestFate.Submitted) return;
        if (r.Fate == RequestFate.Cancelled && r.Index % 2 == 0)
        {
            await _api.PostAsync(officer, $"{path}/cancel", new { reason = "The partner postponed the activity to next year" }, ct: ct);
            return;
        }
        await _api.PostAsync(NetworkCoordinator, $"{path}/approve", new { reason = "In line with the annual CCB priorities" }, ct: ct);
        switch (r.Fate)
        {
            case RequestFate.Amended:
                await _api.PostAsync(officer, $"{path}/amend", new { tasks = r.Tasks + " Includes a half-day briefing of the EU Delegation.", reason = "The Delegation asked for a briefing" }, ct: ct);
                return;
            case RequestFate.Cancelled:
                await _api.PostAsync(officer, $"{path}/cancel", new { reason = "The beneficiary institution was reorganised" }, ct: ct);
                return;
            case RequestFate.Extended:
                var later = r.Deadline.AddDays(7) > r.Start ? r.Start : r.Deadline.AddDays(7);
                await _api.PostAsync(officer, $"{path}/extend", new { applicationDeadline = Iso(later), reason = "Too few applications with the language required" }, ct: ct);
                break;
        }

        // Experts apply themselves; the officer nominates one more where the pool has a fit.
        foreach (var (expert, n) in r.Applicants.Select((e, n) => (e, n)))
        {
            var nominated = !r.LeadsToDeployments && n == r.Applicants.Length - 1 && n > 0;
            await _api.PostAsync(nominated ? officer : ExpertActor(expert), $"{path}/applications",
                new { expertId = expert.Id, nominated, reason = nominated ? "Strong fit for the tasks" : null },
                waitFor: NotYetHeard, ct: ct);
            Count("applications");
        }
        if (r.Fate is RequestFate.Published or RequestFate.Extended && r.Applicants.Length > 1)
            await _api.PostAsync(officer, $"{path}/applications/{r.Applicants[0].Id}/shortlist", ct: ct);
        if (r.Fate == RequestFate.Closed)
        {
            await _api.PostAsync(officer, $"{path}/close", new { reason = "Enough candidates for the requester's selection" }, ct: ct);
            return;
        }
        if (!r.LeadsToDeployments) return;

        foreach (var expert in r.Selected)
        {
            await _api.PostAsync(officer, $"{path}/applications/{expert.Id}/shortlist", ct: ct);
            var request = await _api.PostAsync(officer, $"{path}/applications/{expert.Id}/select", new { reason = "Best match of the shortlist" }, waitFor: NotYetHeard, ct: ct);
            var deploymentId = request.GetProperty("applications").EnumerateArray()
                .First(a => a.GetProperty("expertId").GetGuid() == expert.Id).GetProperty("deploymentId").GetGuid();
            await SeedDeploymentAsync(r, officer, expert, deploymentId, ct);
        }
    }

    private async Task SeedDeploymentAsync(RequestPlan r, Actor officer, ExpertPlan expert, Guid id, CancellationToken ct)
    {
        var path = $"/deployments/{id}";
        Count("deployments");
        var fate = r.Fate == RequestFate.Fulfilled ? RequestFate.DeploymentConfirmed : r.Fate;
        Count("deployments " + Slug(fate).Replace("deployment-", "", StringComparison.Ordinal));
        if (fate == RequestFate.DeploymentPlanned) return;
        if (fate == RequestFate.DeploymentCancelled && r.Index % 2 == 0)
        {
            await _api.PostAsync(officer, $"{path}/cancel", new { reason = "The expert's employer could not release them for the dates" }, ct: ct);
            return;
        }
        await _api.PostAsync(officer, $"{path}/confirm", new { reason = "Terms of reference agreed with the expert" }, waitFor: NotYetHeard, ct: ct);
        switch (fate)
        {
            case RequestFate.DeploymentConfirmed:
                return;
            case RequestFate.DeploymentCancelled:
                await _api.PostAsync(officer, $"{path}/cancel", new { reason = "Mission postponed by the partner country" }, ct: ct);
                return;
        }
        await _api.PostAsync(officer, $"{path}/start", waitFor: NotYetHeard, ct: ct);
        if (fate == RequestFate.DeploymentStarted) return;
        if (fate == RequestFate.DeploymentExtended)
        {
            await _api.PostAsync(officer, $"{path}/extend", new { endDate = Iso(r.End.AddDays(5)), reason = "The partner asked for a follow-up workshop" }, waitFor: NotYetHeard, ct: ct);
            return;
        }
        await _api.PostAsync(ExpertActor(expert), $"{path}/complete", new
        {
            debrief = "Tasks delivered as agreed; recommendations handed over to the beneficiary and the EU Delegation.",
        }, ct: ct);
        if (fate == RequestFate.DeploymentCompleted) return;
        await _api.PostAsync(officer, $"{path}/evaluate", new { rating = 3 + (r.Index % 3), feedback = "Clear, practical advice; the partner asked for the same expert again." }, ct: ct);
    }

    // ---- Training ---------------------------------------------------------------------------------

    private async Task SeedTrainingAsync(List<SessionPlan> sessions, List<TrainingRequestPlan> requests, CancellationToken ct)
    {
        var manager = new Actor("training-manager-1", "training-manager");
        var courses = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var c in TrainingPlans.Courses)
        {
            var course = await _api.PostAsync(manager, "/courses", new
            {
                title = c.Title,
                provider = c.Provider,
                format = c.Format,
                language = c.Language,
                roles = c.Roles,
                themes = c.Themes,
                durationDays = c.Days,
                prerequisites = c.ELearning is null ? [] : new[] { new { courseId = (Guid?)null, description = c.ELearning } },
                description = $"{c.Title}, by {c.Provider}.",
            }, idempotencyKey: $"demo-{_options.Seed}-course-{c.Key}", ct: ct);
            courses[c.Key] = course.Id();
            Count("courses");
        }

        var scheduled = new ConcurrentDictionary<int, Guid>();
        await ForEachAsync(sessions, async (s, token) =>
        {
            var actor = new Actor(s.Manager, "training-manager");
            var session = await _api.PostAsync(actor, "/training-sessions", new
            {
                courseId = courses[s.Course.Key].ToString(),
                startDate = Iso(s.Start),
                endDate = Iso(s.End),
                country = s.Country,
                city = s.City,
                online = s.Online,
                capacity = s.Capacity,
                enrolmentDeadline = Iso(s.Deadline),
            }, idempotencyKey: $"demo-{_options.Seed}-session-{s.Index}", ct: token);
            scheduled[s.Index] = session.Id();
            Count("training sessions");
            Count("sessions " + Slug(s.Fate));
            if (s.Fate != SessionFate.Scheduled) await _api.PostAsync(actor, $"/training-sessions/{session.Id()}/open", ct: token);
        }, ct);
        foreach (var (index, id) in scheduled) _sessions[index] = id;

        // Training requests up to their scheduling first: a request is scheduled into a session before it takes place.
        await ForEachAsync(requests, PrepareTrainingRequestAsync, ct);
        await ForEachAsync(sessions, RunSessionAsync, ct);
        await ForEachAsync(requests.Where(r => r.Fate is TrainingRequestFate.Delivered or TrainingRequestFate.Closed), async (r, token) =>
        {
            var path = $"/training-requests/{_trainingRequests[r.Index]}";
            await _api.PostAsync(manager, $"{path}/deliver", ct: token);
            if (r.Fate == TrainingRequestFate.Closed) await _api.PostAsync(manager, $"{path}/close", ct: token);
        }, ct);
    }

    private async Task PrepareTrainingRequestAsync(TrainingRequestPlan r, CancellationToken ct)
    {
        // Delegations' requests come in through a coordinator; the others through the training desk.
        var submitter = r.Requester.StartsWith("EU Delegation", StringComparison.Ordinal) ? NetworkCoordinator : new Actor("training-manager-2", "training-manager");
        var manager = new Actor("training-manager-1", "training-manager");
        var created = await _api.PostAsync(submitter, "/training-requests", new
        {
            requester = r.Requester,
            beneficiaryCountry = r.Country,
            topic = r.Topic,
            roles = r.Roles,
            themes = r.Themes,
            audienceSize = r.AudienceSize,
            preferredFrom = Iso(r.PreferredFrom),
            preferredTo = Iso(r.PreferredTo),
        }, idempotencyKey: $"demo-{_options.Seed}-training-request-{r.Index}", ct: ct);
        var id = created.Id();
        lock (_trainingRequests) _trainingRequests[r.Index] = id;
        Count("training requests");
        Count("training requests " + Slug(r.Fate));
        var path = $"/training-requests/{id}";
        switch (r.Fate)
        {
            case TrainingRequestFate.Submitted:
                return;
            case TrainingRequestFate.Withdrawn:
                await _api.PostAsync(manager, $"{path}/withdraw", new { reason = "The ministry found a national provider" }, ct: ct);
                return;
        }
        await _api.PostAsync(manager, $"{path}/review", ct: ct);
        switch (r.Fate)
        {
            case TrainingRequestFate.UnderReview:
                return;
            case TrainingRequestFate.Rejected:
                await _api.PostAsync(NetworkCoordinator, $"{path}/reject", new { reason = "Covered by the regional programme's own training this year" }, ct: ct);
                return;
        }
        await _api.PostAsync(manager, $"{path}/approve", ct: ct);
        if (r.Fate == TrainingRequestFate.Approved) return;
        await _api.PostAsync(manager, $"{path}/schedule", new { sessionId = _sessions[r.SessionIndex!.Value].ToString() }, ct: ct);
    }

    private async Task RunSessionAsync(SessionPlan s, CancellationToken ct)
    {
        if (s.Fate == SessionFate.Scheduled) return;
        var manager = new Actor(s.Manager, "training-manager");
        var path = $"/training-sessions/{_sessions[s.Index]}";
        var enrolments = new List<Guid>();
        foreach (var expert in s.Experts)
        {
            var enrolment = await _api.PostAsync(manager, $"{path}/enrolments", new { expertId = expert.Id.ToString() }, waitFor: NotYetHeard, ct: ct);
            enrolments.Add(enrolment.Id());
            Count("enrolments");
        }
        foreach (var p in s.Participants)
        {
            var enrolment = await _api.PostAsync(manager, $"{path}/enrolments", new { participant = new { name = p.Name, email = p.Email, country = p.Country } }, ct: ct);
            enrolments.Add(enrolment.Id());
            Count("enrolments");
        }
        switch (s.Fate)
        {
            case SessionFate.Open:
                return;
            case SessionFate.Full:
                // A cancellation hands the seat to the first on the waitlist.
                await _api.PostAsync(manager, $"/enrolments/{enrolments[0]}/cancel", new { reason = "Called to an incident at home" }, ct: ct);
                return;
            case SessionFate.Cancelled:
                await _api.PostAsync(manager, $"{path}/cancel", new { reason = "The trainer fell ill; a new session will be scheduled" }, ct: ct);
                return;
        }
        await _api.PostAsync(manager, $"{path}/deliver", ct: ct);
        for (var i = 0; i < enrolments.Count; i++)
        {
            var enrolment = $"/enrolments/{enrolments[i]}";
            if (i == enrolments.Count - 1)
            {
                await _api.PostAsync(manager, $"{enrolment}/no-show", ct: ct);
                continue;
            }
            await _api.PostAsync(manager, $"{enrolment}/attend", ct: ct);
            await _api.PostAsync(manager, $"{enrolment}/complete", ct: ct);
            Count("trainings completed");
            if (s.Fate == SessionFate.Closed || i % 2 == 0)
            {
                await _api.PostAsync(manager, $"{enrolment}/certify", ct: ct);
                Count("certificates");
            }
        }
        if (s.Fate == SessionFate.Closed) await _api.PostAsync(manager, $"{path}/close", ct: ct);
    }

    // ---- A partner system -------------------------------------------------------------------------

    private async Task SeedPartnerAsync(DateOnly today, CancellationToken ct)
    {
        var partner = await _api.PostAsync(NetworkCoordinator, "/partners", new { name = DemoPartnerName, amqpUser = (string?)null },
            idempotencyKey: $"demo-{_options.Seed}-partner", ct: ct);
        var partnerId = partner.Id();
        var key = await _api.PostAsync(NetworkCoordinator, $"/partners/{partnerId}/keys", ct: ct);
        var apiKey = new Dictionary<string, string> { ["X-Api-Key"] = key.Text("apiKey") };
        Count("partners");

        // Estonia's own project in Moldova, beside the EU's CSIRT project there: Coordination should flag it.
        var now = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await _api.PostAsync(null, "/partner-events", new
        {
            eventId = $"ega-demo-{_options.Seed}-0001",
            type = "project-reported",
            occurredAt = now,
            projectRef = "EGA-MD-01",
            project = new
            {
                title = "Cyber resilience for Moldova",
                funder = "Estonia (MFA)",
                implementers = new[] { "e-Governance Academy" },
                beneficiaryCountries = new[] { "MD" },
                themes = new[] { "policy-and-strategy", "incident-management-and-cip" },
                pillars = new[] { "national-strategic-framework" },
                budgetEur = 1_200_000,
                startDate = Iso(today.AddMonths(-2)),
                endDate = Iso(today.AddMonths(16)),
                status = "ongoing",
            },
        }, headers: apiKey, ct: ct);
        await _api.PostAsync(null, "/partner-events", new
        {
            eventId = $"ega-demo-{_options.Seed}-0002",
            type = "activity-reported",
            occurredAt = now,
            projectRef = "EGA-MD-01",
            activity = new
            {
                activityRef = "EGA-MD-01-W1",
                title = "National CSIRT table-top exercise",
                activityType = "exercise",
                country = "MD",
                themes = new[] { "incident-management-and-cip" },
                startDate = Iso(today.AddDays(40)),
                endDate = Iso(today.AddDays(42)),
            },
        }, headers: apiKey, ct: ct);
        Count("partner events", 2);
    }

    // ---- Coordination -----------------------------------------------------------------------------

    /// <summary>
    /// Waits until Coordination has heard everything (its overview stops moving), then has the
    /// network coordinator acknowledge one overlap alert and dismiss another, as they would.
    /// </summary>
    private async Task<JsonElement> SettleCoordinationAsync(CancellationToken ct)
    {
        await WaitUntilStillAsync(ct);
        var open = await _api.GetAsync(NetworkCoordinator, "/coordination/overlaps?open=true&pageSize=200", ct);
        var items = open.GetProperty("items").EnumerateArray().ToList();
        Guid? Between(string a, string b) => items.FirstOrDefault(i => Involves(i, _projects[a]) && Involves(i, _projects[b])) is { ValueKind: JsonValueKind.Object } alert ? alert.Id() : null;
        if (Between("ua-cip", "ua-energy") is { } ukraine)
        {
            await _api.PostAsync(NetworkCoordinator, $"/coordination/overlaps/{ukraine}/acknowledge", new { reason = "Raised with DG NEAR and GIZ at the Kyiv donor coordination meeting" }, ct: ct);
            Count("overlap alerts acknowledged");
        }
        if (Between("wb-cyber", "rs-skills") is { } serbia)
        {
            await _api.PostAsync(NetworkCoordinator, $"/coordination/overlaps/{serbia}/dismiss", new { reason = "Complementary: the Dutch project trains the administration the regional programme does not cover" }, ct: ct);
            Count("overlap alerts dismissed");
        }
        return await WaitUntilStillAsync(ct);
    }

    /// <summary>Polls Coordination's overview and alerts until three polls in a row agree (at most two minutes).</summary>
    private async Task<JsonElement> WaitUntilStillAsync(CancellationToken ct)
    {
        JsonElement overview = default;
        string? previous = null;
        var stable = 0;
        var deadline = Stopwatch.StartNew();
        while (stable < 3 && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            overview = await _api.GetAsync(NetworkCoordinator, "/coordination/overview", ct);
            var alerts = await _api.GetAsync(NetworkCoordinator, "/coordination/overlaps?pageSize=1", ct);
            var snapshot = overview.GetRawText() + alerts.Number("total");
            stable = snapshot == previous ? stable + 1 : 0;
            previous = snapshot;
        }
        return overview;
    }

    private static bool Involves(JsonElement alert, Guid projectId) =>
        alert.Text("activityA").EndsWith(projectId.ToString(), StringComparison.OrdinalIgnoreCase)
        || alert.Text("activityB").EndsWith(projectId.ToString(), StringComparison.OrdinalIgnoreCase);

    // ---- Helpers ----------------------------------------------------------------------------------

    private string Summarise(TimeSpan duration, JsonElement overview)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Demo network loaded in {duration.TotalSeconds:F1} s with {_api.Calls} API calls ({_api.Waits} waited out: rate limits, eventual consistency).");
        foreach (var (name, count) in _counts.OrderBy(c => c.Key, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-42} {count,6}");
        if (overview.ValueKind == JsonValueKind.Object)
        {
            text.AppendLine("Coordination's overview now:");
            foreach (var figure in overview.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("total", out _)))
            {
                var byStatus = figure.Value.TryGetProperty("byStatus", out var statuses)
                    ? string.Join(", ", statuses.EnumerateObject().Select(s => $"{s.Name} {s.Value.GetRawText()}"))
                    : "";
                var open = figure.Value.TryGetProperty("open", out var o) ? $" ({o.GetRawText()} open)" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {figure.Name,-18} {figure.Value.GetProperty("total").GetRawText(),5}{open}: {byStatus}");
            }
        }
        return text.ToString().TrimEnd();
    }

    private async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task> body, CancellationToken ct) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct },
            async (item, token) => await body(item, token));

    private void Count(string what, int n = 1) => _counts.AddOrUpdate(what, n, (_, c) => c + n);

    private static Actor ExpertActor(ExpertPlan e) => new($"expert-{e.Id:N}"[..15], "expert", ExpertId: e.Id);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Slug<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var slug = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && slug.Length > 0) slug.Append('-');
            slug.Append(char.ToLowerInvariant(c));
        }
        return slug.ToString();
    }
}
