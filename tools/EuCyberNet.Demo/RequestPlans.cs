namespace EuCyberNet.Demo;

/// <summary>Where a request for expertise (and the deployments it leads to) stops in the demo.</summary>
internal enum RequestFate
{
    Draft,
    Submitted,
    Published,
    Amended,
    Extended,
    Closed,
    Cancelled,
    DeploymentPlanned,
    DeploymentConfirmed,
    DeploymentStarted,
    DeploymentExtended,
    DeploymentCompleted,
    DeploymentEvaluated,
    DeploymentCancelled,
    Fulfilled,
}

internal sealed record RequestPlan(
    int Index, string? ProjectKey, string Requester, string ActivityType, string Title, string Tasks, string[] Roles, string[] Skills,
    string[] Languages, string[] Themes, string Country, bool Remote, DateOnly Start, DateOnly End, DateOnly Deadline, bool Paid,
    int ExpertsNeeded, RequestFate Fate, ExpertPlan[] Applicants, ExpertPlan[] Selected, string ProjectOfficer)
{
    public bool LeadsToDeployments => Fate >= RequestFate.DeploymentPlanned;

    /// <summary>Deployments already under way: their requests start today (the API lets a deployment start on any day).</summary>
    public bool StartsToday => Fate is RequestFate.DeploymentStarted or RequestFate.DeploymentExtended
        or RequestFate.DeploymentCompleted or RequestFate.DeploymentEvaluated;
}

internal static class RequestPlans
{
    private sealed record Template(string ActivityType, string Title, string Tasks, int Days);

    // What partner countries ask EU CyberNet for, by the ECSF role it needs.
    private static readonly Dictionary<string, Template> ByRole = new()
    {
        ["ciso"] = new("advisory-mission", "Information security governance for the national e-government agency", "Review the ISMS, advise on governance and reporting lines, draft a roadmap.", 10),
        ["cyber-incident-responder"] = new("advisory-mission", "CSIRT maturity assessment (SIM3)", "Assess the national CSIRT against SIM3, recommend priorities, mentor the team.", 8),
        ["cyber-legal-policy-compliance-officer"] = new("peer-review", "Peer review of the draft cybercrime and NIS-style legislation", "Review the draft law against the Budapest Convention and EU practice; present findings to the ministry.", 5),
        ["cyber-threat-intelligence-specialist"] = new("training", "Threat intelligence sharing with MISP", "Set up MISP communities, train analysts in sharing and enrichment.", 5),
        ["cybersecurity-architect"] = new("advisory-mission", "Secure architecture of the government cloud", "Review the target architecture, advise on zero-trust segmentation and key management.", 10),
        ["cybersecurity-auditor"] = new("advisory-mission", "Audit methodology for operators of essential services", "Design the audit framework and accompany two pilot audits.", 12),
        ["cybersecurity-educator"] = new("training", "Train-the-trainer course for university lecturers", "Deliver a five-day course and help adapt the cybersecurity curriculum.", 5),
        ["cybersecurity-implementer"] = new("advisory-mission", "Hardening of the national data centre", "Harden servers and network devices, hand over baselines and procedures.", 10),
        ["cybersecurity-researcher"] = new("conference", "Keynote and workshop at the national cybersecurity conference", "Speak on vulnerability research and run a coordinated disclosure workshop.", 3),
        ["cybersecurity-risk-manager"] = new("advisory-mission", "National cyber risk assessment", "Facilitate the risk assessment and the identification of critical information infrastructure.", 10),
        ["digital-forensics-investigator"] = new("training", "Digital forensics for cybercrime units", "Train investigators in memory and mobile forensics and e-evidence handling.", 5),
        ["penetration-tester"] = new("exercise", "Red-team exercise against the central bank's systems", "Plan and run a red-team exercise with the central bank's SOC; debrief the blue team.", 7),
    };

    private static readonly (RequestFate Fate, int Count)[] Mix =
    [
        (RequestFate.Draft, 2), (RequestFate.Submitted, 3), (RequestFate.Published, 8), (RequestFate.Amended, 2),
        (RequestFate.Extended, 2), (RequestFate.Closed, 2), (RequestFate.Cancelled, 2),
        (RequestFate.DeploymentPlanned, 2), (RequestFate.DeploymentConfirmed, 3), (RequestFate.DeploymentStarted, 3),
        (RequestFate.DeploymentExtended, 2), (RequestFate.DeploymentCompleted, 3), (RequestFate.DeploymentEvaluated, 5),
        (RequestFate.DeploymentCancelled, 2), (RequestFate.Fulfilled, 2),
    ];

    public static List<RequestPlan> Create(Random random, DateOnly today, IReadOnlyList<ExpertPlan> experts)
    {
        var pool = experts.Where(e => e.InPool).OrderBy(_ => random.Next()).ToList();
        var deployable = new Queue<ExpertPlan>(pool);
        var projects = Portfolio.Projects.Where(p => p.Status is "ongoing" or "planned").ToArray();
        var plans = new List<RequestPlan>();
        var index = 0;
        foreach (var (fate, count) in Mix)
        for (var n = 0; n < count; n++, index++)
        {
            // Most requests serve a project; every fourth comes from an EU delegation directly.
            var project = index % 4 == 3 ? null : projects[index % projects.Length];
            var country = project?.Countries[random.Next(project.Countries.Length)]
                          ?? Vocabulary.PartnerCountries[random.Next(Vocabulary.PartnerCountries.Length)].Code;
            var partner = Vocabulary.PartnerCountries.First(c => c.Code == country);
            var role = project is null
                ? Vocabulary.Roles[random.Next(Vocabulary.Roles.Length)]
                : Vocabulary.Roles.Where(r => project.Themes.Contains(r.Theme)).DefaultIfEmpty(Vocabulary.Roles[0]).ElementAt(n % Math.Max(1, Vocabulary.Roles.Count(r => project.Themes.Contains(r.Theme))));
            var template = ByRole[role.Slug];
            var expertsNeeded = fate == RequestFate.Fulfilled ? 2 : fate >= RequestFate.DeploymentPlanned ? 1 : 1 + random.Next(3);
            var startsToday = fate is RequestFate.DeploymentStarted or RequestFate.DeploymentExtended or RequestFate.DeploymentCompleted or RequestFate.DeploymentEvaluated;
            var start = startsToday ? today : today.AddDays(21 + random.Next(100));
            var deadline = startsToday ? today : start.AddDays(-7 - random.Next(7));
            if (deadline < today) deadline = today;
            var remote = template.ActivityType == "conference" ? false : random.NextDouble() < 0.15;

            var selected = fate >= RequestFate.DeploymentPlanned
                ? Enumerable.Range(0, expertsNeeded).Select(_ => deployable.Dequeue()).ToArray()
                : [];
            var others = pool.Where(e => !selected.Contains(e) && e.Roles.Contains(role.Slug)).OrderBy(_ => random.Next()).Take(fate is RequestFate.Draft or RequestFate.Submitted or RequestFate.Amended ? 0 : 1 + random.Next(4));
            var countryName = partner.City;
            plans.Add(new RequestPlan(
                index, project?.Key,
                project is null ? $"EU Delegation ({country})" : project.Implementers[0],
                template.ActivityType,
                $"{template.Title} — {countryName}",
                template.Tasks,
                [role.Slug],
                [.. role.Skills.Take(2).Select(s => s.Name)],
                partner.Language == "en" ? ["en"] : ["en", partner.Language],
                // Requests of a project share its themes (a delegation's own request names its theme);
                // a few leave themes out, as real requests often do.
                random.NextDouble() < 0.2 ? [] : project?.Themes.Where(t => t == role.Theme).DefaultIfEmpty(project.Themes[0]).ToArray() ?? [role.Theme],
                country, remote, start, start.AddDays(template.Days - 1), deadline, random.NextDouble() < 0.7,
                expertsNeeded, fate, [.. selected.Concat(others)], selected,
                OfficerFor(project?.Funder)));
        }
        return plans;
    }

    /// <summary>The desk that handles a funder's requests.</summary>
    public static string OfficerFor(string? funder) => funder switch
    {
        "DG NEAR" => "project-officer-near",
        "FPI" => "project-officer-fpi",
        null => "project-officer-delegations",
        _ when funder.StartsWith("DG", StringComparison.Ordinal) || funder.Contains("DG INTPA", StringComparison.Ordinal) => "project-officer-intpa",
        _ => "project-officer-member-states",
    };
}
