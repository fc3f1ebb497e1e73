using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

[JsonConverter(typeof(JsonStringEnumConverter<CourseFormat>))]
public enum CourseFormat
{
    [JsonStringEnumMemberName("classroom")] Classroom = 1,
    [JsonStringEnumMemberName("online")] Online,
    [JsonStringEnumMemberName("blended")] Blended,
}
