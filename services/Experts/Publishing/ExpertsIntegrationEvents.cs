using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using V1 = EuCyberNet.Contracts.Experts.V1;

namespace EuCyberNet.Experts.Publishing;

/// <summary>
/// What the rest of the network hears about experts: ids, vocabularies, dates and counts, never
/// names, e-mails, organisations, biographies, motivations or reasons. Every status change is an
/// <see cref="V1.ExpertStatusChanged"/>; joining and leaving the pool, suspension, and changes of
/// competences or availability while in the pool have their own events. What happens before
/// acceptance (profile drafts, availability) stays here.
/// </summary>
public sealed class ExpertsIntegrationEvents : IIntegrationEventMapper
{
    /// <summary>The "previous status" of an application, which has none.</summary>
    public const string NoStatus = "none";

    public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent)
    {
        var id = domainEvent.StreamId;
        var at = domainEvent.Timestamp;
        switch (domainEvent.Data)
        {
            case ExpertApplied e:
                yield return new V1.ExpertApplicationReceived(id, e.Citizenship, at);
                yield return new V1.ExpertStatusChanged(id, Slug.Of(ExpertStatus.Applied), NoStatus, e.Citizenship, at);
                break;
            case ExpertAcknowledged e:
                yield return Changed(id, ExpertStatus.Acknowledged, e.From, e.Citizenship, at);
                break;
            case ExpertProfileSubmitted e:
                yield return Changed(id, ExpertStatus.ProfileSubmitted, e.From, e.Citizenship, at);
                break;
            case ExpertProfileUpdated { CompetencesChanged: true } e when InPool(e.Status):
                yield return Competences(id, e.Profile.Roles, e.Profile.Skills, e.Profile.Languages, e.Profile.YearsOfExperience, at);
                break;
            case ExpertAccepted e:
                yield return Changed(id, ExpertStatus.Accepted, e.From, e.Citizenship, at);
                yield return new V1.ExpertJoinedPool(id, e.Citizenship, e.Roles, Languages(e.Languages), at);
                yield return Competences(id, e.Roles, e.Skills, e.Languages, e.YearsOfExperience, at);
                yield return Availability(id, e.Availability, at);
                break;
            case ExpertRejected e:
                yield return Changed(id, ExpertStatus.Rejected, e.From, e.Citizenship, at);
                break;
            case ExpertSuspended e:
                yield return Changed(id, ExpertStatus.Suspended, e.From, e.Citizenship, at);
                yield return new V1.ExpertSuspended(id, at);
                break;
            case ExpertReinstated e:
                yield return Changed(id, ExpertStatus.Accepted, e.From, e.Citizenship, at);
                yield return new V1.ExpertReinstated(id, at);
                break;
            case ExpertWithdrawn e:
                yield return Changed(id, ExpertStatus.Withdrawn, e.From, e.Citizenship, at);
                if (InPool(e.From)) yield return new V1.ExpertLeftPool(id, V1.PoolDeparture.Withdrawn, at);
                break;
            case ExpertErased e:
                yield return Changed(id, ExpertStatus.Erased, e.From, e.Citizenship, at);
                if (InPool(e.From)) yield return new V1.ExpertLeftPool(id, V1.PoolDeparture.Erased, at);
                break;
            case ExpertAvailabilityDeclared e when InPool(e.Status):
                yield return Availability(id, e.Windows, at);
                break;
        }
    }

    private static bool InPool(ExpertStatus status) => status is ExpertStatus.Accepted or ExpertStatus.Suspended;

    private static V1.ExpertStatusChanged Changed(Guid id, ExpertStatus status, ExpertStatus from, string citizenship, DateTimeOffset at) =>
        new(id, Slug.Of(status), Slug.Of(from), citizenship, at);

    private static V1.ExpertCompetencesChanged Competences(
        Guid id, IReadOnlyList<EcsfRole> roles, IReadOnlyList<Skill> skills, IReadOnlyList<SpokenLanguage> languages, int years, DateTimeOffset at) =>
        new(id, roles, [.. skills.Select(s => new V1.SkillRef(s.Family, s.Skillset, s.Name))], Languages(languages), years, at);

    private static V1.ExpertAvailabilityChanged Availability(Guid id, IReadOnlyList<Window> windows, DateTimeOffset at) =>
        new(id, [.. windows.Select(w => new V1.AvailabilityWindow(w.From, w.To, w.Percent))], at);

    private static IReadOnlyList<V1.LanguageSkill> Languages(IReadOnlyList<SpokenLanguage> languages) =>
        [.. languages.Select(l => new V1.LanguageSkill(l.Code, l.Level))];
}
