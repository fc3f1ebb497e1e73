using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;
using EuCyberNet.Training.TrainingRequests;
using JasperFx.Events;
using Integration = EuCyberNet.Contracts.Training.V1;

namespace EuCyberNet.Training;

/// <summary>
/// What the rest of the network hears about training: sessions (as snapshots as of each change),
/// confirmed and cancelled enrolments, completed trainings and training requests approved,
/// scheduled and delivered. Ids and vocabularies only: an external participant's name and e-mail
/// never leave the service (their enrolments travel with ExpertId = null), nor does the ledger's
/// participant key. Snapshots are read as the aggregate stood right after the event, so a
/// re-published message says exactly what it said the first time.
/// </summary>
public sealed class TrainingIntegrationEvents : IStatefulIntegrationEventMapper
{
    public async Task<IReadOnlyList<IIntegrationEvent>> MapAsync(IEvent domainEvent, IStreamStates states, CancellationToken ct)
    {
        var e = domainEvent;
        switch (e.Data)
        {
            case SessionScheduled:
                return [new Integration.TrainingSessionScheduled(e.StreamId, e.Version, Snapshot(await states.AfterAsync<TrainingSession>(e, ct)), e.Timestamp)];
            case SessionOpenedForEnrolment or SeatAllocated or SeatReleased or WaitlistPromoted or SessionDelivered or SessionClosed:
                return [new Integration.TrainingSessionUpdated(e.StreamId, e.Version, Snapshot(await states.AfterAsync<TrainingSession>(e, ct)), e.Timestamp)];
            case SessionCancelled cancelled:
                return [new Integration.TrainingSessionCancelled(e.StreamId, e.Version, Snapshot(await states.AfterAsync<TrainingSession>(e, ct)),
                    cancelled.Reason, e.Timestamp)];

            case EnrolmentConfirmed:
            {
                var enrolment = await states.AfterAsync<Enrolment>(e, ct);
                return [new Integration.EnrolmentConfirmed(e.StreamId, enrolment.SessionId, enrolment.ExpertId, e.Timestamp)];
            }
            case EnrolmentCancelled cancelled:
            {
                var enrolment = await states.AfterAsync<Enrolment>(e, ct);
                return [new Integration.EnrolmentCancelled(e.StreamId, enrolment.SessionId, enrolment.ExpertId, cancelled.Reason, e.Timestamp)];
            }
            case EnrolmentCompleted:
                return [Completed(await states.AfterAsync<Enrolment>(e, ct), e, certificateNumber: null)];
            case CertificateIssued issued:
                return [Completed(await states.AfterAsync<Enrolment>(e, ct), e, issued.CertificateNumber)];

            case TrainingRequestApproved:
                return [new Integration.TrainingRequestApproved(e.StreamId, e.Version, Snapshot(await states.AfterAsync<TrainingRequest>(e, ct)), e.Timestamp)];
            case TrainingRequestScheduled:
                return [new Integration.TrainingRequestScheduled(e.StreamId, e.Version, Snapshot(await states.AfterAsync<TrainingRequest>(e, ct)), e.Timestamp)];
            case TrainingRequestDelivered:
                return [new Integration.TrainingRequestDelivered(e.StreamId, e.Version, Snapshot(await states.AfterAsync<TrainingRequest>(e, ct)), e.Timestamp)];

            default:
                return [];
        }
    }

    public static Integration.TrainingSessionSnapshot Snapshot(TrainingSession s) => new(
        s.CourseId, s.CourseTitle, s.Format, s.Language, s.Roles, s.Themes, s.Country, s.City, s.Online, s.StartDate, s.EndDate,
        s.Capacity, s.Seats.Count, s.Status.Slug());

    public static Integration.TrainingRequestSnapshot Snapshot(TrainingRequest r) => new(
        r.Requester, r.BeneficiaryCountry, r.Topic, r.Roles, r.Themes, r.AudienceSize, r.PreferredFrom, r.PreferredTo, r.SessionId, r.Status.Slug());

    private static Integration.TrainingCompleted Completed(Enrolment enrolment, IEvent e, string? certificateNumber) => new(
        e.StreamId, enrolment.SessionId, enrolment.CourseId, enrolment.CourseTitle, enrolment.ExpertId, enrolment.Roles, certificateNumber,
        e.Timestamp, e.Version);
}
