namespace EuCyberNet.Demo;

/// <summary>A CCB project as staff register it; dates are months from today, so the demo always looks current.</summary>
internal sealed record ProjectSpec(
    string Key, string Title, string Funder, string[] Implementers, string[] Countries, string[] Themes, string[] Pillars,
    decimal BudgetEur, int StartMonths, int Months, string Status);

/// <summary>
/// The projects of several funders: EU instruments (DG INTPA, DG NEAR, FPI) and Member States' agencies.
/// Several pairs are genuine overlaps (same country, a shared theme, overlapping periods, another
/// funder or implementer) that Coordination should flag; others look close but are not (another
/// theme, periods that do not meet, one funder's own portfolio). Titles are invented.
/// </summary>
internal static class Portfolio
{
    public static readonly ProjectSpec[] Projects =
    [
        // Ukraine: two funders on incident response for critical infrastructure at the same time (overlap).
        new("ua-cip", "Cyber resilience of Ukraine's critical infrastructure", "DG NEAR", ["Expertise France", "e-Governance Academy"], ["UA"], ["incident-management-and-cip", "policy-and-strategy"], ["crisis-prevention-and-management"], 12_500_000m, -10, 36, "ongoing"),
        new("ua-energy", "Incident response for Ukrainian energy operators", "Germany (BMZ)", ["GIZ"], ["UA"], ["incident-management-and-cip"], ["crisis-prevention-and-management"], 4_200_000m, -3, 24, "ongoing"),
        new("ua-cybercrime", "Electronic evidence for Ukraine's cyber police", "DG NEAR", ["Council of Europe"], ["UA"], ["cybercrime"], ["criminal-justice"], 3_000_000m, -20, 18, "closed"),
        // Moldova: the EU's CSIRT project; e-Governance Academy reports its Estonian-funded one as a partner (overlap).
        new("md-csirt", "Moldova national CSIRT maturity", "DG NEAR", ["e-Governance Academy"], ["MD"], ["incident-management-and-cip"], ["crisis-prevention-and-management"], 2_800_000m, -6, 30, "ongoing"),
        new("md-strategy", "Moldova cybersecurity strategy and NIS2 alignment", "DG NEAR", ["Expertise France"], ["MD"], ["policy-and-strategy", "standards"], ["national-strategic-framework"], 1_500_000m, 2, 24, "planned"),
        // Georgia: same theme, but the first ended before the second starts (no overlap).
        new("ge-strategy-1", "Georgia national cybersecurity strategy 2021–2024", "DG NEAR", ["e-Governance Academy"], ["GE"], ["policy-and-strategy"], ["national-strategic-framework"], 1_900_000m, -48, 30, "closed"),
        new("ge-strategy-2", "Georgia cyber governance and NIS2-style regulation", "DG NEAR", ["Enabel"], ["GE"], ["policy-and-strategy"], ["national-strategic-framework"], 2_400_000m, 1, 30, "planned"),
        // Western Balkans: one regional programme; a Member State's bilateral project in Serbia overlaps it.
        new("wb-cyber", "Western Balkans cyber capacity programme", "DG NEAR", ["Expertise France", "GIZ"], ["AL", "RS", "BA", "ME", "MK", "XK"], ["incident-management-and-cip", "culture-and-skills"], ["crisis-prevention-and-management", "education-and-culture"], 9_000_000m, -14, 42, "ongoing"),
        new("rs-skills", "Cyber skills for Serbian public administration", "Netherlands (MFA)", ["TNO"], ["RS"], ["culture-and-skills"], ["education-and-culture"], 800_000m, -2, 18, "ongoing"),
        new("al-cip", "Albania critical information infrastructure protection", "Italy (AICS)", ["ACN (Agenzia per la Cybersicurezza Nazionale)"], ["AL"], ["standards"], ["national-strategic-framework"], 650_000m, 3, 12, "planned"),
        new("mk-cybercrime", "North Macedonia cybercrime units", "DG NEAR", ["Council of Europe"], ["MK"], ["cybercrime"], ["criminal-justice"], 1_100_000m, 4, 20, "planned"),
        // West Africa: the EU's regional cybercrime action and France's bilateral one in Ghana (overlap).
        new("wa-cybercrime", "West African response on cybercrime and e-evidence", "DG INTPA", ["Expertise France", "Council of Europe"], ["GH", "NG", "SN", "CI"], ["cybercrime", "policy-and-strategy"], ["criminal-justice"], 11_000_000m, -16, 48, "ongoing"),
        new("gh-cybercrime", "Fighting cybercrime in Ghana", "France (MEAE)", ["CIVIPOL"], ["GH"], ["cybercrime"], ["criminal-justice"], 1_200_000m, -1, 24, "ongoing"),
        new("sn-csirt", "Senegal national CSIRT", "DG INTPA", ["Expertise France"], ["SN"], ["incident-management-and-cip"], ["crisis-prevention-and-management"], 2_000_000m, -8, 30, "ongoing"),
        new("ng-skills", "Cybersecurity education in Nigerian universities", "Germany (BMZ)", ["GIZ"], ["NG"], ["culture-and-skills"], ["education-and-culture"], 1_700_000m, 5, 36, "planned"),
        // East Africa: Belgium's and the EU's projects in Kenya differ in theme (no overlap).
        new("ea-resilience", "East Africa cyber resilience", "DG INTPA", ["Enabel", "e-Governance Academy"], ["KE", "UG", "ET"], ["incident-management-and-cip"], ["crisis-prevention-and-management"], 6_500_000m, -12, 36, "ongoing"),
        new("ke-awareness", "Cyber hygiene for Kenyan SMEs", "Belgium (DGD)", ["Enabel"], ["KE"], ["culture-and-skills"], ["education-and-culture"], 500_000m, -4, 12, "ongoing"),
        new("et-strategy", "Ethiopia cyber policy dialogue", "FPI", ["Expertise France"], ["ET"], ["policy-and-strategy"], ["cyber-diplomacy"], 900_000m, 6, 18, "planned"),
        // South-East Asia: FPI's security cooperation and a Dutch cyber diplomacy dialogue in Indonesia (overlap).
        new("asia-security", "Enhancing security cooperation in and with Asia: cyber", "FPI", ["GIZ", "Expertise France"], ["ID", "VN", "PH"], ["policy-and-strategy", "incident-management-and-cip"], ["cyber-diplomacy"], 8_000_000m, -18, 48, "ongoing"),
        new("id-diplomacy", "Indonesia cyber diplomacy dialogue", "Netherlands (MFA)", ["Netherlands (MFA)"], ["ID"], ["policy-and-strategy"], ["cyber-diplomacy"], 450_000m, -2, 12, "ongoing"),
        new("ph-cip", "Philippines critical infrastructure protection", "Japan–EU partnership (DG INTPA)", ["Expertise France"], ["PH"], ["standards"], ["national-strategic-framework"], 1_300_000m, 8, 24, "planned"),
        // Latin America and the Caribbean: the EU's regional competence centre and Spain's bilateral project (overlap).
        new("lac-centre", "LAC cyber competence centre", "DG INTPA", ["FIIAPP", "Expertise France"], ["DO", "CO", "PE"], ["culture-and-skills", "incident-management-and-cip"], ["education-and-culture"], 7_000_000m, -15, 48, "ongoing"),
        new("do-skills", "Ciberseguridad para la República Dominicana", "Spain (AECID)", ["FIIAPP"], ["DO"], ["culture-and-skills"], ["education-and-culture"], 1_000_000m, -5, 24, "ongoing"),
        new("co-cybercrime", "Colombia e-evidence and cybercrime prosecution", "DG INTPA", ["Council of Europe"], ["CO"], ["cybercrime"], ["criminal-justice"], 1_400_000m, 2, 24, "planned"),
        new("pe-strategy", "Peru national cybersecurity framework", "DG INTPA", ["FIIAPP"], ["PE"], ["policy-and-strategy"], ["national-strategic-framework"], 1_100_000m, -30, 20, "closed"),
        // Neighbourhood South and a cancelled plan.
        new("jo-cip", "Jordan critical infrastructure cyber exercises", "DG NEAR", ["Expertise France"], ["JO"], ["incident-management-and-cip"], ["crisis-prevention-and-management"], 1_600_000m, -6, 24, "ongoing"),
        new("ma-cybercrime", "Morocco cybercrime legislation", "DG NEAR", ["Council of Europe"], ["MA"], ["cybercrime"], ["criminal-justice"], 700_000m, 10, 18, "cancelled"),
        new("am-standards", "Armenia security standards for e-government", "Lithuania (MFA)", ["NKSC"], ["AM"], ["standards"], ["national-strategic-framework"], 350_000m, -1, 12, "ongoing"),
    ];
}
