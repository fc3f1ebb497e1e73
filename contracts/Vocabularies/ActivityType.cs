using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>What a request for expertise asks for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActivityType>))]
public enum ActivityType
{
    [JsonStringEnumMemberName("advisory-mission")] AdvisoryMission = 1,
    [JsonStringEnumMemberName("training")] Training,
    [JsonStringEnumMemberName("conference")] Conference,
    [JsonStringEnumMemberName("peer-review")] PeerReview,
    [JsonStringEnumMemberName("exercise")] Exercise,
    [JsonStringEnumMemberName("other")] Other,
}
