using System.Reflection;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Projects.Tests.Unit;

/// <summary>An event as said by someone (the user Marten would record).</summary>
public sealed record By(string User, object Event);

/// <summary>
/// Folds events into an aggregate the way Marten does (public static Create/Apply, with or without
/// the IEvent wrapper), so that domain tests read "given these events, when this command, then…".
/// </summary>
public static class Given
{
    public static readonly DateTimeOffset Start = new(2027, 1, 10, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2027, 1, 10);
    public const string Officer = "olga.officer";
    public const string Coordinator = "carla.coordinator";

    public static T Fold<T>(Guid id, params object[] events) where T : class, IAggregate
    {
        T? state = null;
        var version = 0L;
        foreach (var item in events)
        {
            var (user, said) = item is By by ? (by.User, by.Event) : (Officer, item);
            var data = AsRecorded(said);
            version++;
            var wrapper = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
            wrapper.StreamId = id;
            wrapper.Version = version;
            wrapper.Timestamp = Start.AddMinutes(version);
            wrapper.UserName = user;
            state = state is null ? Invoke<T>("Create", wrapper, data, null) : Invoke<T>("Apply", wrapper, data, state);
        }
        typeof(T).GetProperty(nameof(IAggregate.Version))!.SetValue(state, version);
        return state ?? throw new InvalidOperationException("No events.");
    }

    /// <summary>What the consumers record for an Experts contract event (its standing and when), as in the service.</summary>
    private static object AsRecorded(object data) => data switch
    {
        EuCyberNet.Contracts.Experts.V1.ExpertJoinedPool e => ExpertStandingHeard.From(e),
        EuCyberNet.Contracts.Experts.V1.ExpertStatusChanged e => ExpertStandingHeard.From(e),
        EuCyberNet.Contracts.Experts.V1.ExpertSuspended e => ExpertStandingHeard.From(e),
        EuCyberNet.Contracts.Experts.V1.ExpertReinstated e => ExpertStandingHeard.From(e),
        EuCyberNet.Contracts.Experts.V1.ExpertLeftPool e => ExpertStandingHeard.From(e),
        _ => data,
    };

    private static T Invoke<T>(string name, IEvent wrapper, object data, T? state) where T : class
    {
        var wrapped = typeof(IEvent<>).MakeGenericType(data.GetType());
        foreach (var method in typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name))
        {
            var parameters = method.GetParameters();
            if (parameters[0].ParameterType == data.GetType())
                return (T)method.Invoke(null, state is null ? [data] : [data, state])!;
            if (parameters[0].ParameterType == wrapped)
                return (T)method.Invoke(null, state is null ? [wrapper] : [wrapper, state])!;
        }
        throw new InvalidOperationException($"{typeof(T).Name} has no {name} for {data.GetType().Name}.");
    }

    public static RequestDetails Details(int expertsNeeded = 2, DateOnly? deadline = null, DateOnly? start = null, DateOnly? end = null) => new(
        ProjectId: null,
        Requester: "EU Delegation to Moldova",
        ActivityType: ActivityType.AdvisoryMission,
        Title: "CSIRT maturity assessment",
        Tasks: "Assess the national CSIRT against SIM3 and recommend a roadmap.",
        Roles: [EcsfRole.CyberIncidentResponder],
        Skills: ["SIM3"],
        Languages: ["en", "ro"],
        Themes: [CcbTheme.IncidentManagementAndCip],
        Country: "MD",
        Remote: false,
        StartDate: start ?? new DateOnly(2027, 3, 1),
        EndDate: end ?? new DateOnly(2027, 3, 12),
        ApplicationDeadline: deadline ?? new DateOnly(2027, 2, 1),
        Paid: true,
        Travel: true,
        ExpertsNeeded: expertsNeeded);

    public static readonly Guid RequestId = new("0191c0de-0000-7000-8000-000000000001");

    public static object[] PublishedEvents(RequestDetails? details = null) =>
    [
        new ExpertiseRequestDrafted(details ?? Details()),
        new ExpertiseRequestSubmitted(null),
        new By(Coordinator, new ExpertiseRequestApproved("fits the EU's cooperation plan")),
    ];

    public static ExpertiseRequest Request(params object[] events) => Fold<ExpertiseRequest>(RequestId, events);

    public static ExpertiseRequest Published(RequestDetails? details = null, params object[] more) =>
        Request([.. PublishedEvents(details), .. more]);

    public static KnownExpert Accepted(Guid expertId, params object[] more) =>
        Fold<KnownExpert>(expertId, [new EuCyberNet.Contracts.Experts.V1.ExpertJoinedPool(expertId, "SI", [EcsfRole.CyberIncidentResponder], [], Start), .. more]);

    public static KnownExpert Suspended(Guid expertId) =>
        Accepted(expertId, new EuCyberNet.Contracts.Experts.V1.ExpertSuspended(expertId, Start.AddDays(1)));

    public static Deployment PlannedDeployment(Guid expertId, params object[] more)
    {
        var d = Details();
        return Fold<Deployment>(Guid.NewGuid(),
        [
            new By(Officer, new DeploymentPlanned(RequestId, null, expertId, d.Requester, d.ActivityType, d.Title, d.Country, d.Remote, d.Roles,
                d.Themes, d.StartDate, d.EndDate, "rita.requester", Start, Coordinator, Start.AddMinutes(5), "best SIM3 experience")),
            .. more,
        ]);
    }
}
