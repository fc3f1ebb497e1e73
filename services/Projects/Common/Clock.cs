namespace EuCyberNet.Projects.Common;

public static class Clock
{
    /// <summary>Today's date in UTC: deadlines are calendar days, and a deadline day ends at midnight UTC.</summary>
    public static DateOnly Today(this TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}

/// <summary>An optional reason given with a command (shown in history).</summary>
public sealed record ReasonBody(string? Reason);
