namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>Instants as PostgreSQL keeps them.</summary>
public static class StoredTime
{
    /// <summary>
    /// <paramref name="instant"/> cut to the microseconds PostgreSQL stores (Npgsql truncates the .NET
    /// ticks below). An event's timestamp in memory at append time has 100 ns ticks; the same event
    /// read back has microseconds. Whatever is built from the events in memory and must read the same
    /// as what is built from the stored events (inline snapshots, the relay's prompt path) uses this.
    /// </summary>
    public static DateTimeOffset Of(DateTimeOffset instant) => new(instant.Ticks - instant.Ticks % 10, instant.Offset);
}
