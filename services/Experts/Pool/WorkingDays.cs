namespace EuCyberNet.Experts.Pool;

/// <summary>
/// Working-day arithmetic for the acknowledgement deadline: Monday to Friday in UTC, no public
/// holidays (they differ between Member States; the network has no single calendar).
/// </summary>
public static class WorkingDays
{
    /// <summary>
    /// The instant <paramref name="days"/> working days after <paramref name="start"/>, at the same
    /// time of day; something that starts on a weekend starts counting on Monday at 00:00.
    /// Wednesday 10:00 + 5 → next Wednesday 10:00; Saturday 10:00 + 5 → the Monday after next, 00:00.
    /// </summary>
    public static DateTimeOffset Add(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var at = start.ToUniversalTime();
        while (IsWeekend(at)) at = new DateTimeOffset(at.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        for (var counted = 0; counted < days;)
        {
            at = at.AddDays(1);
            if (!IsWeekend(at)) counted++;
        }
        return at;
    }

    private static bool IsWeekend(DateTimeOffset at) => at.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
