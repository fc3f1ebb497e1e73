using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Coordination.Benchmarks;

/// <summary>
/// A synthetic network whose events look like the real publishers' (the contract records, with their
/// versions and snapshots): experts applying and being accepted, projects registered and updated,
/// requests published and closed, deployments, sessions filling up, training requests, enrolments.
/// Each subject's events form a story; stories overlap in time, so a subject's events are spread
/// over the whole history and interleaved with everyone else's, as they would be in production.
/// </summary>
public sealed class Network(int seed)
{
    private static readonly string[] Partners =
    [
        "UA", "MD", "GE", "AM", "AZ", "AL", "BA", "ME", "MK", "RS", "XK", "MA", "TN", "EG", "JO", "LB", "KE", "GH", "SN", "NG", "RW", "UG",
        "TZ", "ET", "ZA", "ZM", "MZ", "CI", "BJ", "CM", "DO", "CO", "PE", "BR", "MX", "CR", "ID", "VN", "PH", "TH", "IN", "BD", "LK", "KZ", "UZ", "KG",
    ];

    private static readonly string[] EuCitizenships = [.. Contracts.Vocabularies.Countries.EuMemberStates.Order()];
    private static readonly string[] Funders = ["European Union", "Germany (BMZ)", "France (MEAE)", "Netherlands", "Estonia", "Japan (JICA)", "United Kingdom", "World Bank", "Spain (AECID)", "Sweden (Sida)"];
    private static readonly string[] Implementers = ["GIZ", "Expertise France", "CIVIPOL", "e-Governance Academy", "FIIAPP", "Enabel", "UNODC", "ITU", "Council of Europe", "NCSC-NL", "CERT.LV", "SI-CERT", "RISE", "Estonian ISA", "UNDP"];
    private static readonly CcbTheme[] Themes = Enum.GetValues<CcbTheme>();
    private static readonly EcsfRole[] Roles = Enum.GetValues<EcsfRole>();
    private static readonly Pillar[] Pillars = Enum.GetValues<Pillar>();

    private readonly Random _random = new(seed);

    /// <summary>The stories of a network of <paramref name="events"/> events (roughly), over <paramref name="span"/> ending at <paramref name="end"/>.</summary>
    public IReadOnlyList<Story> Stories(int events, DateTimeOffset end, TimeSpan span)
    {
        // Per 1,000,000 events: 60k experts ×7, 15k projects ×4, 40k requests ×4, 40k deployments ×4,
        // 10k sessions ×8, 20k training requests ×3, 30k enrolments ×2.
        var scale = events / 1_000_000.0;
        int N(int perMillion) => Math.Max(1, (int)Math.Round(perMillion * scale));
        var start = end - span;
        var stories = new List<Story>();
        var projects = new List<Guid>();
        var requests = new List<(Guid Id, Guid? Project, DateTimeOffset At)>();
        var sessions = new List<Guid>();
        var experts = new List<Guid>();

        for (var i = 0; i < N(15_000); i++) { var s = ProjectStory(At(start, span)); projects.Add(s.Id); stories.Add(s); }
        for (var i = 0; i < N(60_000); i++) { var s = ExpertStory(At(start, span)); experts.Add(s.Id); stories.Add(s); }
        for (var i = 0; i < N(40_000); i++)
        {
            Guid? project = _random.Next(2) == 0 ? projects[_random.Next(projects.Count)] : null;
            var s = RequestStory(At(start, span), project);
            requests.Add((s.Id, project, s.Steps[0].At));
            stories.Add(s);
        }
        for (var i = 0; i < N(40_000); i++)
        {
            var request = requests[_random.Next(requests.Count)];
            stories.Add(DeploymentStory(request.At.AddDays(_random.Next(10, 40)), request.Id, request.Project, experts[_random.Next(experts.Count)]));
        }
        for (var i = 0; i < N(10_000); i++) { var s = SessionStory(At(start, span)); sessions.Add(s.Id); stories.Add(s); }
        for (var i = 0; i < N(20_000); i++) stories.Add(TrainingRequestStory(At(start, span), sessions[_random.Next(sessions.Count)]));
        for (var i = 0; i < N(30_000); i++) stories.Add(EnrolmentStory(At(start, span), sessions[_random.Next(sessions.Count)], experts[_random.Next(experts.Count)]));
        return stories;
    }

    private DateTimeOffset At(DateTimeOffset start, TimeSpan span) => start + TimeSpan.FromSeconds(_random.NextDouble() * span.TotalSeconds * 0.9);

    private T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];

    private IReadOnlyList<T> Some<T>(IReadOnlyList<T> values, int max) =>
        [.. Enumerable.Range(0, _random.Next(1, max + 1)).Select(_ => Pick(values)).Distinct()];

    private DateTimeOffset Later(DateTimeOffset at, int maxDays) => at + TimeSpan.FromMinutes(_random.Next(10, maxDays * 24 * 60));

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private Story ProjectStory(DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        var snapshot = new ProjectSnapshot($"Project {id:N}"[..20], Pick(Funders), Some(Implementers, 2), Some(Partners, 3), Some(Themes, 2), Some(Pillars, 2),
            _random.Next(100, 5000) * 1000m, Day(at).AddDays(30), Day(at).AddDays(30 + _random.Next(180, 1100)), "planned", "staff");
        var steps = new List<StoryEvent> { new(at, new ProjectRegistered(id, 1, snapshot, at)) };
        var current = snapshot with { Status = "active" };
        for (var v = 2; v <= 4; v++)
        {
            at = Later(at, 90);
            current = v == 4 ? current with { Status = "closed" } : current with { EndDate = current.EndDate.AddDays(_random.Next(0, 60)) };
            steps.Add(new StoryEvent(at, new ProjectUpdated(id, v, current, at)));
        }
        return new Story(id, steps);
    }

    private Story ExpertStory(DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        var citizenship = Pick(EuCitizenships);
        var roles = Some(Roles, 3);
        var steps = new List<StoryEvent> { new(at, new ExpertApplicationReceived(id, citizenship, at)) };
        string[] statuses = ["acknowledged", "profile-submitted", _random.Next(10) == 0 ? "rejected" : "accepted"];
        var previous = "applied";
        foreach (var status in statuses)
        {
            at = Later(at, 10);
            steps.Add(new StoryEvent(at, new ExpertStatusChanged(id, status, previous, citizenship, at)));
            previous = status;
        }
        at = at.AddSeconds(1);
        steps.Add(new StoryEvent(at, new ExpertJoinedPool(id, citizenship, roles, [new LanguageSkill("en", LanguageLevel.C1)], at)));
        at = Later(at, 30);
        var from = Day(at);
        steps.Add(new StoryEvent(at, new ExpertAvailabilityChanged(id, [new AvailabilityWindow(from, from.AddDays(_random.Next(30, 400)), Pick<int>([25, 50, 100]))], at)));
        at = Later(at, 200);
        steps.Add(new StoryEvent(at, new ExpertCompetencesChanged(id, Some(Roles, 3), [new SkillRef(SkillFamily.Tech, "Incident response", "Triage")], [], _random.Next(2, 25), at)));
        return new Story(id, steps);
    }

    private Story RequestStory(DateTimeOffset at, Guid? project)
    {
        var id = Guid.NewGuid();
        var snapshot = new ExpertiseRequestSnapshot(project, "EU Delegation", Pick(Enum.GetValues<ActivityType>()), $"Request {id:N}"[..20], Some(Roles, 2),
            ["en"], Pick(Partners), false, Day(at).AddDays(40), Day(at).AddDays(40 + _random.Next(5, 60)), Day(at).AddDays(30), _random.Next(1, 4), Some(Themes, 2));
        var steps = new List<StoryEvent> { new(at, new ExpertiseRequestPublished(id, 2, snapshot, at)) };
        at = Later(at, 10);
        steps.Add(new StoryEvent(at, new ExpertiseRequestAmended(id, 3, snapshot with { ExpertsNeeded = snapshot.ExpertsNeeded + 1 }, at)));
        at = Later(at, 5);
        steps.Add(new StoryEvent(at, new ExpertiseRequestPublished(id, 5, snapshot with { ExpertsNeeded = snapshot.ExpertsNeeded + 1 }, at)));
        at = Later(at, 30);
        steps.Add(new StoryEvent(at, new ExpertiseRequestClosed(id, 6, "deadline", at)));
        return new Story(id, steps);
    }

    private Story DeploymentStory(DateTimeOffset at, Guid request, Guid? project, Guid expert)
    {
        var id = Guid.NewGuid();
        var snapshot = new DeploymentSnapshot(request, project, expert, Pick(Partners), Some(Roles, 1), Some(Themes, 1), Day(at).AddDays(10), Day(at).AddDays(25), "confirmed");
        var steps = new List<StoryEvent> { new(at, new DeploymentConfirmed(id, 1, snapshot, at)) };
        at = Later(at, 10);
        steps.Add(new StoryEvent(at, new DeploymentStarted(id, 2, snapshot with { Status = "started" }, at)));
        at = Later(at, 20);
        steps.Add(new StoryEvent(at, new DeploymentCompleted(id, 3, snapshot with { Status = "completed" }, at)));
        at = Later(at, 20);
        steps.Add(new StoryEvent(at, new DeploymentEvaluated(id, 4, snapshot with { Status = "evaluated" }, _random.Next(1, 6), at)));
        return new Story(id, steps);
    }

    private Story SessionStory(DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        var online = _random.Next(4) == 0;
        var snapshot = new TrainingSessionSnapshot(Guid.NewGuid(), "Incident handling", CourseFormat.Classroom, "en", Some(Roles, 2), Some(Themes, 2),
            online ? null : Pick(Partners), online ? null : "Capital", online, Day(at).AddDays(60), Day(at).AddDays(64), 24, 0, "scheduled");
        var steps = new List<StoryEvent> { new(at, new TrainingSessionScheduled(id, 1, snapshot, at)) };
        for (var v = 2; v <= 8; v++)
        {
            at = Later(at, 7);
            snapshot = snapshot with { SeatsTaken = Math.Min(24, snapshot.SeatsTaken + 4), Status = v == 8 ? "delivered" : "open-for-enrolment" };
            steps.Add(new StoryEvent(at, new TrainingSessionUpdated(id, v, snapshot, at)));
        }
        return new Story(id, steps);
    }

    private Story TrainingRequestStory(DateTimeOffset at, Guid session)
    {
        var id = Guid.NewGuid();
        var snapshot = new TrainingRequestSnapshot("Ministry of ICT", Pick(Partners), "CERT basics", Some(Roles, 2), Some(Themes, 2), _random.Next(5, 40),
            Day(at).AddDays(30), Day(at).AddDays(90), null, "approved");
        var steps = new List<StoryEvent> { new(at, new TrainingRequestApproved(id, 3, snapshot, at)) };
        at = Later(at, 20);
        steps.Add(new StoryEvent(at, new TrainingRequestScheduled(id, 4, snapshot with { SessionId = session, Status = "scheduled" }, at)));
        at = Later(at, 60);
        steps.Add(new StoryEvent(at, new TrainingRequestDelivered(id, 5, snapshot with { SessionId = session, Status = "delivered" }, at)));
        return new Story(id, steps);
    }

    private Story EnrolmentStory(DateTimeOffset at, Guid session, Guid expert)
    {
        var id = Guid.NewGuid();
        var completedAt = Later(at, 60);
        return new Story(id,
        [
            new StoryEvent(at, new EnrolmentConfirmed(id, session, expert, at)),
            new StoryEvent(completedAt, new TrainingCompleted(id, session, Guid.NewGuid(), "Incident handling", expert, Some(Roles, 1), null, completedAt)),
        ]);
    }
}

/// <summary>One subject's events, in its own order.</summary>
public sealed record Story(Guid Id, IReadOnlyList<StoryEvent> Steps);

public sealed record StoryEvent(DateTimeOffset At, IIntegrationEvent Event);
