using System.Collections.Frozen;
using EuCyberNet.Contracts.Vocabularies;

namespace EuCyberNet.Coordination.Activities;

/// <summary>
/// The regions the overview groups partner countries by: the EU's own neighbourhood groupings (as EU
/// external action and the CCB community use them) and continental regions elsewhere. Our grouping:
/// nothing upstream defines it, so it lives here and in docs/coordination.md.
/// </summary>
public static class Regions
{
    public const string Unknown = "unknown";
    public const string Other = "other";

    private static readonly (string Region, string Countries)[] Groups =
    [
        ("western-balkans", "AL BA ME MK RS XK"),
        ("eastern-partnership", "AM AZ BY GE MD UA"),
        ("southern-neighbourhood", "DZ EG IL JO LB LY MA PS SY TN"),
        ("other-europe", "AD AX CH FO GB GG GI IM IS JE LI MC NO RU SJ SM TR VA"),
        ("central-asia", "KG KZ TJ TM UZ"),
        ("middle-east-and-gulf", "AE BH IQ IR KW OM QA SA YE"),
        ("sub-saharan-africa", "AO BF BI BJ BW CD CF CG CI CM CV DJ EH ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW"),
        ("latin-america-and-caribbean", "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI"),
        ("north-america", "BM CA GL PM UM US"),
        ("asia-and-pacific", "AF AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN JP KH KI KP KR LA LK MH MM MN MO MP MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW VN VU WF WS"),
    ];

    private static readonly FrozenDictionary<string, string> ByCountry = Groups
        .SelectMany(g => g.Countries.Split(' ').Select(c => (Country: c, g.Region)))
        .Concat(Contracts.Vocabularies.Countries.EuMemberStates.Select(c => (Country: c, Region: "eu-member-states")))
        .ToFrozenDictionary(p => p.Country, p => p.Region, StringComparer.Ordinal);

    public static IReadOnlyList<string> All { get; } = [.. Groups.Select(g => g.Region), "eu-member-states", Other, Unknown];

    /// <summary>The region of an ISO 3166-1 alpha-2 code; <see cref="Other"/> for the few uninhabited territories.</summary>
    public static string Of(string? country) =>
        country is null ? Unknown : ByCountry.GetValueOrDefault(country.ToUpperInvariant(), Contracts.Vocabularies.Countries.IsCountry(country.ToUpperInvariant()) ? Other : Unknown);

    public static IReadOnlyList<string> Of(IEnumerable<string> countries) => [.. countries.Select(Of).Distinct().Order(StringComparer.Ordinal)];
}
