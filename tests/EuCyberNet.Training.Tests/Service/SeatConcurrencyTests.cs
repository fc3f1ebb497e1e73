using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Testing;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.ExpertFacts;
using EuCyberNet.Training.Sessions;
using Xunit.Abstractions;

namespace EuCyberNet.Training.Tests.Service;

/// <summary>
/// Seats are never oversold, even under concurrent enrolment, and the waitlist is the order in which
/// the service accepted the enrolments. Its own service instance (and database), so it runs beside
/// the other service tests.
/// </summary>
public sealed class SeatConcurrencyTests(TrainingFixture fixture, ITestOutputHelper output) : IClassFixture<TrainingFixture>
{
    private readonly TrainingApi _api = new(fixture.Client(), fixture.Clock);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Fifty_simultaneous_enrolments_into_twenty_seats_end_with_twenty_confirmed_and_thirty_waitlisted_in_order(int round)
    {
        var course = await _api.AddCourseAsync($"Concurrency round {round}");
        var session = await _api.ScheduleAsync(course.Id, capacity: 20);
        var experts = await JoinedExpertsAsync(25);
        var requests = experts.Select(e => (Func<HttpClient, Task<HttpResponseMessage>>)(c => new TrainingApi(c, fixture.Clock).EnrolExpertAsync(session.Id, e)))
            .Concat(Enumerable.Range(0, 25).Select(i => (Func<HttpClient, Task<HttpResponseMessage>>)(c =>
                new TrainingApi(c, fixture.Clock).EnrolExternalAsync(session.Id, $"Participant {round}-{i}"))))
            .ToList();

        var responses = await AllAtOnceAsync(requests, [fixture.Client()]);

        await AssertTwentySeatsAndThirtyWaitingInAcceptanceOrderAsync(session.Id, responses);
    }

    [Fact]
    public async Task Fifty_simultaneous_enrolments_spread_over_two_replicas_never_oversell_either()
    {
        await using var replica = await fixture.StartReplicaAsync();
        var course = await _api.AddCourseAsync("Concurrency across replicas");
        var session = await _api.ScheduleAsync(course.Id, capacity: 20);
        var requests = Enumerable.Range(0, 50).Select(i => (Func<HttpClient, Task<HttpResponseMessage>>)(c =>
            new TrainingApi(c, fixture.Clock).EnrolExternalAsync(session.Id, $"Replica participant {i}"))).ToList();

        var responses = await AllAtOnceAsync(requests, [fixture.Client(), replica.CreateClient("training-manager", "tm.jonas")]);

        await AssertTwentySeatsAndThirtyWaitingInAcceptanceOrderAsync(session.Id, responses);
    }

    [Fact]
    public async Task Cancellations_and_enrolments_racing_each_other_promote_in_order_and_never_oversell()
    {
        var course = await _api.AddCourseAsync("Cancellations racing enrolments");
        var session = await _api.ScheduleAsync(course.Id, capacity: 10);
        var enrolled = new List<EnrolmentView>();
        for (var i = 0; i < 20; i++) enrolled.Add(await _api.EnrolledAsync(_api.EnrolExternalAsync(session.Id, $"Early {i}")));
        var confirmed = enrolled.Where(e => e.Status == EnrolmentStatus.Confirmed).ToList();
        var waiting = enrolled.Where(e => e.Status == EnrolmentStatus.Waitlisted).ToList();

        var requests = confirmed.Take(6).Concat(waiting.Skip(2).Take(3))
            .Select(e => (Func<HttpClient, Task<HttpResponseMessage>>)(c => new TrainingApi(c, fixture.Clock).PostAsync($"/enrolments/{e.Id}/cancel")))
            .Concat(Enumerable.Range(0, 12).Select(i => (Func<HttpClient, Task<HttpResponseMessage>>)(c =>
                new TrainingApi(c, fixture.Clock).EnrolExternalAsync(session.Id, $"Late {i}"))))
            .ToList();

        var responses = await AllAtOnceAsync(requests, [fixture.Client()]);

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"{(int)r.StatusCode}"));
        var (seats, waitlist) = await ReplayLedgerAsync(session.Id, capacity: 10);
        Assert.Equal(10, seats.Count);
        Assert.Equal(20 - 9 + 12 - 10, waitlist.Count);
        var now = await _api.SessionAsync(session.Id);
        Assert.Equal(seats, now.Confirmed);
        Assert.Equal(waitlist, now.Waitlist);
        // The early waiters who did not cancel were promoted first, in their order.
        var stillWaitingEarly = waiting.Where((_, i) => i is < 2 or >= 5).Select(e => e.Id).ToList();
        Assert.Equal(stillWaitingEarly.Take(6), seats.Skip(4));
        await AssertEveryEnrolmentAgreesWithTheLedgerAsync(session.Id, seats, waitlist);
    }

    private async Task AssertTwentySeatsAndThirtyWaitingInAcceptanceOrderAsync(Guid sessionId, IReadOnlyList<HttpResponseMessage> responses)
    {
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var enrolments = await Task.WhenAll(responses.Select(TrainingApi.CreatedAsync<EnrolmentView>));
        var confirmed = enrolments.Where(e => e.Status == EnrolmentStatus.Confirmed).ToList();
        var waitlisted = enrolments.Where(e => e.Status == EnrolmentStatus.Waitlisted).OrderBy(e => e.WaitlistPosition).ToList();

        Assert.Equal(20, confirmed.Count);
        Assert.Equal(30, waitlisted.Count);
        Assert.Equal(Enumerable.Range(1, 30), waitlisted.Select(e => e.WaitlistPosition!.Value));

        // The ledger, replayed event by event: never more than twenty seats at any point, and the
        // waitlist is exactly the order in which the service accepted (appended) the enrolments.
        var (seats, waitlist) = await ReplayLedgerAsync(sessionId, capacity: 20);
        Assert.Equal(confirmed.Select(e => e.Id).Order(), seats.Order());
        Assert.Equal(waitlisted.Select(e => e.Id), waitlist);

        var session = await _api.SessionAsync(sessionId);
        Assert.Equal((SessionStatus.Full, 20, 0), (session.Status, session.SeatsTaken, session.SeatsFree));
        Assert.Equal(seats, session.Confirmed);
        Assert.Equal(waitlist, session.Waitlist);
        await AssertEveryEnrolmentAgreesWithTheLedgerAsync(sessionId, seats, waitlist);
    }

    /// <summary>
    /// Replays the session's history: asserts that seats never exceed <paramref name="capacity"/>,
    /// that a seat is only given while one is free and nobody waits, that every promotion takes the
    /// head of the waitlist, and that every accepted enrolment was appended after all earlier ones
    /// (sequence order). Returns the seats and the waitlist it ends with.
    /// </summary>
    private async Task<(List<Guid> Seats, List<Guid> Waitlist)> ReplayLedgerAsync(Guid sessionId, int capacity)
    {
        var history = await _api.HistoryAsync($"/training-sessions/{sessionId}");
        Assert.Equal(history.Select(h => h.Sequence).Order(), history.Select(h => h.Sequence));
        var (seats, waitlist) = (new List<Guid>(), new List<Guid>());
        foreach (var entry in history)
        {
            var data = (JsonElement)entry.Data;
            Guid Enrolment() => data.GetProperty("enrolmentId").GetGuid();
            switch (entry.Type)
            {
                case nameof(SeatAllocated):
                    Assert.True(seats.Count < capacity && waitlist.Count == 0, $"seat given at version {entry.Version} while {seats.Count} taken and {waitlist.Count} waiting");
                    seats.Add(Enrolment());
                    break;
                case nameof(WaitlistJoined):
                    Assert.Equal(capacity, seats.Count);
                    waitlist.Add(Enrolment());
                    break;
                case nameof(SeatReleased):
                    Assert.True(seats.Remove(Enrolment()));
                    break;
                case nameof(WaitlistLeft):
                    Assert.True(waitlist.Remove(Enrolment()));
                    break;
                case nameof(WaitlistPromoted):
                    Assert.Equal(waitlist[0], Enrolment());
                    waitlist.RemoveAt(0);
                    seats.Add(Enrolment());
                    break;
            }
            Assert.True(seats.Count <= capacity, $"{seats.Count} seats of {capacity} at version {entry.Version}");
        }
        return (seats, waitlist);
    }

    private async Task AssertEveryEnrolmentAgreesWithTheLedgerAsync(Guid sessionId, List<Guid> seats, List<Guid> waitlist)
    {
        var all = await _api.GetAsync<ServiceDefaults.Http.Page<EnrolmentView>>($"/training-sessions/{sessionId}/enrolments?pageSize=200");
        foreach (var e in all.Items)
        {
            var expected = seats.Contains(e.Id) ? EnrolmentStatus.Confirmed : waitlist.Contains(e.Id) ? EnrolmentStatus.Waitlisted : EnrolmentStatus.Cancelled;
            Assert.Equal(expected, e.Status);
            if (expected == EnrolmentStatus.Waitlisted) Assert.Equal(waitlist.IndexOf(e.Id) + 1, e.WaitlistPosition);
        }
    }

    /// <summary>Starts every request at the same moment (after all are ready), spread over the clients, and waits for all.</summary>
    private async Task<IReadOnlyList<HttpResponseMessage>> AllAtOnceAsync(List<Func<HttpClient, Task<HttpResponseMessage>>> requests, HttpClient[] clients)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = requests.Select(async (request, i) =>
        {
            await start.Task;
            return await request(clients[i % clients.Length]);
        }).ToList();
        var clock = Stopwatch.StartNew();
        start.SetResult();
        var responses = await Task.WhenAll(tasks);
        output.WriteLine($"{requests.Count} concurrent requests answered in {clock.ElapsedMilliseconds} ms");
        return responses;
    }

    private async Task<IReadOnlyList<Guid>> JoinedExpertsAsync(int count)
    {
        var experts = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in experts) await fixture.PublishAsExpertsAsync(new ExpertJoinedPool(id, "LT", [], [], DateTimeOffset.UtcNow));
        foreach (var id in experts)
            await Eventually.ReturnsAsync(() => fixture.DocumentAsync<ExpertFact>(id), f => f?.MayEnrol == true, what: "experts learned");
        return experts;
    }
}
