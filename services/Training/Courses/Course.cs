using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Training.Courses;

/// <summary>A course of the catalogue (an inline snapshot: reads and searches come from it).</summary>
public sealed record Course(
    Guid Id,
    string Title,
    string Provider,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    int DurationDays,
    IReadOnlyList<Prerequisite> Prerequisites,
    string? Description) : IAggregate
{
    public long Version { get; init; }

    [JsonIgnore]
    public CourseDetails Details => new(Title, Provider, Format, Language, Roles, Themes, DurationDays, Prerequisites, Description);

    public static Course Create(IEvent<CourseCatalogued> e) => From(e.StreamId, e.Data.Course);

    public static Course Apply(CourseRevised e, Course current) => From(current.Id, e.Course) with { Version = current.Version };

    private static Course From(Guid id, CourseDetails d) =>
        new(id, d.Title, d.Provider, d.Format, d.Language, d.Roles, d.Themes, d.DurationDays, d.Prerequisites, d.Description);
}
