using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Matching;
using EuCyberNet.Experts.Pool;
using EuCyberNet.Experts.Search;

namespace EuCyberNet.Experts.Tests.Unit;

public sealed class QueryValidationTests
{
    private static MatchRequest Match(string[]? role = null, string? skills = null, string[]? languages = null, string? country = null,
        string? from = null, string? to = null, int? pageSize = null) => new(role, skills, languages, country, from, to, null, pageSize);

    [Fact]
    public void A_match_request_reads_every_criterion()
    {
        var (criteria, paging, validation) = MatchQuery.Validate(Match(
            ["penetration-tester", "ciso"], "Web app testing; red-teaming!", ["EN", "fr"], "ua", "2027-03-01", "2027-03-14", 20));

        Assert.True(validation.IsValid);
        Assert.Equal([EcsfRole.PenetrationTester, EcsfRole.ChiefInformationSecurityOfficer], criteria!.Roles);
        Assert.Equal(["web", "app", "testing", "red", "teaming"], criteria.SkillTerms);
        Assert.Equal(["en", "fr"], criteria.Languages);
        Assert.Equal("UA", criteria.Country);
        Assert.Equal(14, criteria.PeriodDays);
        Assert.Equal(20, paging.PageSize);
    }

    [Fact]
    public void A_match_request_needs_at_least_one_criterion()
    {
        var (criteria, _, validation) = MatchQuery.Validate(Match());
        Assert.Null(criteria);
        Assert.Equal(["criteria"], validation.Errors.Keys);
    }

    [Fact]
    public void A_bad_match_request_lists_every_bad_parameter()
    {
        var (_, _, validation) = MatchQuery.Validate(Match(["hacker"], "!!", ["xx", "en"], "ZZ", "2027-03-14", "2027-03-01", 500));

        Assert.Equal(["country", "languages[0]", "pageSize", "role[0]", "skills", "to"], validation.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_period_needs_both_ends_and_at_most_two_years()
    {
        Assert.Equal(["to"], MatchQuery.Validate(Match(from: "2027-03-01")).Validation.Errors.Keys);
        Assert.Equal(["from"], MatchQuery.Validate(Match(to: "2027-03-01")).Validation.Errors.Keys);
        Assert.Equal(["to"], MatchQuery.Validate(Match(from: "2027-01-01", to: "2029-06-01")).Validation.Errors.Keys);
        Assert.Equal(["from"], MatchQuery.Validate(Match(from: "01/03/2027", to: "2027-03-02")).Validation.Errors.Keys);
    }

    [Fact]
    public void A_search_reads_its_filters_and_sort()
    {
        var (criteria, validation) = ExpertSearch.Validate(new SearchQuery(
            ["cyber-incident-responder"], "forensics", ["fr"], "b2", ["be", "FR"], ["accepted", "suspended"], null,
            "2027-03-01", "2027-03-14", "Novak", "-yearsOfExperience", 2, 10));

        Assert.True(validation.IsValid);
        Assert.Equal([EcsfRole.CyberIncidentResponder], criteria!.Roles);
        Assert.Equal("forensics", criteria.SkillQuery);
        Assert.Equal((LanguageLevel.B2, "novak:*"), (criteria.MinLevel, criteria.TextQuery));
        Assert.Equal(["BE", "FR"], criteria.Citizenships);
        Assert.Equal([ExpertStatus.Accepted, ExpertStatus.Suspended], criteria.Statuses);
        Assert.Equal(("years", true, 10, 10), (criteria.SortColumn, criteria.Descending, criteria.Paging.Skip, criteria.Paging.PageSize));
    }

    [Fact]
    public void A_bad_search_lists_every_bad_parameter()
    {
        var (criteria, validation) = ExpertSearch.Validate(new SearchQuery(
            ["hacker"], "--", null, "d1", ["US1"], ["hired"], null, "2027-03-01", null, new string('q', 201), "salary", 0, 201));

        Assert.Null(criteria);
        Assert.Equal(["availableTo", "citizenship", "minLevel", "page", "pageSize", "q", "role[0]", "skill", "sort", "status[0]"],
            validation.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Free_text_becomes_prefix_terms_and_nothing_the_user_types_reaches_the_query_parser_as_syntax()
    {
        Assert.Equal("incident:* & response:*", TextQuery.AllOf("Incident RESPONSE"));
        Assert.Equal("drop:* & table:* & or:*", TextQuery.AllOf("'); DROP table | or !1:*"));
        Assert.Equal("müller:*", TextQuery.AllOf("Müller"));
        Assert.Null(TextQuery.AllOf(" !& | "));
        Assert.Equal(TextQuery.MaxTerms, TextQuery.Terms(string.Join(' ', Enumerable.Range(10, 30))).Count);
    }
}
