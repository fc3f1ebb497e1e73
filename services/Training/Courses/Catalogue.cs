using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Training.Courses;

/// <summary>What a training manager sends to describe a course (POST and PUT alike).</summary>
public sealed record CourseRequest(
    string? Title,
    string? Provider,
    string? Format,
    string? Language,
    IReadOnlyList<string?>? Roles,
    IReadOnlyList<string?>? Themes,
    int? DurationDays,
    IReadOnlyList<PrerequisiteRequest?>? Prerequisites,
    string? Description);

/// <summary>Either <c>courseId</c> (a catalogue course) or <c>description</c> (e.g. an e-learning module).</summary>
public sealed record PrerequisiteRequest(Guid? CourseId, string? Description);

/// <summary>The rules of the course catalogue: validation and the decisions on a course.</summary>
public static class Catalogue
{
    public const int MaxPrerequisites = 20;

    /// <summary>Validates the shape of a course description; prerequisites are checked against the catalogue separately.</summary>
    public static (CourseDetails? Details, Validator Validation) Validate(CourseRequest request)
    {
        var v = new Validator();
        var prerequisites = new List<Prerequisite>();
        if (request.Prerequisites is { Count: > MaxPrerequisites }) v.Add("prerequisites", $"must have at most {MaxPrerequisites} entries");
        else
        {
            for (var i = 0; i < (request.Prerequisites?.Count ?? 0); i++)
            {
                var p = request.Prerequisites![i];
                var description = v.OptionalText($"prerequisites[{i}].description", p?.Description, 500);
                if (p is null || (p.CourseId is null) == (description is null))
                    v.Add($"prerequisites[{i}]", "give either courseId (a course of the catalogue) or description, not both");
                else if (p.CourseId == Guid.Empty) v.Add($"prerequisites[{i}].courseId", "is not a course id");
                else
                {
                    var prerequisite = new Prerequisite(p.CourseId, description);
                    if (!prerequisites.Contains(prerequisite)) prerequisites.Add(prerequisite);
                }
            }
        }

        var details = new CourseDetails(
            Title: v.Text("title", request.Title, 200),
            Provider: v.Text("provider", request.Provider, 200),
            Format: v.Slug<CourseFormat>("format", request.Format),
            Language: v.Language("language", request.Language),
            Roles: v.Slugs<EcsfRole>("roles", request.Roles, required: true, maxCount: 12),
            Themes: v.Slugs<CcbTheme>("themes", request.Themes, maxCount: 5),
            DurationDays: v.Range("durationDays", request.DurationDays, 1, 365),
            Prerequisites: prerequisites,
            Description: v.OptionalText("description", request.Description, 4000));
        return (v.IsValid ? details : null, v);
    }

    /// <summary>
    /// Every prerequisite course must be in the catalogue, must not be the course itself, and must
    /// not (through its own prerequisites) require the course: prerequisites never form a cycle.
    /// <paramref name="catalogue"/> holds the courses reachable from the prerequisites.
    /// </summary>
    public static void CheckPrerequisites(Guid? self, IReadOnlyList<PrerequisiteRequest?>? requested, IReadOnlyDictionary<Guid, Course> catalogue, Validator v)
    {
        for (var i = 0; i < (requested?.Count ?? 0); i++)
        {
            if (requested![i]?.CourseId is not { } id || id == Guid.Empty) continue;
            var field = $"prerequisites[{i}].courseId";
            if (id == self) v.Add(field, "a course cannot be its own prerequisite");
            else if (!catalogue.ContainsKey(id)) v.Add(field, $"no course {id} in the catalogue");
            else if (self is { } course && Requires(id, course, catalogue)) v.Add(field, $"course {id} already requires this course; prerequisites cannot form a cycle");
        }
    }

    /// <summary>Whether <paramref name="course"/> requires <paramref name="target"/>, directly or through other courses.</summary>
    public static bool Requires(Guid course, Guid target, IReadOnlyDictionary<Guid, Course> catalogue)
    {
        var seen = new HashSet<Guid>();
        var next = new Queue<Guid>([course]);
        while (next.TryDequeue(out var current))
        {
            if (!seen.Add(current) || !catalogue.TryGetValue(current, out var c)) continue;
            foreach (var p in c.Details.PrerequisiteCourseIds)
            {
                if (p == target) return true;
                next.Enqueue(p);
            }
        }
        return false;
    }

    public static Decision Add(CourseDetails details) => Decision.Emit(new CourseCatalogued(details));

    /// <summary>A revision replaces the description; the same description again changes nothing.</summary>
    public static Decision Revise(Course current, CourseDetails details) =>
        current.Details.SameAs(details) ? Decision.Nothing : Decision.Emit(new CourseRevised(details));
}
