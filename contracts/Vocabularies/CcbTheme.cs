using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>The five cyber capacity building themes of the GFCE.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CcbTheme>))]
public enum CcbTheme
{
    [JsonStringEnumMemberName("policy-and-strategy")] PolicyAndStrategy = 1,
    [JsonStringEnumMemberName("incident-management-and-cip")] IncidentManagementAndCip,
    [JsonStringEnumMemberName("cybercrime")] Cybercrime,
    [JsonStringEnumMemberName("culture-and-skills")] CultureAndSkills,
    [JsonStringEnumMemberName("standards")] Standards,
}
