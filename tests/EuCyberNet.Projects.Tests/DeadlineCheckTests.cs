using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Projects.Tests;

/// <summary>The service's clock, moved forward by the test: time passes without waiting for it.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>Deadlines pass by themselves: the scheduled check closes overdue requests, as events, once.</summary>
public sealed class DeadlineCheckTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private ProjectsHost _host = null!;

    public async Task InitializeAsync() => _host = await ProjectsHost.StartAsync(
        new Dictionary<string, string?> { ["DeadlineCheck:Interval"] = "00:00:00.300" },
        services => services.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_overdue_request_closes_by_itself_and_later_applications_are_refused()
    {
        var ana = await _host.AcceptedExpertAsync();
        var dueSoon = await _host.PublishedRequestAsync(Api.RequestBody(deadline: Api.Today.AddDays(2)));
        var dueLater = await _host.PublishedRequestAsync(Api.RequestBody(deadline: Api.Today.AddDays(9)));
        var officer = _host.Officer();

        _clock.Advance(TimeSpan.FromDays(3));

        var closed = await Eventually.ReturnsAsync(
            () => officer.GetFromJsonAsync<RequestView>($"/expertise-requests/{dueSoon.Id}", Api.Json),
            r => r!.Status == RequestStatus.Closed, TimeSpan.FromSeconds(30), "the overdue request closed");
        Assert.Contains("deadline", closed!.ClosedReason, StringComparison.Ordinal);

        var history = await officer.GetFromJsonAsync<JsonElement[]>($"/expertise-requests/{dueSoon.Id}/history", Api.Json);
        var last = history![^1];
        Assert.Equal(("ExpertiseRequestClosed", "system:deadline-check"), (last.GetProperty("type").GetString(), last.GetProperty("user").GetString()));
        Assert.Equal("deadline", last.GetProperty("data").GetProperty("cause").GetString());

        Assert.Equal(RequestStatus.Published, (await officer.GetFromJsonAsync<RequestView>($"/expertise-requests/{dueLater.Id}", Api.Json))!.Status);
        var late = await officer.PostAsync($"/expertise-requests/{dueSoon.Id}/applications", new { expertId = ana });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var extend = await officer.PostAsync($"/expertise-requests/{dueSoon.Id}/extend", new { applicationDeadline = Api.Iso(Api.Today.AddDays(20)) });
        Assert.Equal("closed", (await extend.ReadAsync<JsonElement>()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Several_replicas_checking_at_once_close_each_request_exactly_once()
    {
        var requests = new List<RequestView>();
        for (var i = 0; i < 6; i++) requests.Add(await _host.PublishedRequestAsync(Api.RequestBody(deadline: Api.Today.AddDays(1))));

        // Three more replicas' checks race the hosted one the moment the deadline passes.
        var replicas = Enumerable.Range(0, 3).Select(_ => new DeadlineCheck(_host.Store, _clock,
            _host.Host.Services.GetRequiredService<IOptions<DeadlineCheckOptions>>(), _host.Host.Services.GetRequiredService<ILogger<DeadlineCheck>>())).ToList();
        _clock.Advance(TimeSpan.FromDays(2));
        await Task.WhenAll(replicas.Select(r => r.CloseOverdueAsync(CancellationToken.None)));

        foreach (var request in requests)
        {
            await Eventually.ReturnsAsync(() => ClosedEventsAsync(request.Id), n => n >= 1, TimeSpan.FromSeconds(30), "closed");
        }
        await Task.Delay(TimeSpan.FromSeconds(1)); // the hosted check runs a few more times meanwhile
        foreach (var request in requests) Assert.Equal(1, await ClosedEventsAsync(request.Id));
    }

    private Task<long> ClosedEventsAsync(Guid requestId) =>
        _host.CountAsync("select count(*) from mt_events where stream_id = @id and type = 'expertise_request_closed'", ("id", requestId));
}
