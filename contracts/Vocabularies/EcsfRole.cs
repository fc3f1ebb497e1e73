using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>The 12 role profiles of ENISA's European Cybersecurity Skills Framework.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EcsfRole>))]
public enum EcsfRole
{
    [JsonStringEnumMemberName("ciso")] ChiefInformationSecurityOfficer = 1,
    [JsonStringEnumMemberName("cyber-incident-responder")] CyberIncidentResponder,
    [JsonStringEnumMemberName("cyber-legal-policy-compliance-officer")] CyberLegalPolicyComplianceOfficer,
    [JsonStringEnumMemberName("cyber-threat-intelligence-specialist")] CyberThreatIntelligenceSpecialist,
    [JsonStringEnumMemberName("cybersecurity-architect")] CybersecurityArchitect,
    [JsonStringEnumMemberName("cybersecurity-auditor")] CybersecurityAuditor,
    [JsonStringEnumMemberName("cybersecurity-educator")] CybersecurityEducator,
    [JsonStringEnumMemberName("cybersecurity-implementer")] CybersecurityImplementer,
    [JsonStringEnumMemberName("cybersecurity-researcher")] CybersecurityResearcher,
    [JsonStringEnumMemberName("cybersecurity-risk-manager")] CybersecurityRiskManager,
    [JsonStringEnumMemberName("digital-forensics-investigator")] DigitalForensicsInvestigator,
    [JsonStringEnumMemberName("penetration-tester")] PenetrationTester,
}
