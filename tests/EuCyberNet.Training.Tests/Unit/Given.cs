using System.Reflection;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;
using JasperFx.Events;

namespace EuCyberNet.Training.Tests.Unit;

/// <summary>
/// Folds events into an aggregate the way Marten's conventions do (public static <c>Create</c> and
/// <c>Apply</c>), without a database: "given these events".
/// </summary>
public static class Given
{
    public static readonly DateOnly Today = new(2027, 3, 1);

    public static T Fold<T>(Guid id, params object[] events) where T : class
    {
        T? state = null;
        foreach (var e in events) state = state is null ? Create<T>(id, e) : Apply(state, e);
        return state ?? throw new ArgumentException("No events", nameof(events));
    }

    public static T Apply<T>(T state, object e) where T : class
    {
        var apply = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static)
                        .SingleOrDefault(m => m.Name == "Apply" && m.GetParameters() is [var p, _] && p.ParameterType == e.GetType())
                    ?? throw new InvalidOperationException($"{typeof(T).Name} has no public static Apply({e.GetType().Name}, {typeof(T).Name})");
        var next = (T)apply.Invoke(null, [e, state])!;
        return next is IAggregate ? WithVersion(next, Version(state) + 1) : next;
    }

    /// <summary>The session after a ledger decision's session events.</summary>
    public static TrainingSession With(this TrainingSession session, LedgerChange change) =>
        change.SessionEvents.Aggregate(session, Apply);

    /// <summary>A session of <paramref name="capacity"/> seats starting 30 days after <see cref="Today"/>, open unless told.</summary>
    public static TrainingSession Session(int capacity = 2, bool open = true, DateOnly? start = null)
    {
        var starts = start ?? Today.AddDays(30);
        var scheduled = new SessionScheduled(Guid.NewGuid(), "Incident handling", CourseFormat.Classroom, "en",
            [EcsfRole.CyberIncidentResponder], [CcbTheme.IncidentManagementAndCip], starts, starts.AddDays(2), "KE", "Nairobi", false,
            capacity, starts.AddDays(-7));
        return open ? Fold<TrainingSession>(Guid.NewGuid(), scheduled, new SessionOpenedForEnrolment()) : Fold<TrainingSession>(Guid.NewGuid(), scheduled);
    }

    public static Nomination External(string email = "amina@ke-cirt.go.ke") =>
        new(Guid.NewGuid(), null, new ExternalParticipant("Amina Otieno", email, "KE"), EnrolmentRules.EmailKey(email));

    public static Nomination Expert(Guid? expertId = null)
    {
        var id = expertId ?? Guid.NewGuid();
        return new Nomination(Guid.NewGuid(), id, null, EnrolmentRules.ExpertKey(id));
    }

    public static EnrolmentFacts Facts(string? expertStatus = "accepted", IReadOnlyCollection<Guid>? required = null,
        IReadOnlyCollection<Guid>? completed = null, DateOnly? today = null) =>
        new(today ?? Today, expertStatus, required ?? [], completed ?? []);

    /// <summary>Enrols each nomination in turn, as the service would one after the other.</summary>
    public static TrainingSession Enrolled(this TrainingSession session, params Nomination[] nominations) =>
        nominations.Aggregate(session, (s, n) =>
        {
            var change = EnrolmentRules.Enrol(s, n, Facts(today: s.EnrolmentDeadline));
            Assert.Null(change.Error);
            return s.With(change);
        });

    /// <summary>The enrolment of <paramref name="n"/> folded from a ledger decision's events for it.</summary>
    public static Enrolment EnrolmentOf(Nomination n, LedgerChange change) =>
        Fold<Enrolment>(n.EnrolmentId, [.. change.EnrolmentEvents.Where(e => e.EnrolmentId == n.EnrolmentId).Select(e => e.Event)]);

    public static Enrolment Enrolment(EnrolmentStatus status, Guid? sessionId = null)
    {
        var nominated = new ParticipantNominated(sessionId ?? Guid.NewGuid(), Guid.NewGuid(), "Incident handling", [EcsfRole.CyberIncidentResponder],
            Today.AddDays(30), Today.AddDays(32), Guid.NewGuid(), null);
        object[] path = status switch
        {
            EnrolmentStatus.Nominated => [],
            EnrolmentStatus.Confirmed => [new EnrolmentConfirmed(false)],
            EnrolmentStatus.Waitlisted => [new EnrolmentWaitlisted(1)],
            EnrolmentStatus.Cancelled => [new EnrolmentConfirmed(false), new EnrolmentCancelled("r", CancellationCause.Request)],
            EnrolmentStatus.Attended => [new EnrolmentConfirmed(false), new ParticipantAttended()],
            EnrolmentStatus.NoShow => [new EnrolmentConfirmed(false), new ParticipantNoShow()],
            EnrolmentStatus.Completed => [new EnrolmentConfirmed(false), new ParticipantAttended(), new EnrolmentCompleted(Today)],
            EnrolmentStatus.CertificateIssued => [new EnrolmentConfirmed(false), new ParticipantAttended(), new EnrolmentCompleted(Today),
                new CertificateIssued("EUCN-2027-00000-00000-0", Today)],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        return Fold<Enrolment>(Guid.NewGuid(), [nominated, .. path]);
    }

    private static T Create<T>(Guid id, object e) where T : class
    {
        var create = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == "Create");
        var parameter = create.GetParameters().Single().ParameterType;
        object argument = e;
        if (parameter.IsGenericType && parameter.GetGenericTypeDefinition() == typeof(IEvent<>))
        {
            var wrapped = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(e.GetType()), e)!;
            wrapped.StreamId = id;
            wrapped.Version = 1;
            argument = wrapped;
        }
        var created = (T)create.Invoke(null, [argument])!;
        return created is IAggregate ? WithVersion(created, 1) : created;
    }

    private static long Version<T>(T state) => state is IAggregate a ? a.Version : 0;

    private static T WithVersion<T>(T state, long version)
    {
        // Marten sets Version after folding; records expose it as an init-only property.
        var copy = (T)state!.GetType().GetMethod("<Clone>$")!.Invoke(state, null)!;
        copy.GetType().GetProperty(nameof(IAggregate.Version))!.SetValue(copy, version);
        return copy;
    }
}
