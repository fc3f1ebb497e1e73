using System.Net;
using System.Net.Http.Json;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Testing;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Service;

[Collection(TrainingServiceGroup.Name)]
public sealed class SessionApiTests(TrainingFixture fixture)
{
    private readonly TrainingApi _api = new(fixture.Client(), fixture.Clock);

    [Fact]
    public async Task A_session_is_scheduled_opened_delivered_and_closed_and_each_step_is_published()
    {
        var course = await _api.AddCourseAsync("Incident handling, Nairobi edition");
        var scheduled = await _api.ScheduleAsync(course.Id, capacity: 12, startsInDays: 20, open: false);
        Assert.Equal((SessionStatus.Scheduled, course.Title, 12, 0), (scheduled.Status, scheduled.CourseTitle, scheduled.Capacity, scheduled.SeatsTaken));

        var opened = await TrainingApi.OkAsync<SessionView>(await _api.PostAsync($"/training-sessions/{scheduled.Id}/open", ifMatch: "\"1\""));
        await _api.EnrolledAsync(_api.EnrolExternalAsync(opened.Id));
        fixture.Clock.Advance(TimeSpan.FromDays(21));
        var delivered = await TrainingApi.OkAsync<SessionView>(await _api.PostAsync($"/training-sessions/{scheduled.Id}/deliver"));
        var closed = await TrainingApi.OkAsync<SessionView>(await _api.PostAsync($"/training-sessions/{scheduled.Id}/close"));

        Assert.Equal(SessionStatus.OpenForEnrolment, opened.Status);
        Assert.Equal((SessionStatus.Delivered, 1), (delivered.Status, delivered.SeatsTaken));
        Assert.Equal(SessionStatus.Closed, closed.Status);
        var announced = await fixture.ArrivedAsync<Contracts.Training.V1.TrainingSessionScheduled>(m => m.SessionId == scheduled.Id, "TrainingSessionScheduled");
        Assert.Equal((course.Id, "KE", 12, "scheduled"), (announced.Session.CourseId, announced.Session.Country, announced.Session.Capacity, announced.Session.Status));
        var last = await fixture.ArrivedAsync<Contracts.Training.V1.TrainingSessionUpdated>(m => m.SessionId == scheduled.Id && m.Session.Status == "closed", "closed session");
        Assert.Equal((closed.Version, 1), (last.Version, last.Session.SeatsTaken));
        // Each snapshot describes the session as of its own event, not as it is now (closed).
        var updates = await Eventually.ReturnsAsync(
            () => Task.FromResult(fixture.PublishedOf<Contracts.Training.V1.TrainingSessionUpdated>().Where(m => m.SessionId == scheduled.Id).OrderBy(m => m.Version).ToList()),
            found => found.Count >= 4, what: "every update of the session");
        Assert.Equal([(2L, "open-for-enrolment", 0), (3L, "open-for-enrolment", 1), (4L, "delivered", 1), (5L, "closed", 1)],
            updates.Select(m => (m.Version, m.Session.Status, m.Session.SeatsTaken)));
    }

    [Fact]
    public async Task A_bad_session_lists_every_bad_field_and_writes_nothing()
    {
        var before = await fixture.EventsAsync("session_scheduled");

        var response = await _api.Http.PostAsJsonAsync("/training-sessions", new
        {
            courseId = Guid.NewGuid(), startDate = "2020-01-01", endDate = "2019-12-31", country = "XX", capacity = 0, enrolmentDeadline = "31/12/2019",
        });

        Assert.Equal(["capacity", "city", "country", "courseId", "endDate", "enrolmentDeadline", "startDate"], await TrainingApi.BadFieldsAsync(response));
        var unknownCourse = await _api.Http.PostAsJsonAsync("/training-sessions", new
        {
            courseId = Guid.NewGuid(), startDate = TrainingApi.Date(fixture.Clock.Today.AddDays(30)), endDate = TrainingApi.Date(fixture.Clock.Today.AddDays(31)),
            online = true, capacity = 10, enrolmentDeadline = TrainingApi.Date(fixture.Clock.Today.AddDays(20)),
        });
        Assert.Equal(["courseId"], await TrainingApi.BadFieldsAsync(unknownCourse));
        Assert.Equal(before, await fixture.EventsAsync("session_scheduled"));
    }

    [Fact]
    public async Task Lifecycle_commands_in_the_wrong_state_are_conflicts_naming_the_state_and_stale_versions_are_refused()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id, open: false);

        Assert.Equal(("scheduled", "invalid-transition"), await TrainingApi.ConflictAsync(await _api.PostAsync($"/training-sessions/{session.Id}/deliver")));
        Assert.Equal(("scheduled", "invalid-transition"), await TrainingApi.ConflictAsync(await _api.PostAsync($"/training-sessions/{session.Id}/close")));
        Assert.Equal(("scheduled", "invalid-transition"), await TrainingApi.ConflictAsync(await _api.EnrolExternalAsync(session.Id)));
        await _api.PostAsync($"/training-sessions/{session.Id}/open");
        Assert.Equal(("open-for-enrolment", "session-not-started"),
            await TrainingApi.ConflictAsync(await _api.PostAsync($"/training-sessions/{session.Id}/deliver")));

        var stale = await _api.PostAsync($"/training-sessions/{session.Id}/cancel", new { reason = "Trainer ill" }, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(0, await fixture.EventsAsync("session_cancelled", session.Id));
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.PostAsync($"/training-sessions/{session.Id}/open", ifMatch: "\"v2\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync($"/training-sessions/{Guid.NewGuid()}/open")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.GetAsync($"/training-sessions/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_session_needs_a_reason_and_cancels_every_enrolment_with_events()
    {
        var course = await _api.AddCourseAsync();
        var session = await _api.ScheduleAsync(course.Id, capacity: 2);
        var enrolments = new List<EnrolmentView>();
        for (var i = 0; i < 3; i++) enrolments.Add(await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id)));

        Assert.Equal(["reason"], await TrainingApi.BadFieldsAsync(await _api.PostAsync($"/training-sessions/{session.Id}/cancel")));
        var cancelled = await TrainingApi.OkAsync<SessionView>(await _api.PostAsync($"/training-sessions/{session.Id}/cancel", new { reason = "Venue unavailable" }));

        Assert.Equal((SessionStatus.Cancelled, "Venue unavailable", 0), (cancelled.Status, cancelled.CancellationReason, cancelled.SeatsTaken));
        foreach (var enrolment in enrolments)
        {
            var now = await _api.EnrolmentAsync(enrolment.Id);
            Assert.Equal(EnrolmentStatus.Cancelled, now.Status);
            Assert.Contains("Venue unavailable", now.CancellationReason, StringComparison.Ordinal);
            var announced = await fixture.ArrivedAsync<Contracts.Training.V1.EnrolmentCancelled>(m => m.EnrolmentId == enrolment.Id, "EnrolmentCancelled");
            Assert.Equal((session.Id, (Guid?)null), (announced.SessionId, announced.ExpertId));
        }
        var sessionCancelled = await fixture.ArrivedAsync<Contracts.Training.V1.TrainingSessionCancelled>(m => m.SessionId == session.Id, "TrainingSessionCancelled");
        Assert.Equal(("Venue unavailable", "cancelled"), (sessionCancelled.Reason, sessionCancelled.Session.Status));
        Assert.Equal(("cancelled", "invalid-transition"), await TrainingApi.ConflictAsync(await _api.PostAsync($"/training-sessions/{session.Id}/open")));
    }

    [Fact]
    public async Task Sessions_are_listed_by_course_status_role_country_and_period()
    {
        var course = await _api.AddCourseAsync("Listed course", roles: ["penetration-tester"]);
        var near = await _api.ScheduleAsync(course.Id, startsInDays: 15);
        var far = await _api.ScheduleAsync(course.Id, startsInDays: 60, open: false, country: null);

        async Task<IReadOnlyList<Guid>> List(string query) =>
            [.. (await _api.GetAsync<Page<SessionView>>($"/training-sessions?courseId={course.Id}&{query}")).Items.Select(s => s.Id)];

        Assert.Equal([near.Id, far.Id], await List("role=penetration-tester"));
        Assert.Equal([far.Id], await List("status=scheduled"));
        Assert.Equal([near.Id], await List("status=open-for-enrolment&country=ke"));
        Assert.Equal([far.Id], await List("online=true"));
        Assert.Equal([near.Id], await List($"to={TrainingApi.Date(fixture.Clock.Today.AddDays(30))}"));
        Assert.Equal([far.Id], await List($"from={TrainingApi.Date(fixture.Clock.Today.AddDays(40))}"));
        Assert.Equal(["from", "status"], await TrainingApi.BadFieldsAsync(await _api.Http.GetAsync("/training-sessions?status=running&from=tomorrow")));
    }
}
