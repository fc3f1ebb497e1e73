using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Experts.Benchmarks;

/// <summary>A kind of query, with fresh random parameters on every call.</summary>
internal sealed record Query(string Name, Func<string> Next);

/// <summary>What staff search for and what requests for expertise ask for, with realistic parameters.</summary>
internal static class Queries
{
    public static IReadOnlyList<Query> All(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
        string Role() => Slug.Of(Pick(Enum.GetValues<EcsfRole>()));
        string Skill() => Pick(Pick(PoolGenerator.Skillsets).Names);
        (string From, string To) Period()
        {
            var from = new DateOnly(2027, 1, 1).AddDays(random.Next(300));
            return (from.ToString("yyyy-MM-dd"), from.AddDays(5 + random.Next(25)).ToString("yyyy-MM-dd"));
        }
        string Escape(string text) => Uri.EscapeDataString(text);
        string[] languages = ["en", "fr", "de", "es", "ru", "ar", "pt"];

        return
        [
            new("search: role + status, newest first", () => $"/experts?role={Role()}&status=accepted"),
            new("search: language at level + citizenship", () => $"/experts?language={Pick(languages)}&minLevel=b2&citizenship={Pick(["FR", "DE", "IT", "PL", "BE"])}"),
            new("search: free text (a surname)", () => $"/experts?q={Pick(PoolGenerator.LastNames)}"),
            new("search: skill + available in a period", () =>
            {
                var (from, to) = Period();
                return $"/experts?skill={Escape(Skill())}&availableFrom={from}&availableTo={to}";
            }),
            new("search: overdue applications", () => "/experts?status=applied&overdue=true&sort=appliedAt"),
            new("search: all experts by name, page 20", () => "/experts?sort=name&page=20"),
            new("match: role only", () => $"/experts/matches?role={Role()}"),
            new("match: role + language + period", () =>
            {
                var (from, to) = Period();
                return $"/experts/matches?role={Role()}&languages={Pick(languages)}&from={from}&to={to}";
            }),
            new("match: full request (2 roles, skills, 2 languages, country, period)", () =>
            {
                var (from, to) = Period();
                return $"/experts/matches?role={Role()}&role={Role()}&skills={Escape(Skill() + " " + Skill())}&languages=en&languages={Pick(languages)}" +
                       $"&country={Pick(PoolGenerator.PartnerCountries)}&from={from}&to={to}&pageSize=20";
            }),
            new("match: skills only", () => $"/experts/matches?skills={Escape(Skill())}"),
        ];
    }
}
