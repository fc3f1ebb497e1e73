using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Platform.Tests.Unit;

public sealed class VocabularyTests
{
    [Fact]
    public void Every_ECSF_role_travels_as_the_slug_of_the_contract()
    {
        Assert.Equal(
            ["ciso", "cyber-incident-responder", "cyber-legal-policy-compliance-officer", "cyber-threat-intelligence-specialist",
             "cybersecurity-architect", "cybersecurity-auditor", "cybersecurity-educator", "cybersecurity-implementer",
             "cybersecurity-researcher", "cybersecurity-risk-manager", "digital-forensics-investigator", "penetration-tester"],
            Slug.All<EcsfRole>());
        Assert.Equal("\"penetration-tester\"", JsonSerializer.Serialize(EcsfRole.PenetrationTester));
        Assert.Equal(EcsfRole.ChiefInformationSecurityOfficer, JsonSerializer.Deserialize<EcsfRole>("\"ciso\""));
    }

    [Fact]
    public void The_other_vocabularies_have_the_slugs_of_the_contract()
    {
        Assert.Equal(["tech", "strat", "ops", "law"], Slug.All<SkillFamily>());
        Assert.Equal(["policy-and-strategy", "incident-management-and-cip", "cybercrime", "culture-and-skills", "standards"], Slug.All<CcbTheme>());
        Assert.Equal(["national-strategic-framework", "crisis-prevention-and-management", "criminal-justice", "education-and-culture", "cyber-diplomacy"],
            Slug.All<Pillar>());
        Assert.Equal(["advisory-mission", "training", "conference", "peer-review", "exercise", "other"], Slug.All<ActivityType>());
        Assert.Equal(["classroom", "online", "blended"], Slug.All<CourseFormat>());
        Assert.Equal(["a1", "a2", "b1", "b2", "c1", "c2", "native"], Slug.All<LanguageLevel>());
    }

    [Theory]
    [InlineData("Penetration-Tester", true)]
    [InlineData(" ciso ", true)]
    [InlineData("pentester", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Slugs_parse_case_insensitively_and_refuse_unknown_values(string? text, bool parses) =>
        Assert.Equal(parses, Slug.TryParse<EcsfRole>(text, out _));

    [Fact]
    public void There_are_27_member_states_and_every_one_is_a_country()
    {
        Assert.Equal(27, Countries.EuMemberStates.Count);
        Assert.All(Countries.EuMemberStates, code => Assert.True(Countries.IsCountry(code)));
        Assert.True(Countries.IsEuMemberState("GR"));
        Assert.False(Countries.IsEuMemberState("UA"));
        Assert.True(Countries.IsCountry("XK"));
        Assert.False(Countries.IsCountry("EU"));
    }

    [Fact]
    public void Languages_are_ISO_639_1_codes() =>
        Assert.True(Languages.IsLanguage("en") && Languages.IsLanguage("sl") && !Languages.IsLanguage("eng"));
}
