using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Training.Enrolments;

public enum EnrolmentStatus
{
    Nominated = 1,
    Confirmed,
    Waitlisted,
    Attended,
    NoShow,
    Completed,
    CertificateIssued,
    Cancelled,
}

/// <summary>One person's enrolment in one session (an inline snapshot).</summary>
public sealed record Enrolment(
    Guid Id,
    Guid SessionId,
    Guid CourseId,
    string CourseTitle,
    IReadOnlyList<EcsfRole> Roles,
    DateOnly SessionStartDate,
    DateOnly SessionEndDate,
    Guid? ExpertId,
    ExternalParticipant? Participant,
    EnrolmentStatus Status,
    string? CancellationReason,
    DateOnly? CompletedOn,
    string? CertificateNumber,
    DateOnly? CertificateIssuedOn) : IAggregate
{
    public long Version { get; init; }

    public static Enrolment Create(IEvent<ParticipantNominated> e)
    {
        var n = e.Data;
        return new Enrolment(e.StreamId, n.SessionId, n.CourseId, n.CourseTitle, n.Roles, n.SessionStartDate, n.SessionEndDate,
            n.ExpertId, n.Participant, EnrolmentStatus.Nominated, null, null, null, null);
    }

    public static Enrolment Apply(EnrolmentConfirmed _, Enrolment e) => e with { Status = EnrolmentStatus.Confirmed };

    public static Enrolment Apply(EnrolmentWaitlisted _, Enrolment e) => e with { Status = EnrolmentStatus.Waitlisted };

    public static Enrolment Apply(EnrolmentCancelled c, Enrolment e) => e with { Status = EnrolmentStatus.Cancelled, CancellationReason = c.Reason };

    public static Enrolment Apply(ParticipantAttended _, Enrolment e) => e with { Status = EnrolmentStatus.Attended };

    public static Enrolment Apply(ParticipantNoShow _, Enrolment e) => e with { Status = EnrolmentStatus.NoShow };

    public static Enrolment Apply(EnrolmentCompleted c, Enrolment e) => e with { Status = EnrolmentStatus.Completed, CompletedOn = c.CompletedOn };

    public static Enrolment Apply(CertificateIssued c, Enrolment e) =>
        e with { Status = EnrolmentStatus.CertificateIssued, CertificateNumber = c.CertificateNumber, CertificateIssuedOn = c.IssuedOn };
}
