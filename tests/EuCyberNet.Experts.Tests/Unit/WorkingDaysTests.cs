using EuCyberNet.Experts.Pool;

namespace EuCyberNet.Experts.Tests.Unit;

public sealed class WorkingDaysTests
{
    private static DateTimeOffset At(int day, int hour) => new(2027, 3, day, hour, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(3, 10, 10, 10)] // Wednesday 10:00 → next Wednesday 10:00
    [InlineData(5, 16, 12, 16)] // Friday → next Friday
    [InlineData(1, 9, 8, 9)]    // Monday → next Monday
    public void Five_working_days_skip_the_weekend(int day, int hour, int dueDay, int dueHour) =>
        Assert.Equal(At(dueDay, dueHour), WorkingDays.Add(At(day, hour), 5));

    [Theory]
    [InlineData(6)] // Saturday
    [InlineData(7)] // Sunday
    public void A_weekend_application_starts_counting_on_Monday(int day) =>
        Assert.Equal(At(15, 0), WorkingDays.Add(At(day, 14), 5)); // Monday the 8th 00:00 + 5 → Monday the 15th 00:00

    [Fact]
    public void Instants_in_other_offsets_count_in_UTC() =>
        Assert.Equal(At(10, 10), WorkingDays.Add(new DateTimeOffset(2027, 3, 3, 11, 0, 0, TimeSpan.FromHours(1)), 5));
}
