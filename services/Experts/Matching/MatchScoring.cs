using System.Globalization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;

namespace EuCyberNet.Experts.Matching;

/// <summary>What a request for expertise asks for. Every part is optional, but not all of them.</summary>
public sealed record MatchCriteria(
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<string> SkillTerms,
    IReadOnlyList<string> Languages,
    string? Country,
    DateOnly? From,
    DateOnly? To)
{
    public int PeriodDays => From is { } from && To is { } to ? to.DayNumber - from.DayNumber + 1 : 0;
}

/// <summary>What the database found out about one candidate; the score and reasons follow from it.</summary>
public sealed record CandidateFacts(
    Guid ExpertId,
    string Name,
    string Citizenship,
    int YearsOfExperience,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<EcsfRole> TrainedRoles,
    IReadOnlyList<string> MatchedSkillTerms,
    IReadOnlyDictionary<string, LanguageLevel> Languages,
    double CoveredPercentDays,
    double? RatingAverage,
    int RatingCount,
    int RelevantTrainings,
    bool DeployedInCountry);

/// <summary>Each criterion's credit in [0, 1]; null where the request did not ask for it.</summary>
public sealed record MatchComponents(
    double? Role,
    double? Skills,
    double? Languages,
    double? Availability,
    double Evaluations,
    double Trainings,
    double? Country);

/// <summary>
/// The matching score (0–100) and its reasons, as pure functions. The database computes the same
/// components to rank all candidates (<see cref="MatchQuery"/> generates its SQL from these
/// weights); this class computes them again for the page returned, with the words that explain them.
/// <para>
/// score = 100 × Σ weight × credit / Σ weight, over the criteria the request gave, plus track
/// record and trainings, which always count. Weights: role 30, skills 25, languages 15,
/// availability 10, evaluations 10, trainings 5, country 5.
/// </para>
/// </summary>
public static class MatchScoring
{
    public const double RoleWeight = 30;
    public const double SkillsWeight = 25;
    public const double LanguagesWeight = 15;
    public const double AvailabilityWeight = 10;
    public const double EvaluationsWeight = 10;
    public const double TrainingsWeight = 5;
    public const double CountryWeight = 5;

    /// <summary>Credit for a requested role the expert did not declare but covered by a completed training.</summary>
    public const double TrainedRoleCredit = 0.6;

    /// <summary>Evaluations count fully from this many on (one 5/5 is less telling than three).</summary>
    public const int EvaluationsForFullConfidence = 3;

    /// <summary>Relevant completed trainings for full training credit.</summary>
    public const int TrainingsForFullCredit = 2;

    /// <summary>A requested language must be spoken at least at this level for the expert to be a candidate.</summary>
    public const LanguageLevel MinimumLanguageLevel = LanguageLevel.B1;

    public static double LanguageCredit(LanguageLevel? level) => level switch
    {
        LanguageLevel.Native => 1.0,
        LanguageLevel.C2 => 0.95,
        LanguageLevel.C1 => 0.85,
        LanguageLevel.B2 => 0.7,
        LanguageLevel.B1 => 0.5,
        LanguageLevel.A2 => 0.25,
        LanguageLevel.A1 => 0.1,
        _ => 0.0,
    };

    /// <summary>(average rating − 1) / 4, scaled down while there are fewer than three evaluations.</summary>
    public static double EvaluationCredit(double? average, int count) =>
        count == 0 || average is null ? 0 : (average.Value - 1) / 4 * Math.Min(count, EvaluationsForFullConfidence) / EvaluationsForFullConfidence;

    public static MatchComponents Components(MatchCriteria criteria, CandidateFacts facts) => new(
        Role: criteria.Roles.Count == 0 ? null
            : criteria.Roles.Any(facts.Roles.Contains) ? 1.0
            : criteria.Roles.Any(facts.TrainedRoles.Contains) ? TrainedRoleCredit
            : 0.0,
        Skills: criteria.SkillTerms.Count == 0 ? null : (double)facts.MatchedSkillTerms.Count / criteria.SkillTerms.Count,
        Languages: criteria.Languages.Count == 0 ? null
            : criteria.Languages.Average(code => LanguageCredit(facts.Languages.TryGetValue(code, out var level) ? level : null)),
        Availability: criteria.PeriodDays == 0 ? null : Math.Min(1.0, facts.CoveredPercentDays / (100.0 * criteria.PeriodDays)),
        Evaluations: EvaluationCredit(facts.RatingAverage, facts.RatingCount),
        Trainings: (double)Math.Min(facts.RelevantTrainings, TrainingsForFullCredit) / TrainingsForFullCredit,
        Country: criteria.Country is null ? null : facts.DeployedInCountry ? 1.0 : 0.0);

    public static double Score(MatchComponents c)
    {
        double points = 0, possible = 0;
        void Add(double weight, double? credit)
        {
            if (credit is not { } value) return;
            points += weight * value;
            possible += weight;
        }
        Add(RoleWeight, c.Role);
        Add(SkillsWeight, c.Skills);
        Add(LanguagesWeight, c.Languages);
        Add(AvailabilityWeight, c.Availability);
        Add(EvaluationsWeight, c.Evaluations);
        Add(TrainingsWeight, c.Trainings);
        Add(CountryWeight, c.Country);
        return Math.Round(100 * points / possible, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>Why this expert is on the list, in words a project officer reads.</summary>
    public static IReadOnlyList<string> Reasons(MatchCriteria criteria, CandidateFacts facts, MatchComponents c)
    {
        var reasons = new List<string>();
        if (c.Role is not null)
        {
            var declared = criteria.Roles.Where(facts.Roles.Contains).ToList();
            var trained = criteria.Roles.Where(r => !declared.Contains(r) && facts.TrainedRoles.Contains(r)).ToList();
            if (declared.Count > 0) reasons.Add($"Role: {Join(declared.Select(Slug.Of))}");
            if (trained.Count > 0) reasons.Add($"Trained for role: {Join(trained.Select(Slug.Of))}");
        }
        if (c.Skills is not null)
            reasons.Add($"Skills: matches {facts.MatchedSkillTerms.Count} of {criteria.SkillTerms.Count} terms ({Join(facts.MatchedSkillTerms)})");
        if (c.Languages is not null)
        {
            var spoken = criteria.Languages.Where(facts.Languages.ContainsKey).Select(code => $"{code} {Slug.Of(facts.Languages[code]).ToUpperInvariant()}").ToList();
            reasons.Add(spoken.Count == criteria.Languages.Count
                ? $"Languages: {Join(spoken)}"
                : $"Languages: {Join(spoken)} (not {Join(criteria.Languages.Where(code => !facts.Languages.ContainsKey(code)))})");
        }
        if (c.Availability is { } coverage)
            reasons.Add($"Available for {Percent(coverage)} of {Dates(criteria.From!.Value)}–{Dates(criteria.To!.Value)} (full-time equivalent), no deployment then");
        if (facts.RatingCount > 0)
            reasons.Add($"Evaluations: {facts.RatingAverage!.Value.ToString("0.0", CultureInfo.InvariantCulture)}/5 over {Count(facts.RatingCount, "deployment")}");
        if (facts.RelevantTrainings > 0)
            reasons.Add($"Trainings: {Count(facts.RelevantTrainings, criteria.Roles.Count > 0 ? "relevant course" : "course")} completed");
        if (criteria.Country is { } country && facts.DeployedInCountry)
            reasons.Add($"Deployed in {country} before");
        return reasons;
    }

    private static string Join(IEnumerable<string> values) => string.Join(", ", values);

    private static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Dates(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
