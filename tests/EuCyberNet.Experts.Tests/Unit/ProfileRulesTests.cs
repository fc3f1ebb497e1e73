using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using EuCyberNet.Experts.Profiles;

namespace EuCyberNet.Experts.Tests.Unit;

public sealed class ProfileRulesTests
{
    private static ProfileRequest ValidRequest() => new(
        [new LanguageInput("en", "c1"), new LanguageInput("FR", "b2")],
        ["penetration-tester", "cyber-incident-responder"],
        [new SkillInput("tech", "Offensive security", "Web application testing")],
        12, " CERT-EE ", "Red teamer");

    [Fact]
    public void A_valid_profile_is_read_with_vocabularies_from_their_slugs()
    {
        var (profile, validation) = ProfileRules.Validate(ValidRequest());

        Assert.True(validation.IsValid);
        Assert.Equal([new SpokenLanguage("en", LanguageLevel.C1), new SpokenLanguage("fr", LanguageLevel.B2)], profile!.Languages);
        Assert.Equal([EcsfRole.PenetrationTester, EcsfRole.CyberIncidentResponder], profile.Roles);
        Assert.Equal([new Skill(SkillFamily.Tech, "Offensive security", "Web application testing")], profile.Skills);
        Assert.Equal((12, "CERT-EE", "Red teamer"), (profile.YearsOfExperience, profile.Organisation, profile.Bio));
    }

    [Fact]
    public void An_invalid_profile_lists_every_bad_field()
    {
        var request = new ProfileRequest(
            [new LanguageInput("xx", "d1"), new LanguageInput("en", "native"), new LanguageInput("en", "b1")],
            ["ciso", "hacker"],
            [new SkillInput("magic", "", "x"), null],
            61, new string('o', 301), new string('b', 4001));

        var (profile, validation) = ProfileRules.Validate(request);

        Assert.Null(profile);
        Assert.Equal(
            ["bio", "languages[0].code", "languages[0].level", "languages[2].code", "organisation", "roles[1]",
             "skills[0].family", "skills[0].skillset", "skills[1].family", "skills[1].name", "skills[1].skillset", "yearsOfExperience"],
            validation.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("a1, a2, b1, b2, c1, c2, native", validation.Errors["languages[0].level"][0], StringComparison.Ordinal);
        Assert.Contains("listed twice", validation.Errors["languages[2].code"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_needs_a_language_a_role_years_and_an_organisation()
    {
        var (_, validation) = ProfileRules.Validate(new ProfileRequest(null, [], null, null, null, null));
        Assert.Equal(["languages", "organisation", "roles", "yearsOfExperience"], validation.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_first_profile_of_an_acknowledged_application_submits_it_for_review()
    {
        var submitted = ProfileRules.SubmitProfile(Given.Expert(ExpertStatus.Acknowledged), Given.Profile()).Emits<ExpertProfileSubmitted>();

        Assert.Equal((ExpertStatus.Acknowledged, "SI"), (submitted.From, submitted.Citizenship));
        Assert.True(submitted.Profile.IsSameAs(Given.Profile()));
        var expert = Given.Events([.. Given.RoadTo(ExpertStatus.Acknowledged), submitted]);
        Assert.Equal(ExpertStatus.ProfileSubmitted, expert.Status);
        Assert.Equal("SI-CERT", expert.Organisation);
    }

    [Fact]
    public void A_profile_before_acknowledgement_is_refused() =>
        ProfileRules.SubmitProfile(Given.Expert(ExpertStatus.Applied), Given.Profile()).IsConflict("applied");

    [Theory]
    [InlineData(ExpertStatus.ProfileSubmitted)]
    [InlineData(ExpertStatus.Accepted)]
    [InlineData(ExpertStatus.Suspended)]
    public void A_later_profile_updates_it_in_place_and_says_whether_competences_changed(ExpertStatus status)
    {
        var expert = Given.Expert(status);

        var newRole = ProfileRules.SubmitProfile(expert, Given.Profile(EcsfRole.DigitalForensicsInvestigator)).Emits<ExpertProfileUpdated>();
        Assert.True(newRole.CompetencesChanged);
        Assert.Equal(status, newRole.Status);
        var updated = Given.Events([.. Given.RoadTo(status), newRole]);
        Assert.Equal(status, updated.Status); // an accepted expert stays in the pool
        Assert.Equal([EcsfRole.DigitalForensicsInvestigator], updated.Profile!.Roles);

        var newBio = ProfileRules.SubmitProfile(expert, Given.Profile() with { Bio = "Now at ENISA" }).Emits<ExpertProfileUpdated>();
        Assert.False(newBio.CompetencesChanged);

        ProfileRules.SubmitProfile(expert, Given.Profile()).IsNothing();
    }

    [Theory]
    [InlineData(ExpertStatus.Rejected, "rejected")]
    [InlineData(ExpertStatus.Withdrawn, "withdrawn")]
    [InlineData(ExpertStatus.Erased, "erased")]
    public void Closed_records_take_no_profile_and_no_availability(ExpertStatus status, string state)
    {
        ProfileRules.SubmitProfile(Given.Expert(status), Given.Profile()).IsConflict(state);
        ProfileRules.DeclareAvailability(Given.Expert(status), [Given.March]).IsConflict(state);
    }

    [Fact]
    public void Availability_windows_are_validated_together_and_sorted()
    {
        var (windows, validation) = ProfileRules.Validate(new AvailabilityRequest(
        [
            new WindowInput("2027-06-01", "2027-06-30", 100),
            new WindowInput("2027-03-01", "2027-03-31", 50),
        ]));

        Assert.True(validation.IsValid);
        Assert.Equal([Given.March, new Window(new DateOnly(2027, 6, 1), new DateOnly(2027, 6, 30), 100)], windows);
    }

    [Fact]
    public void Bad_availability_windows_list_every_problem()
    {
        var (windows, validation) = ProfileRules.Validate(new AvailabilityRequest(
        [
            new WindowInput("2027-03-10", "2027-03-01", 50),
            new WindowInput("2027-04-01", "2027-04-30", 0),
            new WindowInput("2027-04-15", "2027-05-15", 101),
            new WindowInput("1 March", null, 50),
        ]));

        Assert.Null(windows);
        Assert.Equal(["windows[0].to", "windows[1].percent", "windows[2]", "windows[2].percent", "windows[3].from", "windows[3].to"],
            validation.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("overlaps windows[1]", validation.Errors["windows[2]"][0]);
    }

    [Fact]
    public void Declaring_the_same_availability_again_changes_nothing()
    {
        var expert = Given.Expert(ExpertStatus.Accepted);
        ProfileRules.DeclareAvailability(expert, [Given.March]).IsNothing();

        var declared = ProfileRules.DeclareAvailability(expert, []).Emits<ExpertAvailabilityDeclared>();
        Assert.Equal(ExpertStatus.Accepted, declared.Status);
        Assert.Empty(Given.Events([.. Given.RoadTo(ExpertStatus.Accepted), declared]).Availability);
    }

    [Fact]
    public void Consent_is_given_and_withdrawn_as_events_and_repeats_change_nothing()
    {
        var expert = Given.Expert(ExpertStatus.Applied);
        ProfileRules.SetConsent(expert, ConsentPurpose.SharingWithEcServices, given: false).IsNothing(); // never given

        var given = ProfileRules.SetConsent(expert, ConsentPurpose.SharingWithEcServices, given: true).Emits<ExpertConsentGiven>();
        Assert.Equal(ConsentPurpose.SharingWithEcServices, given.Purpose);
        var withConsent = Given.Events(Given.Application(), given);
        Assert.True(withConsent.SharingWithEcServicesConsent!.Given);
        Assert.False(withConsent.ConsentsToDataProcessing);
        ProfileRules.SetConsent(withConsent, ConsentPurpose.SharingWithEcServices, given: true).IsNothing();

        var withdrawn = ProfileRules.SetConsent(withConsent, ConsentPurpose.SharingWithEcServices, given: false).Emits<ExpertConsentWithdrawn>();
        Assert.False(Given.Events(Given.Application(), given, withdrawn).SharingWithEcServicesConsent!.Given);
    }

    [Fact]
    public void Consent_cannot_change_after_erasure() =>
        ProfileRules.SetConsent(Given.Expert(ExpertStatus.Erased), ConsentPurpose.DataProcessing, given: true).IsConflict("erased");
}
