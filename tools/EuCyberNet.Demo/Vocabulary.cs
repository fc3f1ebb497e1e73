namespace EuCyberNet.Demo;

internal sealed record Skill(string Family, string Skillset, string Name);

/// <summary>The 12 ECSF roles with the skills a holder typically lists, and the GFCE themes they serve.</summary>
internal sealed record RoleProfile(string Slug, string Theme, Skill[] Skills);

internal static class Vocabulary
{
    public static readonly RoleProfile[] Roles =
    [
        new("ciso", "policy-and-strategy", [new("strat", "Cybersecurity governance", "Information security management systems (ISO 27001)"), new("strat", "Cybersecurity governance", "Board-level cyber risk reporting"), new("strat", "Strategy", "National cybersecurity strategy development")]),
        new("cyber-incident-responder", "incident-management-and-cip", [new("ops", "Incident handling", "CSIRT establishment and maturity (SIM3)"), new("ops", "Incident handling", "Incident triage and coordination"), new("tech", "Detection", "SIEM use-case engineering"), new("ops", "Exercises", "Cyber crisis table-top exercises")]),
        new("cyber-legal-policy-compliance-officer", "policy-and-strategy", [new("law", "Cyber law", "Budapest Convention alignment"), new("law", "Data protection", "GDPR compliance"), new("law", "Regulation", "NIS2 transposition"), new("strat", "Cyber diplomacy", "Norms of responsible state behaviour")]),
        new("cyber-threat-intelligence-specialist", "incident-management-and-cip", [new("tech", "Threat intelligence", "MISP information sharing"), new("tech", "Threat intelligence", "APT tracking and attribution"), new("ops", "Threat intelligence", "Threat landscape reporting")]),
        new("cybersecurity-architect", "standards", [new("tech", "Architecture", "Zero-trust network design"), new("tech", "Architecture", "Secure e-government platforms"), new("tech", "Cloud", "Cloud security architecture")]),
        new("cybersecurity-auditor", "standards", [new("strat", "Audit", "ISO 27001 lead auditing"), new("strat", "Audit", "Critical infrastructure security audits"), new("law", "Compliance", "NIS2 supervision")]),
        new("cybersecurity-educator", "culture-and-skills", [new("ops", "Education", "Curriculum design for cybersecurity degrees"), new("ops", "Education", "Train-the-trainer programmes"), new("ops", "Awareness", "Public awareness campaigns")]),
        new("cybersecurity-implementer", "incident-management-and-cip", [new("tech", "Hardening", "Windows and Linux hardening"), new("tech", "Network security", "Firewall and IDS deployment"), new("tech", "Identity", "PKI and eID deployment")]),
        new("cybersecurity-researcher", "culture-and-skills", [new("tech", "Research", "Vulnerability research"), new("tech", "Research", "Cryptography"), new("tech", "Research", "Machine learning for intrusion detection")]),
        new("cybersecurity-risk-manager", "policy-and-strategy", [new("strat", "Risk", "National risk assessment"), new("strat", "Risk", "Critical information infrastructure identification"), new("strat", "Risk", "Supply-chain risk management")]),
        new("digital-forensics-investigator", "cybercrime", [new("tech", "Forensics", "Memory forensics"), new("tech", "Forensics", "Mobile device forensics"), new("law", "Evidence", "Electronic evidence handling and chain of custody")]),
        new("penetration-tester", "standards", [new("tech", "Offensive security", "Web application penetration testing"), new("tech", "Offensive security", "Red teaming"), new("tech", "Offensive security", "ICS/SCADA security testing")]),
    ];

    public static readonly string[] Themes = ["policy-and-strategy", "incident-management-and-cip", "cybercrime", "culture-and-skills", "standards"];

    /// <summary>Partner countries of EU external CCB, with a language spoken there (for requests) and a city.</summary>
    public static readonly (string Code, string Language, string City)[] PartnerCountries =
    [
        ("UA", "uk", "Kyiv"), ("MD", "ro", "Chișinău"), ("GE", "en", "Tbilisi"), ("AL", "en", "Tirana"), ("RS", "en", "Belgrade"),
        ("BA", "en", "Sarajevo"), ("ME", "en", "Podgorica"), ("MK", "en", "Skopje"), ("XK", "en", "Pristina"), ("KE", "en", "Nairobi"),
        ("NG", "en", "Abuja"), ("GH", "en", "Accra"), ("SN", "fr", "Dakar"), ("CI", "fr", "Abidjan"), ("ET", "en", "Addis Ababa"),
        ("UG", "en", "Kampala"), ("ID", "en", "Jakarta"), ("PH", "en", "Manila"), ("VN", "en", "Hanoi"), ("CO", "es", "Bogotá"),
        ("PE", "es", "Lima"), ("DO", "es", "Santo Domingo"), ("AM", "en", "Yerevan"), ("JO", "en", "Amman"), ("MA", "fr", "Rabat"),
    ];

    /// <summary>External participants of training sessions (partner-country officials).</summary>
    public static readonly (string Name, string Email, string Country)[] Participants =
    [
        ("Olena Kovalenko", "o.kovalenko@cert.gov.ua", "UA"), ("Andrii Melnyk", "a.melnyk@cip.gov.ua", "UA"),
        ("Ion Rusu", "ion.rusu@stisc.gov.md", "MD"), ("Nino Beridze", "n.beridze@dea.gov.ge", "GE"),
        ("Arben Hoxha", "a.hoxha@akcesk.gov.al", "AL"), ("Milica Jovanović", "m.jovanovic@ratel.rs", "RS"),
        ("Amina Hadžić", "a.hadzic@mkt.gov.ba", "BA"), ("Wanjiru Kamau", "w.kamau@ke-cirt.go.ke", "KE"),
        ("Chinedu Okafor", "c.okafor@ngcert.gov.ng", "NG"), ("Kwame Mensah", "k.mensah@csa.gov.gh", "GH"),
        ("Aminata Diallo", "a.diallo@senegal-cert.sn", "SN"), ("Abebe Tesfaye", "a.tesfaye@insa.gov.et", "ET"),
        ("Siti Rahmawati", "s.rahmawati@bssn.go.id", "ID"), ("Maria Santos", "m.santos@dict.gov.ph", "PH"),
        ("Nguyen Van An", "an.nv@vncert.vn", "VN"), ("Camila Rodríguez", "c.rodriguez@colcert.gov.co", "CO"),
        ("Luis Quispe", "l.quispe@pecert.gob.pe", "PE"), ("Yokasta Pérez", "y.perez@cncs.gob.do", "DO"),
    ];
}
