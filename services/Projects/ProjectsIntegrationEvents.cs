using EuCyberNet.Contracts;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Projects.Projects;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using V1 = EuCyberNet.Contracts.Projects.V1;

namespace EuCyberNet.Projects;

/// <summary>
/// What the network hears from Projects: ids, vocabularies and dates, never personal data (no
/// names, no debriefs, no feedback text). Snapshot events carry the resource as it was right after
/// the domain event, folded from its stream up to that event's version (the relay folds each stream
/// of a page once, in memory), so a re-published event is
/// the same message and consumers can keep the newest by <c>Version</c>.
/// </summary>
public sealed class ProjectsIntegrationEvents : IStatefulIntegrationEventMapper
{
    /// <summary>Every mapping needs state; the relay calls <see cref="MapAsync"/>.</summary>
    public IEnumerable<IIntegrationEvent> Map(IEvent domainEvent) =>
        throw new NotSupportedException("Projects' integration events are snapshots; use MapAsync.");

    public async Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IStreamStates states, CancellationToken ct)
    {
        var e = domainEvent;
        switch (e.Data)
        {
            case ProjectRegistered or ProjectReportedByPartner:
                return [new V1.ProjectRegistered(e.StreamId, e.Version, ProjectSnapshot(await states.AfterAsync<Project>(e, ct)), e.Timestamp)];
            case ProjectDetailsChanged or ProjectUpdatedByPartner or ProjectClosedByPartner:
                return [new V1.ProjectUpdated(e.StreamId, e.Version, ProjectSnapshot(await states.AfterAsync<Project>(e, ct)), e.Timestamp)];
            case ProjectActivityReported reported:
            {
                var project = await states.AfterAsync<Project>(e, ct);
                var a = reported.Activity;
                return [new V1.ProjectActivityReported(e.StreamId, e.Version,
                    new V1.ProjectActivity(a.ActivityRef, a.Title, a.ActivityType, a.Country, a.Themes, a.StartDate, a.EndDate),
                    project.Source, e.Timestamp)];
            }

            case ExpertiseRequestApproved:
                return [new V1.ExpertiseRequestPublished(e.StreamId, e.Version, RequestSnapshot(await states.AfterAsync<ExpertiseRequest>(e, ct)), e.Timestamp)];
            case ExpertiseRequestAmended { NeedsReapproval: true }:
                return [new V1.ExpertiseRequestAmended(e.StreamId, e.Version, RequestSnapshot(await states.AfterAsync<ExpertiseRequest>(e, ct)), e.Timestamp)];
            case ApplicationDeadlineExtended extended:
                return [new V1.ExpertiseRequestExtended(e.StreamId, e.Version, RequestSnapshot(await states.AfterAsync<ExpertiseRequest>(e, ct)),
                    extended.PreviousDeadline, e.Timestamp)];
            case ExpertiseRequestClosed closed:
                return [new V1.ExpertiseRequestClosed(e.StreamId, e.Version, closed.Reason, e.Timestamp)];
            case ExpertiseRequestFulfilled:
                return [new V1.ExpertiseRequestFulfilled(e.StreamId, e.Version, e.Timestamp)];
            case ExpertiseRequestCancelled cancelled:
                // The network only ever heard of requests that were published.
                return (await states.AfterAsync<ExpertiseRequest>(e, ct)).ApprovedAt is null
                    ? []
                    : [new V1.ExpertiseRequestCancelled(e.StreamId, e.Version, cancelled.Reason, e.Timestamp)];
            case ApplicationReceived received:
                return [new V1.ExpertiseRequestApplicationReceived(e.StreamId, e.Version, received.ExpertId, received.Nominated, e.Timestamp)];
            case ApplicationShortlisted shortlisted:
                return [new V1.ExpertiseRequestApplicantShortlisted(e.StreamId, e.Version, shortlisted.ExpertId, e.Timestamp)];
            case ApplicationSelected selected:
                return [new V1.ExpertiseRequestApplicantSelected(e.StreamId, e.Version, selected.ExpertId, selected.DeploymentId, e.Timestamp)];
            case ApplicationDeclined declined:
                return [new V1.ExpertiseRequestApplicantDeclined(e.StreamId, e.Version, declined.ExpertId, e.Timestamp)];
            case ApplicationWithdrawn withdrawn:
                return [new V1.ExpertiseRequestApplicationWithdrawn(e.StreamId, e.Version, withdrawn.ExpertId, e.Timestamp)];
            case SelectionReleased released:
            {
                // A cancelled deployment reopens a fulfilled request: the network hears it is closed again.
                var before = await states.BeforeAsync<ExpertiseRequest>(e, ct);
                return before?.Status == RequestStatus.Fulfilled
                    ? [new V1.ExpertiseRequestClosed(e.StreamId, e.Version, released.Reason, e.Timestamp)]
                    : [];
            }

            case DeploymentConfirmed:
                return [new V1.DeploymentConfirmed(e.StreamId, e.Version, DeploymentSnapshot(await states.AfterAsync<Deployment>(e, ct)), e.Timestamp)];
            case DeploymentStarted:
                return [new V1.DeploymentStarted(e.StreamId, e.Version, DeploymentSnapshot(await states.AfterAsync<Deployment>(e, ct)), e.Timestamp)];
            case DeploymentExtended extended:
                return [new V1.DeploymentExtended(e.StreamId, e.Version, DeploymentSnapshot(await states.AfterAsync<Deployment>(e, ct)), extended.PreviousEndDate, e.Timestamp)];
            case DeploymentCompleted:
                return [new V1.DeploymentCompleted(e.StreamId, e.Version, DeploymentSnapshot(await states.AfterAsync<Deployment>(e, ct)), e.Timestamp)];
            case DeploymentEvaluated evaluated:
                return [new V1.DeploymentEvaluated(e.StreamId, e.Version, DeploymentSnapshot(await states.AfterAsync<Deployment>(e, ct)), evaluated.Rating, e.Timestamp)];
            case DeploymentCancelled cancelled:
                return [new V1.DeploymentCancelled(e.StreamId, e.Version, DeploymentSnapshot(await states.AfterAsync<Deployment>(e, ct)), cancelled.Reason, e.Timestamp)];

            default:
                return [];
        }
    }

    public static V1.ProjectSnapshot ProjectSnapshot(Project p) => new(
        p.Details.Title, p.Details.Funder, p.Details.Implementers, p.Details.BeneficiaryCountries, p.Details.Themes, p.Details.Pillars,
        p.Details.BudgetEur, p.Details.StartDate, p.Details.EndDate, p.Details.Status.Slug(), p.Source);

    public static V1.ExpertiseRequestSnapshot RequestSnapshot(ExpertiseRequest r)
    {
        var d = r.Details;
        return new V1.ExpertiseRequestSnapshot(d.ProjectId, d.Requester, d.ActivityType, d.Title, d.Roles, d.Languages, d.Country, d.Remote,
            d.StartDate, d.EndDate, d.ApplicationDeadline, d.ExpertsNeeded, d.Themes);
    }

    public static V1.DeploymentSnapshot DeploymentSnapshot(Deployment d) =>
        new(d.RequestId, d.ProjectId, d.ExpertId, d.Country, d.Roles, d.Themes, d.StartDate, d.EndDate, d.Status.Slug());
}
