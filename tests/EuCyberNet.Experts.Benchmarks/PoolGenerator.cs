using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;

namespace EuCyberNet.Experts.Benchmarks;

/// <summary>
/// A realistic pool, deterministic for a given seed: citizenships weighted like the Member States'
/// populations, one to three ECSF roles (incident responders and threat intelligence more common
/// than CISOs), English plus the mother tongue plus some other languages, three to twelve skills of
/// the four families, availability windows across the next year, past deployments with ratings in
/// partner countries (some confirmed ones blocking a period), completed trainings, and the statuses
/// a pool has after some years (about 70% accepted, 5% suspended, the rest on the way in or out).
/// </summary>
public sealed class PoolGenerator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly (string Code, string Language, int Weight)[] Citizenships =
    [
        ("DE", "de", 84), ("FR", "fr", 68), ("IT", "it", 59), ("ES", "es", 48), ("PL", "pl", 37), ("RO", "ro", 19), ("NL", "nl", 18),
        ("BE", "fr", 12), ("CZ", "cs", 11), ("SE", "sv", 11), ("PT", "pt", 10), ("GR", "el", 10), ("HU", "hu", 10), ("AT", "de", 9),
        ("BG", "bg", 6), ("DK", "da", 6), ("FI", "fi", 6), ("SK", "sk", 5), ("IE", "en", 5), ("HR", "hr", 4), ("LT", "lt", 3),
        ("SI", "sl", 2), ("LV", "lv", 2), ("EE", "et", 2), ("CY", "el", 1), ("LU", "fr", 1), ("MT", "mt", 1),
    ];

    private static readonly (EcsfRole Role, int Weight)[] RoleWeights =
    [
        (EcsfRole.CyberIncidentResponder, 18), (EcsfRole.CyberThreatIntelligenceSpecialist, 12), (EcsfRole.PenetrationTester, 11),
        (EcsfRole.CybersecurityRiskManager, 10), (EcsfRole.CybersecurityArchitect, 9), (EcsfRole.CybersecurityImplementer, 9),
        (EcsfRole.DigitalForensicsInvestigator, 8), (EcsfRole.CybersecurityAuditor, 7), (EcsfRole.CyberLegalPolicyComplianceOfficer, 7),
        (EcsfRole.CybersecurityEducator, 6), (EcsfRole.ChiefInformationSecurityOfficer, 5), (EcsfRole.CybersecurityResearcher, 4),
    ];

    public static readonly (SkillFamily Family, string Skillset, string[] Names)[] Skillsets =
    [
        (SkillFamily.Tech, "Incident management", ["Incident response", "Incident triage", "CSIRT operations", "Crisis coordination"]),
        (SkillFamily.Tech, "Digital forensics", ["Memory forensics", "Disk forensics", "Mobile forensics", "Evidence handling"]),
        (SkillFamily.Tech, "Malware analysis", ["Reverse engineering", "Malware analysis", "Sandboxing", "YARA rules"]),
        (SkillFamily.Tech, "Network security", ["Network monitoring", "Intrusion detection", "Firewall management", "Zero trust networking"]),
        (SkillFamily.Tech, "Offensive security", ["Web application testing", "Red teaming", "Social engineering", "Exploit development"]),
        (SkillFamily.Tech, "Cloud security", ["AWS security", "Azure security", "Container security", "Kubernetes hardening"]),
        (SkillFamily.Tech, "Industrial control systems", ["SCADA security", "OT monitoring", "ICS incident response"]),
        (SkillFamily.Tech, "Cryptography", ["PKI", "Applied cryptography", "Key management"]),
        (SkillFamily.Tech, "Security operations", ["SIEM engineering", "Threat hunting", "Detection engineering", "SOC management"]),
        (SkillFamily.Tech, "Threat intelligence", ["OSINT", "Threat actor profiling", "MISP", "Intelligence reporting"]),
        (SkillFamily.Strat, "National cyber strategy", ["Strategy drafting", "Capacity assessment", "Maturity models"]),
        (SkillFamily.Strat, "Risk management", ["ISO 27005", "Risk assessment", "Business continuity"]),
        (SkillFamily.Strat, "Governance", ["ISO 27001", "Security governance", "NIS2 implementation"]),
        (SkillFamily.Strat, "Cyber diplomacy", ["Confidence building measures", "Norms of responsible state behaviour"]),
        (SkillFamily.Ops, "Exercises", ["Tabletop exercises", "Cyber range exercises", "Exercise planning"]),
        (SkillFamily.Ops, "Training delivery", ["Curriculum design", "Train the trainer", "E-learning"]),
        (SkillFamily.Ops, "Critical infrastructure protection", ["Energy sector security", "Telecom security", "Health sector security"]),
        (SkillFamily.Law, "Cybercrime", ["Budapest Convention", "Electronic evidence", "Cybercrime investigation"]),
        (SkillFamily.Law, "Data protection", ["GDPR compliance", "Privacy impact assessment"]),
        (SkillFamily.Law, "Legislation", ["Cyber legislation drafting", "Regulatory frameworks"]),
    ];

    public static readonly string[] PartnerCountries =
        ["UA", "MD", "GE", "AM", "AL", "RS", "MK", "BA", "ME", "XK", "KE", "NG", "GH", "SN", "RW", "ET", "ID", "PH", "VN", "TH", "CO", "PE", "BR", "JO", "TN", "MA", "EG"];

    public static readonly string[] FirstNames =
    [
        "Anna", "Maria", "Elena", "Sofia", "Laura", "Julia", "Eva", "Katarina", "Ana", "Ingrid", "Marta", "Petra", "Lucia", "Chiara", "Ines",
        "Jan", "Piotr", "Luca", "Marco", "Jean", "Pierre", "Hans", "Lukas", "Mateo", "Javier", "Tomas", "Andrei", "Nikos", "Mikael", "Janis",
    ];

    public static readonly string[] LastNames =
    [
        "Novak", "Kowalski", "Rossi", "Garcia", "Martin", "Muller", "Schmidt", "Dubois", "Silva", "Popescu", "Horvat", "Nagy", "Jansen",
        "Peeters", "Nielsen", "Virtanen", "Papadopoulos", "Ivanova", "Kazlauskas", "Berzins", "Tamm", "Murphy", "Borg", "Weber", "Fischer",
        "Lambert", "Moreau", "Ferrari", "Romano", "Lopez", "Sanchez", "Wojcik", "Dvorak", "Svoboda", "Andersson", "Johansson", "Costa",
        "Pereira", "Georgiou", "Kovacs", "Szabo", "Hoffmann", "Bauer", "Richter", "Klein", "Wolf", "Schneider", "Meyer", "Lewandowski", "Zielinski",
    ];

    private static readonly string[] OtherLanguages = ["fr", "de", "es", "it", "ru", "ar", "pt", "uk", "ro", "pl"];

    /// <summary>One expert's stream: the events as the service would have appended them.</summary>
    public (Guid Id, List<object> Events) Next(int index)
    {
        var id = Guid.CreateVersion7();
        var (citizenship, mother, _) = Weighted(Citizenships, c => c.Weight);
        var first = Pick(FirstNames);
        var last = Pick(LastNames);
        var organisation = $"{citizenship}-CERT {Pick(["Operations", "Policy", "Research", "Training", "Forensics"])} unit";
        var events = new List<object>
        {
            new ExpertApplied($"{first} {last}", $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}.{index}@example.eu", citizenship, organisation,
                "I want to help partner countries build their incident response capacity."),
        };

        var fate = _random.NextDouble();
        if (fate < 0.06) return (id, events); // applied, not yet acknowledged
        events.Add(new ExpertAcknowledged(ExpertStatus.Applied, citizenship));
        if (fate < 0.09) return (id, events);
        if (fate < 0.10)
        {
            events.Add(new ExpertWithdrawn(ExpertStatus.Acknowledged, citizenship, null, ByExpert: true));
            return (id, events);
        }

        var profile = Profile(mother, organisation);
        events.Add(new ExpertProfileSubmitted(ExpertStatus.Acknowledged, citizenship, profile));
        events.Add(new ExpertConsentGiven(ConsentPurpose.DataProcessing));
        if (_random.NextDouble() < 0.6) events.Add(new ExpertConsentGiven(ConsentPurpose.SharingWithEcServices));
        var windows = Windows();
        events.Add(new ExpertAvailabilityDeclared(ExpertStatus.ProfileSubmitted, windows));
        if (fate < 0.15) return (id, events);
        if (fate < 0.19)
        {
            events.Add(new ExpertRejected(ExpertStatus.ProfileSubmitted, citizenship, "Profile does not match the pool's needs"));
            return (id, events);
        }

        events.Add(new ExpertAccepted(ExpertStatus.ProfileSubmitted, citizenship, null, profile.Roles, profile.Languages, profile.Skills,
            profile.YearsOfExperience, windows));
        events.AddRange(Deployments(profile));
        events.AddRange(Trainings(profile));
        if (fate < 0.24) events.Add(new ExpertSuspended(ExpertStatus.Accepted, citizenship, "Pending security clearance renewal"));
        else if (fate < 0.26) events.Add(new ExpertWithdrawn(ExpertStatus.Accepted, citizenship, null, ByExpert: true));
        return (id, events);
    }

    private ExpertProfile Profile(string mother, string organisation)
    {
        var roles = new List<EcsfRole>();
        var roleCount = 1 + _random.Next(3);
        while (roles.Count < roleCount)
        {
            var role = Weighted(RoleWeights, r => r.Weight).Role;
            if (!roles.Contains(role)) roles.Add(role);
        }

        var languages = new List<SpokenLanguage> { new(mother, LanguageLevel.Native) };
        if (mother != "en") languages.Add(new SpokenLanguage("en", (LanguageLevel)(3 + _random.Next(4))));
        foreach (var other in OtherLanguages.Where(l => languages.All(x => x.Code != l)).OrderBy(_ => _random.Next()).Take(_random.Next(3)))
            languages.Add(new SpokenLanguage(other, (LanguageLevel)(1 + _random.Next(6))));

        var skills = new List<Skill>();
        var skillCount = 3 + _random.Next(10);
        while (skills.Count < skillCount)
        {
            var (family, skillset, names) = Pick(Skillsets);
            var skill = new Skill(family, skillset, Pick(names));
            if (!skills.Contains(skill)) skills.Add(skill);
        }

        var years = 2 + _random.Next(34);
        return new ExpertProfile(languages, roles, skills, years, organisation,
            $"{years} years in cybersecurity, {string.Join(", ", roles.Select(Slug.Of))}; worked on {Pick(skills).Name.ToLowerInvariant()} projects.");
    }

    private List<Window> Windows()
    {
        var windows = new List<Window>();
        var start = new DateOnly(2027, 1, 1).AddDays(_random.Next(60));
        for (var i = 0; i < 1 + _random.Next(3); i++)
        {
            var end = start.AddDays(14 + _random.Next(90));
            windows.Add(new Window(start, end, Pick([20, 50, 50, 80, 100, 100])));
            start = end.AddDays(7 + _random.Next(60));
        }
        return windows;
    }

    private IEnumerable<object> Deployments(ExpertProfile profile)
    {
        if (_random.NextDouble() > 0.35) yield break;
        var start = new DateOnly(2024, 1, 1).AddDays(_random.Next(365));
        for (var i = 0; i < 1 + _random.Next(4); i++)
        {
            var end = start.AddDays(5 + _random.Next(25));
            var upcoming = start.Year >= 2027;
            var stage = upcoming ? DeploymentStage.Confirmed : _random.NextDouble() < 0.8 ? DeploymentStage.Evaluated : DeploymentStage.Completed;
            int? rating = stage == DeploymentStage.Evaluated ? Pick([2, 3, 4, 4, 4, 5, 5, 5]) : null;
            yield return new ExpertDeploymentRecorded(new DeploymentRecord(Guid.CreateVersion7(), stage == DeploymentStage.Evaluated ? 6 : 2,
                Guid.CreateVersion7(), null, Pick(PartnerCountries), [Pick(profile.Roles.ToArray())], [CcbTheme.IncidentManagementAndCip],
                start, end, stage, rating));
            start = end.AddDays(60 + _random.Next(300));
        }
    }

    private IEnumerable<object> Trainings(ExpertProfile profile)
    {
        if (_random.NextDouble() > 0.25) yield break;
        for (var i = 0; i < 1 + _random.Next(3); i++)
        {
            var role = _random.NextDouble() < 0.7 ? Pick(profile.Roles.ToArray()) : Weighted(RoleWeights, r => r.Weight).Role;
            yield return new ExpertTrainingCompleted(new TrainingRecord(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
                $"{Slug.Of(role)} course", [role], $"CERT-{_random.Next(1_000_000):D6}", DateTimeOffset.UtcNow.AddDays(-_random.Next(700))));
        }
    }

    public T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];

    private T Weighted<T>(IReadOnlyList<T> values, Func<T, int> weight)
    {
        var roll = _random.Next(values.Sum(weight));
        foreach (var value in values)
        {
            roll -= weight(value);
            if (roll < 0) return value;
        }
        return values[^1];
    }
}
