using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Experts.Profiles;

// What the expert keeps about themselves: profile, availability, consent. Requests are records of
// nullable values so that every bad field is reported at once; the decide functions are pure.

public sealed record LanguageInput(string? Code, string? Level);

public sealed record SkillInput(string? Family, string? Skillset, string? Name);

public sealed record ProfileRequest(
    IReadOnlyList<LanguageInput?>? Languages,
    IReadOnlyList<string?>? Roles,
    IReadOnlyList<SkillInput?>? Skills,
    int? YearsOfExperience,
    string? Organisation,
    string? Bio);

public sealed record WindowInput(string? From, string? To, int? Percent);

public sealed record AvailabilityRequest(IReadOnlyList<WindowInput?>? Windows);

public sealed record ConsentRequest(bool? Given);

public static class ProfileRules
{
    public const int MaxLanguages = 20;
    public const int MaxSkills = 50;
    public const int MaxWindows = 50;
    public const int MaxYearsOfExperience = 60;

    public static (ExpertProfile? Profile, Validator Validation) Validate(ProfileRequest? request)
    {
        var v = new Validator();
        request ??= new ProfileRequest(null, null, null, null, null, null);

        var languages = new List<SpokenLanguage>();
        if (request.Languages is not { Count: > 0 }) v.Add("languages", "needs at least one language");
        else if (request.Languages.Count > MaxLanguages) v.Add("languages", $"must have at most {MaxLanguages} entries");
        else
        {
            for (var i = 0; i < request.Languages.Count; i++)
            {
                var input = request.Languages[i];
                var code = v.Language($"languages[{i}].code", input?.Code);
                var level = v.Slug<LanguageLevel>($"languages[{i}].level", input?.Level);
                if (code.Length > 0 && languages.Any(l => l.Code == code)) v.Add($"languages[{i}].code", $"'{code}' is listed twice");
                else languages.Add(new SpokenLanguage(code, level));
            }
        }

        var roles = v.Slugs<EcsfRole>("roles", request.Roles, required: true, maxCount: 12);

        var skills = new List<Skill>();
        if (request.Skills is { Count: > MaxSkills }) v.Add("skills", $"must have at most {MaxSkills} entries");
        else
        {
            for (var i = 0; i < (request.Skills?.Count ?? 0); i++)
            {
                var input = request.Skills![i];
                var skill = new Skill(
                    v.Slug<SkillFamily>($"skills[{i}].family", input?.Family),
                    v.Text($"skills[{i}].skillset", input?.Skillset, maxLength: 100),
                    v.Text($"skills[{i}].name", input?.Name, maxLength: 100));
                if (!skills.Contains(skill)) skills.Add(skill);
            }
        }

        var years = v.Range("yearsOfExperience", request.YearsOfExperience, 0, MaxYearsOfExperience);
        var organisation = v.Text("organisation", request.Organisation, maxLength: 300);
        var bio = v.OptionalText("bio", request.Bio, maxLength: 4000);

        return (v.IsValid ? new ExpertProfile(languages, roles, skills, years, organisation, bio) : null, v);
    }

    public static (IReadOnlyList<Window>? Windows, Validator Validation) Validate(AvailabilityRequest? request)
    {
        var v = new Validator();
        var windows = new List<(int Index, Window Window)>();
        if (request?.Windows is null) v.Add("windows", "is required (an empty list clears the availability)");
        else if (request.Windows.Count > MaxWindows) v.Add("windows", $"must have at most {MaxWindows} entries");
        else
        {
            for (var i = 0; i < request.Windows.Count; i++)
            {
                var input = request.Windows[i];
                var from = v.IsoDate($"windows[{i}].from", input?.From);
                var to = v.IsoDate($"windows[{i}].to", input?.To);
                v.Period($"windows[{i}].to", from, to);
                var percent = v.Range($"windows[{i}].percent", input?.Percent, 1, 100);
                if (from == default || to == default || to < from) continue;
                var clash = windows.FirstOrDefault(w => w.Window.Overlaps(from, to));
                if (clash.Window is not null) v.Add($"windows[{i}]", $"overlaps windows[{clash.Index}]");
                windows.Add((i, new Window(from, to, percent)));
            }
        }
        return (v.IsValid ? [.. windows.Select(w => w.Window).OrderBy(w => w.From)] : null, v);
    }

    /// <summary>
    /// The first profile puts an acknowledged application up for review; later ones update it,
    /// also in the pool (the expert stays in it, the change is in the history).
    /// </summary>
    public static Decision SubmitProfile(Expert expert, ExpertProfile profile) => expert.Status switch
    {
        ExpertStatus.Acknowledged => Decision.Emit(new ExpertProfileSubmitted(expert.Status, expert.Citizenship, profile)),
        ExpertStatus.ProfileSubmitted or ExpertStatus.Accepted or ExpertStatus.Suspended when profile.IsSameAs(expert.Profile) => Decision.Nothing,
        ExpertStatus.ProfileSubmitted or ExpertStatus.Accepted or ExpertStatus.Suspended =>
            Decision.Emit(new ExpertProfileUpdated(expert.Status, profile, !profile.HasSameCompetencesAs(expert.Profile))),
        _ => Lifecycle.Invalid("submit a profile", expert),
    };

    public static Decision DeclareAvailability(Expert expert, IReadOnlyList<Window> windows)
    {
        if (Lifecycle.IsClosed(expert.Status)) return Lifecycle.Invalid("declare availability", expert);
        return windows.SequenceEqual(expert.Availability) ? Decision.Nothing : Decision.Emit(new ExpertAvailabilityDeclared(expert.Status, windows));
    }

    /// <summary>Consent can be given or withdrawn at any time until erasure.</summary>
    public static Decision SetConsent(Expert expert, ConsentPurpose purpose, bool given)
    {
        if (expert.Status == ExpertStatus.Erased) return Lifecycle.Invalid(given ? "give consent" : "withdraw consent", expert);
        var current = purpose == ConsentPurpose.DataProcessing ? expert.DataProcessingConsent : expert.SharingWithEcServicesConsent;
        if (current?.Given == given) return Decision.Nothing;
        if (current is null && !given) return Decision.Nothing; // never given: nothing to withdraw
        return given ? Decision.Emit(new ExpertConsentGiven(purpose)) : Decision.Emit(new ExpertConsentWithdrawn(purpose));
    }
}
