namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// An event-sourced aggregate: a small immutable record with public static <c>Create</c>/<c>Apply</c>
/// methods. Marten sets <see cref="Version"/> to the stream version after folding the events.
/// </summary>
public interface IAggregate
{
    Guid Id { get; }

    long Version { get; }
}
