using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Matching;

namespace EuCyberNet.Experts.Tests.Unit;

public sealed class MatchScoringTests
{
    private static readonly MatchCriteria FullRequest = new(
        [EcsfRole.PenetrationTester], ["web", "red"], ["en", "fr"], "UA", new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 10));

    private static CandidateFacts Facts(
        EcsfRole[]? roles = null, EcsfRole[]? trained = null, string[]? terms = null, Dictionary<string, LanguageLevel>? languages = null,
        double covered = 0, double? rating = null, int ratings = 0, int trainings = 0, bool country = false) => new(
        Guid.NewGuid(), "Ana Novak", "SI", 10, roles ?? [], trained ?? [], terms ?? [], languages ?? [], covered, rating, ratings, trainings, country);

    private static CandidateFacts Perfect() => Facts(
        roles: [EcsfRole.PenetrationTester], terms: ["web", "red"],
        languages: new() { ["en"] = LanguageLevel.Native, ["fr"] = LanguageLevel.Native },
        covered: 1000, rating: 5, ratings: 3, trainings: 2, country: true);

    [Fact]
    public void The_weights_add_up_to_100()
    {
        Assert.Equal(100, MatchScoring.RoleWeight + MatchScoring.SkillsWeight + MatchScoring.LanguagesWeight + MatchScoring.AvailabilityWeight
                          + MatchScoring.EvaluationsWeight + MatchScoring.TrainingsWeight + MatchScoring.CountryWeight);
    }

    [Fact]
    public void An_expert_who_meets_everything_scores_100()
    {
        var components = MatchScoring.Components(FullRequest, Perfect());
        Assert.Equal(new MatchComponents(1, 1, 1, 1, 1, 1, 1), components);
        Assert.Equal(100, MatchScoring.Score(components));
    }

    [Fact]
    public void Each_criterion_gives_its_share()
    {
        var components = MatchScoring.Components(FullRequest, Facts(
            trained: [EcsfRole.PenetrationTester], terms: ["web"],
            languages: new() { ["en"] = LanguageLevel.C1 },
            covered: 500, rating: 4, ratings: 1, trainings: 1));

        Assert.Equal(MatchScoring.TrainedRoleCredit, components.Role);
        Assert.Equal(0.5, components.Skills);
        Assert.Equal((0.85 + 0) / 2, components.Languages);
        Assert.Equal(0.5, components.Availability); // 500 percent-days of 10 days × 100%
        Assert.Equal(0.25, components.Evaluations, 6); // (4 − 1) / 4, times one evaluation of the three for full confidence
        Assert.Equal(0.5, components.Trainings);
        Assert.Equal(0, components.Country);
        var expected = (30 * 0.6 + 25 * 0.5 + 15 * 0.425 + 10 * 0.5 + 10 * 0.25 + 5 * 0.5 + 5 * 0) / 100 * 100;
        Assert.Equal(Math.Round(expected, 1), MatchScoring.Score(components));
    }

    [Fact]
    public void Criteria_the_request_did_not_give_do_not_count()
    {
        var roleOnly = new MatchCriteria([EcsfRole.PenetrationTester], [], [], null, null, null);
        var components = MatchScoring.Components(roleOnly, Facts(roles: [EcsfRole.PenetrationTester]));

        Assert.Equal(new MatchComponents(1, null, null, null, 0, 0, null), components);
        Assert.Equal(Math.Round(100.0 * 30 / 45, 1), MatchScoring.Score(components)); // role 30 of role + evaluations + trainings = 45
    }

    [Fact]
    public void Evaluations_and_trainings_raise_the_score()
    {
        var roleOnly = new MatchCriteria([EcsfRole.PenetrationTester], [], [], null, null, null);
        double Score(CandidateFacts f) => MatchScoring.Score(MatchScoring.Components(roleOnly, f));

        var newcomer = Score(Facts(roles: [EcsfRole.PenetrationTester]));
        var trained = Score(Facts(roles: [EcsfRole.PenetrationTester], trainings: 1));
        var evaluated = Score(Facts(roles: [EcsfRole.PenetrationTester], rating: 5, ratings: 1));
        var proven = Score(Facts(roles: [EcsfRole.PenetrationTester], rating: 5, ratings: 3, trainings: 2));

        Assert.True(newcomer < trained && trained < evaluated && evaluated < proven, $"{newcomer} {trained} {evaluated} {proven}");
        Assert.Equal(100, proven);
    }

    [Theory]
    [InlineData(LanguageLevel.A1, 0.1)]
    [InlineData(LanguageLevel.B1, 0.5)]
    [InlineData(LanguageLevel.B2, 0.7)]
    [InlineData(LanguageLevel.C2, 0.95)]
    [InlineData(LanguageLevel.Native, 1.0)]
    public void Better_command_of_a_language_earns_more_credit(LanguageLevel level, double credit) =>
        Assert.Equal(credit, MatchScoring.LanguageCredit(level));

    [Fact]
    public void A_poor_evaluation_earns_nothing_and_one_good_one_less_than_three()
    {
        Assert.Equal(0, MatchScoring.EvaluationCredit(1, 3));
        Assert.Equal(0, MatchScoring.EvaluationCredit(null, 0));
        Assert.True(MatchScoring.EvaluationCredit(5, 1) < MatchScoring.EvaluationCredit(5, 3));
        Assert.Equal(1, MatchScoring.EvaluationCredit(5, 7));
    }

    [Fact]
    public void Reasons_say_in_words_why_the_expert_is_on_the_list()
    {
        var facts = Perfect() with { TrainedRoles = [EcsfRole.PenetrationTester], RatingAverage = 4.67, Languages = new Dictionary<string, LanguageLevel> { ["en"] = LanguageLevel.C1 } };
        var reasons = MatchScoring.Reasons(FullRequest, facts, MatchScoring.Components(FullRequest, facts));

        Assert.Equal(
        [
            "Role: penetration-tester",
            "Skills: matches 2 of 2 terms (web, red)",
            "Languages: en C1 (not fr)",
            "Available for 100% of 2027-03-01–2027-03-10 (full-time equivalent), no deployment then",
            "Evaluations: 4.7/5 over 3 deployments",
            "Trainings: 2 relevant courses completed",
            "Deployed in UA before",
        ], reasons);
    }

    [Fact]
    public void The_ranking_SQL_uses_the_same_weights_for_the_criteria_given()
    {
        var sql = MatchQuery.ScoreSql(FullRequest);
        foreach (var weight in new[] { "30.0 *", "25.0 *", "15.0 *", "10.0 *", "5.0 *", "/ 100.0" }) Assert.Contains(weight, sql, StringComparison.Ordinal);

        var roleOnly = MatchQuery.ScoreSql(new MatchCriteria([EcsfRole.ChiefInformationSecurityOfficer], [], [], null, null, null));
        Assert.EndsWith("/ 45.0)", roleOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("25.0 *", roleOnly, StringComparison.Ordinal);
    }
}
