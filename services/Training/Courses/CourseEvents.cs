using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Training.Courses;

// Domain events of the course catalogue. A course is described in full by every event: the
// catalogue is small and a revision replaces the whole description (PUT).

/// <summary>
/// Something a participant must have done before a course: another course of the catalogue
/// (<see cref="CourseId"/>, enforced for experts) or a described requirement such as an e-learning
/// module (<see cref="Description"/>, shown to participants, not checked).
/// </summary>
public sealed record Prerequisite(Guid? CourseId, string? Description);

public sealed record CourseDetails(
    string Title,
    string Provider,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int DurationDays,
    IReadOnlyList<Prerequisite> Prerequisites,
    string? Description)
{
    /// <summary>The catalogue courses that must have been completed first.</summary>
    [JsonIgnore]
    public IReadOnlyList<Guid> PrerequisiteCourseIds => [.. Prerequisites.Where(p => p.CourseId is not null).Select(p => p.CourseId!.Value)];

    public bool SameAs(CourseDetails other) =>
        Title == other.Title && Provider == other.Provider && Format == other.Format && Language == other.Language
        && Roles.SequenceEqual(other.Roles) && Themes.SequenceEqual(other.Themes) && DurationDays == other.DurationDays
        && Prerequisites.SequenceEqual(other.Prerequisites) && Description == other.Description;
}

public sealed record CourseCatalogued(CourseDetails Course);

public sealed record CourseRevised(CourseDetails Course);
