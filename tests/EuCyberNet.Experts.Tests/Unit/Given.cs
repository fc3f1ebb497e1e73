using System.Reflection;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Experts.Tests.Unit;

/// <summary>
/// Domain tests read "given these events, when this decision, then these events (or this error)".
/// The aggregate is folded the way Marten folds it: <c>Expert.Create</c> for the first event, then
/// the public static <c>Apply</c> method for each event type (taking the event or <c>IEvent&lt;T&gt;</c>).
/// </summary>
public static class Given
{
    public static readonly Guid ExpertId = new("0195f0a0-0000-7000-8000-000000000001");

    /// <summary>A Wednesday, 10:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2027, 3, 3, 10, 0, 0, TimeSpan.Zero);

    public static ExpertApplied Application(string citizenship = "SI") =>
        new("Ana Novak", "ana.novak@cert.si", citizenship, "SI-CERT", "Incident response in partner countries");

    public static ExpertProfile Profile(params EcsfRole[] roles) => new(
        [new SpokenLanguage("en", LanguageLevel.C1), new SpokenLanguage("sl", LanguageLevel.Native)],
        roles.Length == 0 ? [EcsfRole.CyberIncidentResponder] : roles,
        [new Skill(SkillFamily.Tech, "Incident management", "Incident response")],
        8, "SI-CERT", "Incident handler since 2015");

    public static readonly Window March = new(new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 31), 50);

    /// <summary>The events that bring an expert to <paramref name="status"/> by the usual road.</summary>
    public static object[] RoadTo(ExpertStatus status) => status switch
    {
        ExpertStatus.Applied => [Application()],
        ExpertStatus.Acknowledged => [.. RoadTo(ExpertStatus.Applied), new ExpertAcknowledged(ExpertStatus.Applied, "SI")],
        ExpertStatus.ProfileSubmitted =>
        [
            .. RoadTo(ExpertStatus.Acknowledged),
            new ExpertProfileSubmitted(ExpertStatus.Acknowledged, "SI", Profile()),
            new ExpertConsentGiven(ConsentPurpose.DataProcessing),
            new ExpertAvailabilityDeclared(ExpertStatus.ProfileSubmitted, [March]),
        ],
        ExpertStatus.Accepted =>
        [
            .. RoadTo(ExpertStatus.ProfileSubmitted),
            new ExpertAccepted(ExpertStatus.ProfileSubmitted, "SI", null, Profile().Roles, Profile().Languages, Profile().Skills, 8, [March]),
        ],
        ExpertStatus.Rejected => [.. RoadTo(ExpertStatus.ProfileSubmitted), new ExpertRejected(ExpertStatus.ProfileSubmitted, "SI", "Not a fit")],
        ExpertStatus.Suspended => [.. RoadTo(ExpertStatus.Accepted), new ExpertSuspended(ExpertStatus.Accepted, "SI", "Clearance lapsed")],
        ExpertStatus.Withdrawn => [.. RoadTo(ExpertStatus.Accepted), new ExpertWithdrawn(ExpertStatus.Accepted, "SI", null, true)],
        ExpertStatus.Erased => [.. RoadTo(ExpertStatus.Accepted), new ExpertErased(ExpertStatus.Accepted, "SI", true)],
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static Expert Expert(ExpertStatus status) => Events(RoadTo(status));

    public static Expert Events(params object[] events) => Fold(Wrap(events));

    /// <summary>The events as Marten hands them to the aggregate: one per minute from <see cref="Start"/>.</summary>
    public static IReadOnlyList<IEvent> Wrap(params object[] events) =>
        [.. events.Select((data, i) =>
        {
            var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
            e.StreamId = ExpertId;
            e.Version = i + 1;
            e.Sequence = i + 1;
            e.Timestamp = Start.AddMinutes(i);
            e.Id = Guid.CreateVersion7();
            return e;
        })];

    public static Expert Fold(IEnumerable<IEvent> events)
    {
        Expert? expert = null;
        foreach (var e in events)
        {
            expert = expert is null ? Invoke("Create", e, null) : Invoke("Apply", e, expert);
            expert = expert with { Version = e.Version };
        }
        return expert ?? throw new InvalidOperationException("No events.");
    }

    private static Expert Invoke(string name, IEvent e, Expert? current)
    {
        var wrapped = typeof(IEvent<>).MakeGenericType(e.EventType);
        foreach (var method in typeof(Expert).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name))
        {
            var parameters = method.GetParameters();
            var argument = parameters[0].ParameterType == wrapped ? e : parameters[0].ParameterType == e.EventType ? e.Data : null;
            if (argument is null) continue;
            return (Expert)method.Invoke(null, current is null ? [argument] : [argument, current])!;
        }
        throw new InvalidOperationException($"Expert has no public static {name} for {e.EventType.Name}: Marten would ignore it.");
    }
}

public static class DecisionAssertions
{
    public static T Emits<T>(this Decision decision)
    {
        Assert.Null(decision.Error);
        return Assert.IsType<T>(Assert.Single(decision.Events));
    }

    public static void IsNothing(this Decision decision)
    {
        Assert.Null(decision.Error);
        Assert.Empty(decision.Events);
    }

    public static DomainError IsConflict(this Decision decision, string state, string code = "invalid-transition")
    {
        var error = Assert.IsType<DomainError>(decision.Error);
        Assert.Equal(code, error.Code);
        Assert.Equal(state, error.State);
        Assert.Contains(state, error.Message, StringComparison.Ordinal);
        Assert.Empty(decision.Events);
        return error;
    }
}
