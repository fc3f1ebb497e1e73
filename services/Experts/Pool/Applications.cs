using EuCyberNet.ServiceDefaults.Http;

namespace EuCyberNet.Experts.Pool;

/// <summary>What an applicant sends. Strings, so that every bad field can be reported at once.</summary>
public sealed record ApplicationRequest(string? Name, string? Email, string? Citizenship, string? Organisation, string? Motivation);

public static class Applications
{
    /// <summary>Validates an application into the event that records it.</summary>
    public static (ExpertApplied? Event, Validator Validation) Validate(ApplicationRequest request)
    {
        var v = new Validator();
        var applied = new ExpertApplied(
            Name: v.Text("name", request.Name, maxLength: 200),
            Email: v.Email("email", request.Email),
            Citizenship: v.EuMemberState("citizenship", request.Citizenship),
            Organisation: v.Text("organisation", request.Organisation, maxLength: 300),
            Motivation: v.Text("motivation", request.Motivation, maxLength: 4000));
        return (v.IsValid ? applied : null, v);
    }
}
