namespace EuCyberNet.Contracts;

/// <summary>
/// A fact one service publishes for the others. Integration events are immutable records in
/// versioned namespaces (<c>EuCyberNet.Contracts.{Service}.V{n}</c>); a breaking change is a new
/// record in a new version namespace, never an edit. They carry ids and vocabulary values only:
/// no names, e-mails or other personal data ever leave the service that owns them.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>What the event is about, as <c>{kind}/{id}</c> (see <see cref="Subjects"/>).</summary>
    string Subject { get; }

    /// <summary>When the fact happened in the publishing service (its event store timestamp).</summary>
    DateTimeOffset OccurredAt { get; }
}

/// <summary>Subject names shared by every service: the key of Coordination's timeline.</summary>
public static class Subjects
{
    public static string Expert(Guid id) => $"expert/{id}";
    public static string Project(Guid id) => $"project/{id}";
    public static string ExpertiseRequest(Guid id) => $"expertise-request/{id}";
    public static string Deployment(Guid id) => $"deployment/{id}";
    public static string TrainingSession(Guid id) => $"training-session/{id}";
    public static string TrainingRequest(Guid id) => $"training-request/{id}";
    public static string Enrolment(Guid id) => $"enrolment/{id}";
    public static string OverlapAlert(Guid id) => $"overlap/{id}";

    /// <summary>Splits <c>kind/id</c>; false when the text is not a subject.</summary>
    public static bool TryParse(string? subject, out string kind, out Guid id)
    {
        kind = "";
        id = Guid.Empty;
        var slash = subject?.IndexOf('/') ?? -1;
        if (slash <= 0 || !Guid.TryParse(subject.AsSpan(slash + 1), out id)) return false;
        kind = subject![..slash];
        return true;
    }
}
