using JasperFx.Events;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// Told, right after a transaction of <see cref="CommandGroupCommit"/> commits, of the events it
/// wrote, in the order they were appended. It is called on the writer's loop, so it must return at
/// once and never throw; the events are durable when it is called. Nothing may depend on being told:
/// a crash between the commit and the call loses the call, never the events. They are the objects the
/// transaction wrote: their timestamps keep .NET's 100 ns ticks, where the stored events have
/// microseconds (<see cref="StoredTime"/>).
/// </summary>
public interface ICommittedEvents
{
    void Committed(IReadOnlyList<IEvent> events);
}
