using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Matching;
using EuCyberNet.Experts.Search;

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
    public void The_in_memory_ranking_gives_the_score_the_reasons_show_before_rounding()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var roles = new[] { EcsfRole.PenetrationTester, EcsfRole.CyberIncidentResponder, EcsfRole.CybersecurityAuditor }.Where(_ => random.Next(2) == 0).ToArray();
            var trained = new[] { EcsfRole.PenetrationTester, EcsfRole.CyberIncidentResponder }.Where(_ => random.Next(3) == 0).ToArray();
            var languages = new[] { "en", "fr", "de" }.Where(_ => random.Next(2) == 0).ToDictionary(l => l, _ => (LanguageLevel)random.Next(1, 8));
            var windows = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (From: new DateOnly(2027, 2, 20).AddDays(random.Next(20)), Days: random.Next(15), Percent: (short)random.Next(1, 101))).ToList();
            var ratings = random.Next(0, 5);
            double? average = ratings == 0 ? null : random.Next(4, 21) / 4.0;
            var trainings = trained.Length == 0 ? 0 : random.Next(0, 4);
            var matched = FullRequest.SkillTerms.Where(_ => random.Next(2) == 0).ToArray();
            var country = random.Next(2) == 0;
            var request = random.Next(3) switch
            {
                0 => FullRequest,
                1 => FullRequest with { SkillTerms = [], Country = null },
                _ => FullRequest with { Roles = [], From = null, To = null },
            };

            var hashes = request.SkillTerms.Select((_, t) => new[] { 100 + t }).ToArray();
            var candidate = new Candidate
            {
                Id = Guid.NewGuid(), IdHigh = 0, IdLow = 0, Changed = 1, Pool = true, Status = "accepted", Citizenship = "SI", AcknowledgementDue = 0, AppliedAt = 0,
                RolesMask = Codes.Mask(roles), TrainedMask = Codes.Mask(trained),
                Skills = [.. request.SkillTerms.Select((term, t) => matched.Contains(term) ? 100 + t : 900 + t)],
                Languages = [.. languages.Select(l => Codes.Language(l.Key) * 8 + (int)l.Value)],
                Available = [], Blocked = [],
                WindowFrom = [.. windows.Select(w => w.From.DayNumber)],
                WindowTo = [.. windows.Select(w => w.From.DayNumber + w.Days)],
                WindowPercent = [.. windows.Select(w => w.Percent)],
                EvaluationCredit = MatchScoring.EvaluationCredit(average, ratings), RatingCount = (short)ratings, Years = 10,
                CountriesDone = country ? ["UA"] : [],
                TrainingMasks = [.. Enumerable.Repeat(Codes.Mask(trained), trainings)],
            };
            var covered = request.From is { } from && request.To is { } to
                ? windows.Sum(w => Math.Max(0, Math.Min(w.From.DayNumber + w.Days, to.DayNumber) - Math.Max(w.From.DayNumber, from.DayNumber) + 1) * w.Percent)
                : 0;
            var facts = Facts(roles, trained, [.. request.SkillTerms.Where(matched.Contains)], languages, covered, average, ratings,
                request.Roles.Any(trained.Contains) || request.Roles.Count == 0 ? trainings : 0, country);

            var ranked = 100 * new MatchRanking.Weights(request).Score(candidate, Codes.Mask(request.Roles), hashes,
                [.. request.Languages.Select(Codes.Language)], request.From?.DayNumber ?? 0, request.To?.DayNumber ?? 0);
            Assert.InRange(ranked - MatchScoring.Score(MatchScoring.Components(request, facts)), -0.05 - 1e-9, 0.05 + 1e-9);
        }
    }
}
