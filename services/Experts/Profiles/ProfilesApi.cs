using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Profiles;

/// <summary>What the expert keeps up to date: profile, availability windows, consents.</summary>
public static class ProfilesApi
{
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var experts = app.MapGroup("/experts").WithTags("Experts");

        experts.MapPut("/{id:guid}/profile", PutProfile)
            .WithSummary("Submit or update the profile: languages, roles, skills, years of experience, organisation, bio")
            .AllowRoles([Roles.Coordinator, Roles.Expert], ownOnly: [Roles.Expert]).OwnExpertInRoute();

        experts.MapPut("/{id:guid}/availability", PutAvailability)
            .WithSummary("Replace the availability windows (from, to, percent)")
            .AllowRoles([Roles.Coordinator, Roles.Expert], ownOnly: [Roles.Expert]).OwnExpertInRoute();

        experts.MapPut("/{id:guid}/consents/{purpose}", PutConsent)
            .WithSummary("Give or withdraw consent: data-processing, sharing-with-ec-services")
            .AllowRoles([Roles.Expert], ownOnly: [Roles.Expert], note: "consent is the expert's own act").OwnExpertInRoute();

        return app;
    }

    private static async Task<Results<Ok<ExpertView>, ProblemHttpResult, ValidationProblem>> PutProfile(
        Guid id, ProfileRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var (profile, validation) = ProfileRules.Validate(request);
        if (profile is null) return validation.ToProblem();
        return (await session.DecideAsync(http, clock, id, expert => ProfileRules.SubmitProfile(expert, profile), ct)).OrInvalid();
    }

    private static async Task<Results<Ok<ExpertView>, ProblemHttpResult, ValidationProblem>> PutAvailability(
        Guid id, AvailabilityRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var (windows, validation) = ProfileRules.Validate(request);
        if (windows is null) return validation.ToProblem();
        return (await session.DecideAsync(http, clock, id, expert => ProfileRules.DeclareAvailability(expert, windows), ct)).OrInvalid();
    }

    private static async Task<Results<Ok<ExpertView>, ProblemHttpResult, ValidationProblem>> PutConsent(
        Guid id, string purpose, ConsentRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validator();
        var parsed = v.Slug<ConsentPurpose>("purpose", purpose);
        if (request?.Given is null) v.Add("given", "is required (true or false)");
        if (!v.IsValid) return v.ToProblem();
        return (await session.DecideAsync(http, clock, id, expert => ProfileRules.SetConsent(expert, parsed, request!.Given!.Value), ct)).OrInvalid();
    }
}
