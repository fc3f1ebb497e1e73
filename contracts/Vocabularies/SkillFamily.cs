using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>The four families of EU CyberNet's own skillset framework.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SkillFamily>))]
public enum SkillFamily
{
    [JsonStringEnumMemberName("tech")] Tech = 1,
    [JsonStringEnumMemberName("strat")] Strat,
    [JsonStringEnumMemberName("ops")] Ops,
    [JsonStringEnumMemberName("law")] Law,
}
