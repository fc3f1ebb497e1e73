using System.Text;

namespace EuCyberNet.Demo;

/// <summary>Where an expert's story stops in the demo.</summary>
internal enum ExpertFate
{
    Applied,
    Acknowledged,
    ProfileSubmitted,
    Rejected,
    Accepted,
    Suspended,
    Withdrawn,
    Erased,
}

internal sealed record Language(string Code, string Level);

internal sealed record Window(DateOnly From, DateOnly To, int Percent);

/// <summary>One expert of the demo, decided up front so that the outcome does not depend on the order calls complete in.</summary>
internal sealed record ExpertPlan(
    int Index, MemberState State, string Name, string Email, string Organisation, string Motivation,
    RoleProfile PrimaryRole, string[] Roles, Skill[] Skills, Language[] Languages, int Years, string Bio,
    Window[] Availability, bool SharesWithEcServices, ExpertFate Fate)
{
    public Guid Id { get; set; }

    public bool InPool => Fate == ExpertFate.Accepted;
}

internal static class ExpertPlans
{
    private static readonly string[] SecondLanguages = ["fr", "de", "es", "ru", "pt", "it"];
    private static readonly string[] Levels = ["b1", "b2", "c1", "c2"];

    public static List<ExpertPlan> Create(int count, Random random, DateOnly today)
    {
        var states = MemberStates.All;
        var weighted = states.SelectMany(s => Enumerable.Repeat(s, s.Weight)).ToArray();
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var plans = new List<ExpertPlan>(count);
        for (var i = 0; i < count; i++)
        {
            // Every Member State and every ECSF role is represented; beyond that, bigger and more
            // cyber-active states send more experts.
            var state = i < states.Length * 3 ? states[i % states.Length] : weighted[random.Next(weighted.Length)];
            var role = Vocabulary.Roles[i % Vocabulary.Roles.Length];
            var first = state.FirstNames[random.Next(state.FirstNames.Length)];
            var last = state.LastNames[random.Next(state.LastNames.Length)];
            var email = $"{Ascii(first)}.{Ascii(last)}@{state.Domain}";
            for (var n = 2; !emails.Add(email); n++) email = $"{Ascii(first)}.{Ascii(last)}{n}@{state.Domain}";

            var extraRoles = Vocabulary.Roles.Where(r => r != role).OrderBy(_ => random.Next()).Take(random.Next(0, 3)).ToArray();
            var roles = new[] { role }.Concat(extraRoles).ToArray();
            var skills = roles.SelectMany(r => r.Skills.OrderBy(_ => random.Next()).Take(r == role ? 3 : 1)).ToArray();
            var languages = new List<Language> { new(state.Language, "native") };
            if (state.Language != "en") languages.Add(new("en", Levels[1 + random.Next(3)]));
            if (random.NextDouble() < 0.5)
            {
                var second = SecondLanguages[random.Next(SecondLanguages.Length)];
                if (languages.All(l => l.Code != second)) languages.Add(new(second, Levels[random.Next(3)]));
            }
            var years = 3 + random.Next(26);
            var organisation = state.Organisations[random.Next(state.Organisations.Length)];
            var availability = Availability(random, today);
            var fate = FateOf(random.NextDouble());

            plans.Add(new ExpertPlan(i, state, $"{first} {last}", email, organisation,
                $"{years} years as {Describe(role.Slug)} at {organisation}; keen to support partner countries in {Describe(role.Theme)}.",
                role, [.. roles.Select(r => r.Slug)], skills, [.. languages], years,
                $"{Describe(role.Slug)} with {years} years of experience ({string.Join(", ", skills.Take(2).Select(s => s.Name))}).",
                availability, random.NextDouble() < 0.7, fate));
        }
        // One withdrawn expert asked for erasure: the record keeps its decisions, not the person.
        var withdrawn = plans.FirstOrDefault(p => p.Fate == ExpertFate.Withdrawn);
        if (withdrawn is not null) plans[withdrawn.Index] = withdrawn with { Fate = ExpertFate.Erased };
        return plans;
    }

    private static ExpertFate FateOf(double r) => r switch
    {
        < 0.04 => ExpertFate.Applied,
        < 0.08 => ExpertFate.Acknowledged,
        < 0.12 => ExpertFate.ProfileSubmitted,
        < 0.14 => ExpertFate.Rejected,
        < 0.17 => ExpertFate.Suspended,
        < 0.19 => ExpertFate.Withdrawn,
        _ => ExpertFate.Accepted,
    };

    private static Window[] Availability(Random random, DateOnly today)
    {
        var start = today.AddDays(random.Next(0, 60));
        var first = new Window(start, start.AddDays(60 + random.Next(120)), new[] { 20, 50, 50, 100 }[random.Next(4)]);
        if (random.NextDouble() < 0.5) return [first];
        var secondStart = first.To.AddDays(15 + random.Next(30));
        return [first, new Window(secondStart, secondStart.AddDays(30 + random.Next(90)), new[] { 50, 100 }[random.Next(2)])];
    }

    public static string Describe(string slug) => slug switch
    {
        "ciso" => "CISO",
        _ => slug.Replace('-', ' '),
    };

    private static readonly Dictionary<char, string> Latin = new()
    {
        ['á'] = "a", ['à'] = "a", ['â'] = "a", ['ä'] = "a", ['ã'] = "a", ['å'] = "a", ['ā'] = "a", ['ą'] = "a", ['æ'] = "ae",
        ['č'] = "c", ['ć'] = "c", ['ç'] = "c", ['ď'] = "d", ['đ'] = "d",
        ['é'] = "e", ['è'] = "e", ['ê'] = "e", ['ë'] = "e", ['ě'] = "e", ['ē'] = "e", ['ę'] = "e", ['ė'] = "e",
        ['ğ'] = "g", ['ģ'] = "g", ['í'] = "i", ['ì'] = "i", ['î'] = "i", ['ï'] = "i", ['ī'] = "i", ['į'] = "i", ['ķ'] = "k",
        ['ļ'] = "l", ['ľ'] = "l", ['ł'] = "l", ['ň'] = "n", ['ń'] = "n", ['ņ'] = "n", ['ñ'] = "n",
        ['ó'] = "o", ['ò'] = "o", ['ô'] = "o", ['ö'] = "o", ['õ'] = "o", ['ő'] = "o", ['ø'] = "o", ['ř'] = "r", ['ŕ'] = "r",
        ['š'] = "s", ['ś'] = "s", ['ș'] = "s", ['ş'] = "s", ['ß'] = "ss", ['ť'] = "t", ['ț'] = "t", ['ţ'] = "t",
        ['ú'] = "u", ['ù'] = "u", ['û'] = "u", ['ü'] = "u", ['ů'] = "u", ['ű'] = "u", ['ū'] = "u", ['ų'] = "u",
        ['ý'] = "y", ['ÿ'] = "y", ['ž'] = "z", ['ź'] = "z", ['ż'] = "z",
    };

    /// <summary>A name as the local part of an e-mail address: lower-case ASCII, diacritics transliterated, no spaces or apostrophes.</summary>
    private static string Ascii(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) builder.Append(c);
            else if (Latin.TryGetValue(c, out var plain)) builder.Append(plain);
        }
        return builder.ToString();
    }
}
