namespace EuCyberNet.Demo;

internal sealed record CourseSpec(string Key, string Title, string Provider, string Format, string Language, string[] Roles, string[] Themes, int Days, string? ELearning);

internal enum SessionFate
{
    Scheduled,
    Open,
    Full,
    Delivered,
    Closed,
    Cancelled,
}

internal sealed record SessionPlan(
    int Index, CourseSpec Course, SessionFate Fate, DateOnly Start, DateOnly End, DateOnly Deadline, string? Country, string? City,
    bool Online, int Capacity, ExpertPlan[] Experts, (string Name, string Email, string Country)[] Participants, string Manager);

internal enum TrainingRequestFate
{
    Submitted,
    UnderReview,
    Approved,
    Scheduled,
    Delivered,
    Closed,
    Rejected,
    Withdrawn,
}

internal sealed record TrainingRequestPlan(
    int Index, string Requester, string Country, string Topic, string[] Roles, string[] Themes, int AudienceSize,
    DateOnly PreferredFrom, DateOnly PreferredTo, TrainingRequestFate Fate, int? SessionIndex);

internal static class TrainingPlans
{
    public static readonly CourseSpec[] Courses =
    [
        new("csirt-basics", "Establishing and running a national CSIRT", "EU CyberNet", "classroom", "en", ["cyber-incident-responder"], ["incident-management-and-cip"], 5, "ENISA e-learning: CSIRT fundamentals"),
        new("cyber-diplomacy", "Cyber diplomacy and international law in cyberspace", "European Security and Defence College (ESDC)", "blended", "en", ["cyber-legal-policy-compliance-officer", "ciso"], ["policy-and-strategy"], 4, null),
        new("e-evidence", "Electronic evidence and cybercrime investigations", "CEPOL", "classroom", "en", ["digital-forensics-investigator"], ["cybercrime"], 5, null),
        new("cti-misp", "Threat intelligence with MISP", "EU CyberNet", "online", "en", ["cyber-threat-intelligence-specialist"], ["incident-management-and-cip"], 3, null),
        new("ccb-methods", "Delivering cyber capacity building: methods and ethics", "EU CyberNet", "online", "en", ["cybersecurity-educator", "ciso", "cybersecurity-risk-manager"], ["culture-and-skills"], 2, "EU CyberNet induction module"),
        new("risk-cii", "National risk assessment and critical information infrastructure", "ENISA", "classroom", "en", ["cybersecurity-risk-manager", "cybersecurity-auditor"], ["incident-management-and-cip", "standards"], 3, null),
        new("crisis-exercises", "Designing cyber crisis exercises", "EU CyberNet", "blended", "fr", ["cyber-incident-responder", "cybersecurity-educator"], ["incident-management-and-cip"], 4, null),
        new("pentest-ics", "Penetration testing of industrial control systems", "EU CyberNet", "classroom", "en", ["penetration-tester", "cybersecurity-implementer"], ["standards"], 5, "Prior penetration-testing experience"),
        new("secure-egov", "Secure e-government architectures", "e-Governance Academy", "classroom", "en", ["cybersecurity-architect", "cybersecurity-implementer"], ["standards", "policy-and-strategy"], 4, null),
        new("research-disclosure", "Coordinated vulnerability disclosure for national authorities", "EU CyberNet", "online", "en", ["cybersecurity-researcher", "cyber-legal-policy-compliance-officer"], ["standards"], 1, null),
    ];

    private static readonly SessionFate[] SessionMix =
    [
        SessionFate.Closed, SessionFate.Closed, SessionFate.Delivered, SessionFate.Full,
        SessionFate.Open, SessionFate.Open, SessionFate.Open, SessionFate.Open, SessionFate.Open, SessionFate.Open, SessionFate.Open,
        SessionFate.Scheduled, SessionFate.Scheduled, SessionFate.Scheduled, SessionFate.Scheduled, SessionFate.Cancelled,
    ];

    private static readonly (string Requester, string Country, string Topic, string[] Roles, string[] Themes)[] Requests =
    [
        ("Ministry of Digital Transformation of Ukraine", "UA", "Incident handling for regional administrations", ["cyber-incident-responder"], ["incident-management-and-cip"]),
        ("EU Delegation to Moldova", "MD", "Cyber hygiene for public servants", ["cybersecurity-educator"], ["culture-and-skills"]),
        ("Cyber Security Authority of Ghana", "GH", "Electronic evidence for prosecutors", ["digital-forensics-investigator"], ["cybercrime"]),
        ("BSSN (National Cyber and Crypto Agency)", "ID", "Threat intelligence sharing", ["cyber-threat-intelligence-specialist"], ["incident-management-and-cip"]),
        ("EU Delegation to Kenya", "KE", "Risk management for critical infrastructure operators", ["cybersecurity-risk-manager"], ["incident-management-and-cip"]),
        ("Ministry of Information and Communications Technology of Georgia", "GE", "Cyber diplomacy for diplomats", ["cyber-legal-policy-compliance-officer"], ["policy-and-strategy"]),
        ("CNCS Dominican Republic", "DO", "Secure e-government services", ["cybersecurity-architect"], ["standards"]),
        ("EU Delegation to Senegal", "SN", "CSIRT operations", ["cyber-incident-responder"], ["incident-management-and-cip"]),
        ("DICT Philippines", "PH", "Penetration testing of government portals", ["penetration-tester"], ["standards"]),
        ("National Cyber Security Agency of Serbia", "RS", "Crisis exercise design", ["cyber-incident-responder", "cybersecurity-educator"], ["incident-management-and-cip"]),
        ("EU Delegation to Colombia", "CO", "Cybercrime investigations", ["digital-forensics-investigator"], ["cybercrime"]),
        ("INSA Ethiopia", "ET", "National cybersecurity strategy drafting", ["ciso"], ["policy-and-strategy"]),
        ("AKCESK Albania", "AL", "Audits of essential services", ["cybersecurity-auditor"], ["standards"]),
        ("Ministry of Communications of Nigeria", "NG", "Cybersecurity curriculum for universities", ["cybersecurity-educator"], ["culture-and-skills"]),
    ];

    private static readonly TrainingRequestFate[] RequestMix =
    [
        TrainingRequestFate.Submitted, TrainingRequestFate.Submitted, TrainingRequestFate.UnderReview, TrainingRequestFate.UnderReview,
        TrainingRequestFate.Approved, TrainingRequestFate.Approved, TrainingRequestFate.Scheduled, TrainingRequestFate.Scheduled,
        TrainingRequestFate.Scheduled, TrainingRequestFate.Delivered, TrainingRequestFate.Closed, TrainingRequestFate.Rejected,
        TrainingRequestFate.Rejected, TrainingRequestFate.Withdrawn,
    ];

    public static List<SessionPlan> Sessions(Random random, DateOnly today, IReadOnlyList<ExpertPlan> experts)
    {
        var pool = experts.Where(e => e.InPool).ToList();
        var plans = new List<SessionPlan>();
        for (var i = 0; i < SessionMix.Length; i++)
        {
            var fate = SessionMix[i];
            var course = Courses[i % Courses.Length];
            var online = course.Format == "online";
            var place = Vocabulary.PartnerCountries[random.Next(Vocabulary.PartnerCountries.Length)];
            // Sessions that took place run from today (a session cannot be scheduled in the past).
            var start = fate is SessionFate.Delivered or SessionFate.Closed ? today : today.AddDays(14 + random.Next(150));
            var deadline = fate is SessionFate.Delivered or SessionFate.Closed ? today : start.AddDays(-3 - random.Next(10));
            if (deadline < today) deadline = today;
            var capacity = fate == SessionFate.Full ? 6 : online ? 40 : 12 + random.Next(13);
            var enrolled = fate switch
            {
                SessionFate.Scheduled => 0,
                SessionFate.Full => 8,
                SessionFate.Cancelled => 3,
                SessionFate.Delivered or SessionFate.Closed => Math.Min(capacity - 3, 8 + random.Next(5)),
                _ => 2 + random.Next(8),
            };
            // Experts whose roles the course covers first, as a training manager would nominate them.
            var nominees = pool.OrderByDescending(e => e.Roles.Intersect(course.Roles).Any()).ThenBy(_ => random.Next()).Take(enrolled).ToArray();
            var participants = fate is SessionFate.Scheduled or SessionFate.Full
                ? []
                : Vocabulary.Participants.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToArray();
            plans.Add(new SessionPlan(i, course, fate, start, start.AddDays(course.Days - 1), deadline,
                online ? null : place.Code, online ? null : place.City, online, capacity, nominees, participants,
                i % 2 == 0 ? "training-manager-1" : "training-manager-2"));
        }
        return plans;
    }

    public static List<TrainingRequestPlan> TrainingRequests(Random random, DateOnly today, IReadOnlyList<SessionPlan> sessions)
    {
        var delivered = sessions.Where(s => s.Fate is SessionFate.Delivered or SessionFate.Closed).ToList();
        var upcoming = sessions.Where(s => s.Fate is SessionFate.Open or SessionFate.Full or SessionFate.Scheduled).ToList();
        var plans = new List<TrainingRequestPlan>();
        for (var i = 0; i < RequestMix.Length; i++)
        {
            var (requester, country, topic, roles, themes) = Requests[i % Requests.Length];
            var fate = RequestMix[i];
            var from = today.AddDays(30 + random.Next(90));
            int? session = fate switch
            {
                TrainingRequestFate.Scheduled => upcoming[i % upcoming.Count].Index,
                TrainingRequestFate.Delivered or TrainingRequestFate.Closed => delivered[i % delivered.Count].Index,
                _ => null,
            };
            plans.Add(new TrainingRequestPlan(i, requester, country, topic, roles, themes, 10 + random.Next(40), from, from.AddDays(60), fate, session));
        }
        return plans;
    }
}
