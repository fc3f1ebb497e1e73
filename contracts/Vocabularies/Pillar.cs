using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>The five pillars of the EU Operational Guidance on external cyber capacity building (2023).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Pillar>))]
public enum Pillar
{
    [JsonStringEnumMemberName("national-strategic-framework")] NationalStrategicFramework = 1,
    [JsonStringEnumMemberName("crisis-prevention-and-management")] CrisisPreventionAndManagement,
    [JsonStringEnumMemberName("criminal-justice")] CriminalJustice,
    [JsonStringEnumMemberName("education-and-culture")] EducationAndCulture,
    [JsonStringEnumMemberName("cyber-diplomacy")] CyberDiplomacy,
}
