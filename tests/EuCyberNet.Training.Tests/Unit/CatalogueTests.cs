using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Training.Courses;

namespace EuCyberNet.Training.Tests.Unit;

public sealed class CatalogueTests
{
    private static CourseRequest Valid(params PrerequisiteRequest?[] prerequisites) =>
        new("Incident handling", "ENISA", "blended", "EN", ["cyber-incident-responder", "ciso", "ciso"], ["incident-management-and-cip"], 3,
            prerequisites, null);

    [Fact]
    public void A_valid_course_comes_back_normalised()
    {
        var (details, v) = Catalogue.Validate(Valid(new PrerequisiteRequest(null, "ENISA e-learning: cyber hygiene")));

        Assert.True(v.IsValid);
        Assert.Equal((CourseFormat.Blended, "en"), (details!.Format, details.Language));
        Assert.Equal([EcsfRole.CyberIncidentResponder, EcsfRole.ChiefInformationSecurityOfficer], details.Roles);
        Assert.Equal("ENISA e-learning: cyber hygiene", Assert.Single(details.Prerequisites).Description);
    }

    [Fact]
    public void Every_bad_field_of_a_course_is_reported_at_once()
    {
        var request = new CourseRequest("", null, "webinar", "english", [], ["cyber-war"], 0,
            [new PrerequisiteRequest(null, null), new PrerequisiteRequest(Guid.NewGuid(), "both")], new string('x', 4001));

        var (details, v) = Catalogue.Validate(request);

        Assert.Null(details);
        Assert.Equal(["description", "durationDays", "format", "language", "prerequisites[0]", "prerequisites[1]", "provider", "roles", "themes[0]", "title"],
            v.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_prerequisite_course_must_be_in_the_catalogue_and_not_the_course_itself()
    {
        var self = Guid.NewGuid();
        var missing = Guid.NewGuid();
        var (_, v) = Catalogue.Validate(Valid(new PrerequisiteRequest(self, null), new PrerequisiteRequest(missing, null)));

        Catalogue.CheckPrerequisites(self, [new PrerequisiteRequest(self, null), new PrerequisiteRequest(missing, null)], new Dictionary<Guid, Course>(), v);

        Assert.Equal(["prerequisites[0].courseId", "prerequisites[1].courseId"], v.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Prerequisites_never_form_a_cycle()
    {
        var basics = Course("Basics");
        var advanced = Course("Advanced", basics.Id);
        var expert = Course("Expert", advanced.Id);
        var catalogue = new[] { basics, advanced, expert }.ToDictionary(c => c.Id);
        var v = new ServiceDefaults.Http.Validator();

        Catalogue.CheckPrerequisites(basics.Id, [new PrerequisiteRequest(expert.Id, null)], catalogue, v);

        Assert.Contains("cycle", Assert.Single(v.Errors["prerequisites[0].courseId"]), StringComparison.Ordinal);
        Assert.True(Catalogue.Requires(expert.Id, basics.Id, catalogue));
        Assert.False(Catalogue.Requires(basics.Id, expert.Id, catalogue));
    }

    [Fact]
    public void A_revision_replaces_the_description_and_the_same_description_changes_nothing()
    {
        var course = Course("Basics");
        var (changed, _) = Catalogue.Validate(Valid() with { Title = "Basics, second edition" });

        var revised = Catalogue.Revise(course, changed!).Events.Aggregate(course, Given.Apply);

        Assert.Equal(("Basics, second edition", course.Id, 2L), (revised.Title, revised.Id, revised.Version));
        Assert.Empty(Catalogue.Revise(revised, revised.Details with { Roles = [.. revised.Roles] }).Events);
    }

    private static Course Course(string title, params Guid[] prerequisites) =>
        Given.Fold<Course>(Guid.NewGuid(), new CourseCatalogued(new CourseDetails(title, "ENISA", CourseFormat.Online, "en",
            [EcsfRole.CybersecurityImplementer], [], 1, [.. prerequisites.Select(p => new Prerequisite(p, null))], null)));
}
