using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Experts.Pool;

/// <summary>
/// An expert's record as <c>GET /experts/{id}</c> shows it: the lifecycle, the profile, availability,
/// consents, and the deployments and trainings learned from other services. Erased personal fields
/// are null.
/// </summary>
public sealed record ExpertView(
    Guid Id,
    long Version,
    ExpertStatus Status,
    string? Name,
    string? Email,
    string Citizenship,
    string? Organisation,
    string? Motivation,
    DateTimeOffset AppliedAt,
    DateTimeOffset AcknowledgementDue,
    bool Overdue,
    DateTimeOffset StatusChangedAt,
    IReadOnlyList<SpokenLanguage> Languages,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<Skill> Skills,
    int? YearsOfExperience,
    string? Bio,
    IReadOnlyList<Window> Availability,
    ConsentsView Consents,
    IReadOnlyList<DeploymentRecord> Deployments,
    IReadOnlyList<TrainingRecord> Trainings)
{
    public static ExpertView From(Expert e, DateTimeOffset now) => new(
        e.Id, e.Version, e.Status,
        Erasable(e.Name), Erasable(e.Email), e.Citizenship, Erasable(e.Organisation), Erasable(e.Motivation),
        e.AppliedAt, e.AcknowledgementDue, e.IsOverdue(now), e.StatusChangedAt,
        e.Profile?.Languages ?? [], e.Profile?.Roles ?? [], e.Profile?.Skills ?? [], e.Profile?.YearsOfExperience, e.Profile?.Bio,
        e.Availability,
        new ConsentsView(e.DataProcessingConsent, e.SharingWithEcServicesConsent),
        [.. e.Deployments.OrderBy(d => d.StartDate)],
        [.. e.Trainings.OrderBy(t => t.CompletedAt)]);

    private static string? Erasable(string value) => value.Length == 0 ? null : value;
}

public sealed record ConsentsView(Consent? DataProcessing, Consent? SharingWithEcServices);

/// <summary>Runs a decision on one expert through the platform's command handling and answers with the view.</summary>
public static class ExpertCommands
{
    public static Task<Results<Ok<ExpertView>, ProblemHttpResult>> DecideAsync(
        this IDocumentSession session, HttpContext http, TimeProvider clock, Guid id, Func<Expert, Decision> decide, CancellationToken ct) =>
        session.DecideAsync<Expert, ExpertView>(http, id, decide, e => ExpertView.From(e, clock.GetUtcNow()), ct);

    /// <summary>Widens a command's result to the endpoint's, which can also reject the input.</summary>
    public static Results<Ok<ExpertView>, ProblemHttpResult, ValidationProblem> OrInvalid(this Results<Ok<ExpertView>, ProblemHttpResult> result) =>
        result.Result switch
        {
            Ok<ExpertView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected command result."),
        };
}
