using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>CEFR levels, plus native speakers; ordered so that a higher value is a better command.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LanguageLevel>))]
public enum LanguageLevel
{
    [JsonStringEnumMemberName("a1")] A1 = 1,
    [JsonStringEnumMemberName("a2")] A2,
    [JsonStringEnumMemberName("b1")] B1,
    [JsonStringEnumMemberName("b2")] B2,
    [JsonStringEnumMemberName("c1")] C1,
    [JsonStringEnumMemberName("c2")] C2,
    [JsonStringEnumMemberName("native")] Native,
}
