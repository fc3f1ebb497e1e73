namespace EuCyberNet.Training.Tests.Service;

[Collection(TrainingServiceGroup.Name)]
public sealed class SmokeTests(TrainingFixture fixture)
{
    [Fact]
    public async Task A_course_a_session_and_an_enrolment()
    {
        var api = new TrainingApi(fixture.Client(), fixture.Clock);
        var course = await api.AddCourseAsync();
        var session = await api.ScheduleAsync(course.Id, capacity: 1);
        var first = await api.EnrolledAsync(api.EnrolExternalAsync(session.Id));
        var second = await api.EnrolledAsync(api.EnrolExternalAsync(session.Id));
        Assert.Equal(Enrolments.EnrolmentStatus.Confirmed, first.Status);
        Assert.Equal(Enrolments.EnrolmentStatus.Waitlisted, second.Status);
        Assert.Equal(1, second.WaitlistPosition);
        var history = await api.HistoryAsync($"/training-sessions/{session.Id}");
        Assert.Equal(["SessionScheduled", "SessionOpenedForEnrolment", "SeatAllocated", "WaitlistJoined"], history.Select(h => h.Type));
    }
}
