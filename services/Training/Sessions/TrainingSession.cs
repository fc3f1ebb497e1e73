using System.Text.Json.Serialization;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Training.Sessions;

public enum SessionStatus
{
    Scheduled = 1,
    OpenForEnrolment,
    Full,
    Delivered,
    Closed,
    Cancelled,
}

/// <summary>A seat or a place on the waitlist: the enrolment that holds it and who it is for.</summary>
public sealed record Place(Guid EnrolmentId, string ParticipantKey, Guid? ExpertId);

/// <summary>
/// A session of a course and its seat ledger: <see cref="Seats"/> (confirmed, in allocation order)
/// and <see cref="Waitlist"/> (in the order the enrolments were accepted). An inline snapshot.
/// </summary>
public sealed record TrainingSession(
    Guid Id,
    Guid CourseId,
    string CourseTitle,
    CourseFormat Format,
    string Language,
    IReadOnlyList<EcsfRole> Roles,
    IReadOnlyList<CcbTheme> Themes,
    DateOnly StartDate,
    DateOnly EndDate,
    string? Country,
    string? City,
    bool Online,
    int Capacity,
    DateOnly EnrolmentDeadline,
    SessionStatus Status,
    IReadOnlyList<Place> Seats,
    IReadOnlyList<Place> Waitlist,
    string? CancellationReason) : IAggregate
{
    public long Version { get; init; }

    [JsonIgnore]
    public bool IsOpen => Status is SessionStatus.OpenForEnrolment or SessionStatus.Full;

    [JsonIgnore]
    public bool HasFreeSeat => Seats.Count < Capacity;

    public bool Holds(Guid enrolmentId) => Seats.Any(p => p.EnrolmentId == enrolmentId) || Waitlist.Any(p => p.EnrolmentId == enrolmentId);

    public static TrainingSession Create(IEvent<SessionScheduled> e)
    {
        var s = e.Data;
        return new TrainingSession(e.StreamId, s.CourseId, s.CourseTitle, s.Format, s.Language, s.Roles, s.Themes, s.StartDate, s.EndDate,
            s.Country, s.City, s.Online, s.Capacity, s.EnrolmentDeadline, SessionStatus.Scheduled, [], [], null);
    }

    public static TrainingSession Apply(SessionOpenedForEnrolment _, TrainingSession s) =>
        s with { Status = s.HasFreeSeat ? SessionStatus.OpenForEnrolment : SessionStatus.Full };

    public static TrainingSession Apply(SessionDelivered _, TrainingSession s) => s with { Status = SessionStatus.Delivered };

    public static TrainingSession Apply(SessionClosed _, TrainingSession s) => s with { Status = SessionStatus.Closed };

    public static TrainingSession Apply(SessionCancelled e, TrainingSession s) =>
        s with { Status = SessionStatus.Cancelled, CancellationReason = e.Reason, Seats = [], Waitlist = [] };

    public static TrainingSession Apply(SeatAllocated e, TrainingSession s) =>
        Seated(s with { Seats = [.. s.Seats, new Place(e.EnrolmentId, e.ParticipantKey, e.ExpertId)] });

    public static TrainingSession Apply(WaitlistJoined e, TrainingSession s) =>
        s with { Waitlist = [.. s.Waitlist, new Place(e.EnrolmentId, e.ParticipantKey, e.ExpertId)] };

    public static TrainingSession Apply(SeatReleased e, TrainingSession s) =>
        Seated(s with { Seats = [.. s.Seats.Where(p => p.EnrolmentId != e.EnrolmentId)] });

    public static TrainingSession Apply(WaitlistLeft e, TrainingSession s) =>
        s with { Waitlist = [.. s.Waitlist.Where(p => p.EnrolmentId != e.EnrolmentId)] };

    public static TrainingSession Apply(WaitlistPromoted e, TrainingSession s)
    {
        var promoted = s.Waitlist.Single(p => p.EnrolmentId == e.EnrolmentId);
        return Seated(s with { Seats = [.. s.Seats, promoted], Waitlist = [.. s.Waitlist.Where(p => p.EnrolmentId != e.EnrolmentId)] });
    }

    /// <summary>
    /// The seat events of the ledger, applied in memory: decisions that release a seat and then
    /// promote from the waitlist decide the second step on the state the first one left.
    /// </summary>
    internal TrainingSession After(object seatEvent) => seatEvent switch
    {
        SeatAllocated e => Apply(e, this),
        WaitlistJoined e => Apply(e, this),
        SeatReleased e => Apply(e, this),
        WaitlistLeft e => Apply(e, this),
        WaitlistPromoted e => Apply(e, this),
        SessionCancelled e => Apply(e, this),
        SessionDelivered e => Apply(e, this),
        _ => throw new ArgumentException($"{seatEvent.GetType().Name} is not a seat ledger event", nameof(seatEvent)),
    };

    /// <summary>Full and open-for-enrolment follow from the seats while enrolment is open.</summary>
    private static TrainingSession Seated(TrainingSession s) => s.Status switch
    {
        SessionStatus.OpenForEnrolment when !s.HasFreeSeat => s with { Status = SessionStatus.Full },
        SessionStatus.Full when s.HasFreeSeat => s with { Status = SessionStatus.OpenForEnrolment },
        _ => s,
    };
}
