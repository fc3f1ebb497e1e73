using System.Diagnostics.Metrics;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.ExpertFacts;
using EuCyberNet.Training.Sessions;
using Integration = EuCyberNet.Contracts.Training.V1;

namespace EuCyberNet.Training.Tests.Service;

/// <summary>
/// The Experts service's events, published on the real broker exactly as its relay will publish
/// them, change who may enrol; losing eligibility gives up seats in sessions still to come.
/// </summary>
[Collection(TrainingServiceGroup.Name)]
public sealed class ExpertEventsTests(TrainingFixture fixture)
{
    private readonly TrainingApi _api = new(fixture.Client(), fixture.Clock);

    [Fact]
    public async Task A_suspended_expert_loses_future_seats_to_the_waitlist_keeps_a_started_session_and_may_enrol_again_once_reinstated()
    {
        var expertId = await JoinedAsync();
        var course = await _api.AddCourseAsync("Threat hunting");
        var startingSoon = await _api.ScheduleAsync(course.Id, capacity: 5, startsInDays: 8);
        var keptSeat = await _api.EnrolledAsync(_api.EnrolExpertAsync(startingSoon.Id, expertId));
        fixture.Clock.Advance(TimeSpan.FromDays(8)); // that session starts today: it is no longer "future"
        var future = await _api.ScheduleAsync(course.Id, capacity: 1, startsInDays: 30);
        var lostSeat = await _api.EnrolledAsync(_api.EnrolExpertAsync(future.Id, expertId));
        var waiting = await _api.EnrolledAsync(_api.EnrolExternalAsync(future.Id));
        var otherFuture = await _api.ScheduleAsync(course.Id, capacity: 1, startsInDays: 40);
        await _api.EnrolledAsync(_api.EnrolExternalAsync(otherFuture.Id));
        var lostPlace = await _api.EnrolledAsync(_api.EnrolExpertAsync(otherFuture.Id, expertId));

        // As the Experts service announces a suspension: two events of one transaction, one instant.
        var at = DateTimeOffset.UtcNow;
        await fixture.PublishAsExpertsAsync(new ExpertStatusChanged(expertId, "suspended", "accepted", "SI", at));
        await fixture.PublishAsExpertsAsync(new ExpertSuspended(expertId, at));

        var promoted = await Eventually.ReturnsAsync(() => _api.EnrolmentAsync(waiting.Id), e => e.Status == EnrolmentStatus.Confirmed,
            what: "the first waitlisted promoted");
        Assert.Equal(EnrolmentStatus.Cancelled, (await _api.EnrolmentAsync(lostSeat.Id)).Status);
        Assert.Equal(EnrolmentStatus.Cancelled, (await Eventually.ReturnsAsync(() => _api.EnrolmentAsync(lostPlace.Id),
            e => e.Status == EnrolmentStatus.Cancelled, what: "the waitlist place given up")).Status);
        Assert.Equal(EnrolmentStatus.Confirmed, (await _api.EnrolmentAsync(keptSeat.Id)).Status);
        Assert.Equal([promoted.Id], (await _api.SessionAsync(future.Id)).Confirmed);

        var cancellation = (await _api.HistoryAsync($"/enrolments/{lostSeat.Id}"))[^1];
        Assert.Equal("EnrolmentCancelled", cancellation.Type);
        Assert.Contains("suspended", cancellation.Reason, StringComparison.Ordinal);
        Assert.Equal("coordinator.maria", cancellation.User);
        Assert.StartsWith("experts-", cancellation.CorrelationId, StringComparison.Ordinal);
        Assert.Equal(["SeatReleased", "WaitlistPromoted"], (await _api.HistoryAsync($"/training-sessions/{future.Id}")).TakeLast(2).Select(h => h.Type));

        var announcedCancel = await fixture.ArrivedAsync<Integration.EnrolmentCancelled>(m => m.EnrolmentId == lostSeat.Id, "cancellation announced");
        Assert.Equal(expertId, announcedCancel.ExpertId);
        await fixture.ArrivedAsync<Integration.EnrolmentConfirmed>(m => m.EnrolmentId == waiting.Id && m.ExpertId == null, "promotion announced");

        var another = await _api.ScheduleAsync(course.Id, startsInDays: 50);
        Assert.Equal(("suspended", "expert-not-eligible"), await TrainingApi.ConflictAsync(await _api.EnrolExpertAsync(another.Id, expertId)));

        await fixture.PublishAsExpertsAsync(new ExpertReinstated(expertId, at.AddMinutes(1)));
        await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(expertId), f => f?.MayEnrol == true, what: "reinstatement learned");
        Assert.Equal(EnrolmentStatus.Confirmed, (await _api.EnrolledAsync(_api.EnrolExpertAsync(another.Id, expertId))).Status);
    }

    [Fact]
    public async Task An_expert_who_leaves_the_pool_gives_up_every_future_seat()
    {
        var expertId = await JoinedAsync();
        var course = await _api.AddCourseAsync("Secure software development");
        var session = await _api.ScheduleAsync(course.Id, capacity: 3, startsInDays: 30);
        var seat = await _api.EnrolledAsync(_api.EnrolExpertAsync(session.Id, expertId));

        await fixture.PublishAsExpertsAsync(new ExpertLeftPool(expertId, PoolDeparture.Erased, DateTimeOffset.UtcNow));

        await Eventually.ReturnsAsync(() => _api.EnrolmentAsync(seat.Id), e => e.Status == EnrolmentStatus.Cancelled, what: "seat released");
        Assert.Equal("erased", (await fixture.DocumentAsync<ExpertFact>(expertId))!.Status);
        Assert.Equal(0, (await _api.SessionAsync(session.Id)).SeatsTaken);
        Assert.Equal(("erased", "expert-not-eligible"), await TrainingApi.ConflictAsync(await _api.EnrolExpertAsync(session.Id, expertId)));
    }

    [Fact]
    public async Task A_late_suspension_older_than_the_reinstatement_changes_nothing()
    {
        var expertId = await JoinedAsync();
        var course = await _api.AddCourseAsync("Risk management");
        var session = await _api.ScheduleAsync(course.Id, capacity: 2, startsInDays: 30);
        var seat = await _api.EnrolledAsync(_api.EnrolExpertAsync(session.Id, expertId));
        var suspendedAt = DateTimeOffset.UtcNow.AddMinutes(-10);

        await fixture.PublishAsExpertsAsync(new ExpertReinstated(expertId, suspendedAt.AddMinutes(5)));
        await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(expertId), f => f?.ObservedAt == suspendedAt.AddMinutes(5), what: "reinstatement");
        var lateMessage = Guid.NewGuid();
        await fixture.PublishAsExpertsAsync(new ExpertSuspended(expertId, suspendedAt), lateMessage);
        await Eventually.ReturnsAsync(() => InboxAsync($"{nameof(NoteExpertSuspended)}/{lateMessage:N}"), e => e is not null, what: "the late message consumed");

        Assert.Equal(ExpertFact.Accepted, (await fixture.DocumentAsync<ExpertFact>(expertId))!.Status);
        Assert.Equal(EnrolmentStatus.Confirmed, (await _api.EnrolmentAsync(seat.Id)).Status);
        Assert.Equal(0, await fixture.EventsAsync("seat_released", session.Id));
    }

    [Fact]
    public async Task A_suspension_delivered_twice_is_applied_once()
    {
        var expertId = await JoinedAsync();
        var course = await _api.AddCourseAsync("Cyber crisis exercises");
        var session = await _api.ScheduleAsync(course.Id, capacity: 1, startsInDays: 30);
        var seat = await _api.EnrolledAsync(_api.EnrolExpertAsync(session.Id, expertId));
        var first = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id));
        var second = await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id));
        using var duplicates = new DuplicateCounter(nameof(NoteExpertSuspended));
        var messageId = Guid.NewGuid();
        var suspension = new ExpertSuspended(expertId, DateTimeOffset.UtcNow);

        await fixture.PublishAsExpertsAsync(suspension, messageId);
        await fixture.PublishAsExpertsAsync(suspension, messageId);
        await Eventually.ReturnsAsync(() => Task.FromResult(duplicates.Count), n => n >= 1, what: "the second delivery recognised");

        Assert.Equal(EnrolmentStatus.Cancelled, (await _api.EnrolmentAsync(seat.Id)).Status);
        Assert.Equal(EnrolmentStatus.Confirmed, (await _api.EnrolmentAsync(first.Id)).Status);
        Assert.Equal((EnrolmentStatus.Waitlisted, (int?)1), ((await _api.EnrolmentAsync(second.Id)).Status, (await _api.EnrolmentAsync(second.Id)).WaitlistPosition));
        Assert.Equal(1, await fixture.EventsAsync("seat_released", session.Id));
        Assert.Equal(1, await fixture.EventsAsync("waitlist_promoted", session.Id));
    }

    private async Task<Guid> JoinedAsync()
    {
        var expertId = Guid.NewGuid();
        await fixture.PublishAsExpertsAsync(new ExpertJoinedPool(expertId, "SI", [], [], DateTimeOffset.UtcNow.AddHours(-1)));
        await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(expertId), f => f?.MayEnrol == true, what: "the expert learned");
        return expertId;
    }

    private async Task<InboxEntry?> InboxAsync(string id)
    {
        await using var session = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Marten.IDocumentStore>(fixture.Host.Services).QuerySession();
        return await session.LoadAsync<InboxEntry>(id);
    }

    /// <summary>Counts the inbox's "already applied" outcomes of one consumer (the platform's own metric).</summary>
    private sealed class DuplicateCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public DuplicateCounter(string consumer)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "eucybernet.inbox.duplicates") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "consumer" && Equals(tag.Value, consumer)) Interlocked.Add(ref _count, value);
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
