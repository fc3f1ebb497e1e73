using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Gaps;

namespace EuCyberNet.Coordination.Tests;

/// <summary>Supply, demand and training per ECSF role, moving as experts join and requests open.</summary>
public sealed class GapsTests : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private CoordinationHost _coordination = null!;
    private long _published;

    public async Task InitializeAsync() => _coordination = await CoordinationHost.StartAsync();

    public async Task DisposeAsync() => await _coordination.DisposeAsync();

    [Fact]
    public async Task Gaps_move_as_experts_join_requests_open_sessions_are_scheduled_and_experts_are_deployed()
    {
        Assert.All((await GapsAsync()).Roles, r => Assert.Equal(0, r.OpenDemand + r.AvailableSupply + r.UpcomingTrainingSeats + r.Gap));

        // Two responders join the pool, available next month; a third has no availability in the horizon.
        var ana = Guid.NewGuid();
        var ben = Guid.NewGuid();
        var cleo = Guid.NewGuid();
        await PublishAsync(
            Samples.Joined(ana, [EcsfRole.CyberIncidentResponder, EcsfRole.DigitalForensicsInvestigator]),
            Samples.Available(ana, Today.AddDays(10), Today.AddDays(40)),
            Samples.Joined(ben, [EcsfRole.CyberIncidentResponder], citizenship: "EE"),
            Samples.Available(ben, Today.AddDays(60), Today.AddDays(200), percent: 50),
            Samples.Joined(cleo, [EcsfRole.CyberIncidentResponder], citizenship: "PT"),
            Samples.Available(cleo, Today.AddDays(120), Today.AddDays(200)));
        var responder = Row(await GapsAsync(), EcsfRole.CyberIncidentResponder);
        Assert.Equal((0, 2, 0), (responder.OpenDemand, responder.AvailableSupply, responder.Gap));
        Assert.Equal(1, Row(await GapsAsync(), EcsfRole.DigitalForensicsInvestigator).AvailableSupply);

        // A request opens for five responders.
        var requestId = Guid.NewGuid();
        await PublishAsync(new ExpertiseRequestPublished(requestId, 2, Samples.Request(roles: [EcsfRole.CyberIncidentResponder], expertsNeeded: 5), Samples.Now));
        responder = Row(await GapsAsync(), EcsfRole.CyberIncidentResponder);
        Assert.Equal((1, 5L, 2L, 3L, 3L), (responder.OpenRequests, responder.OpenDemand, responder.AvailableSupply, responder.ShortfallBeforeTraining, responder.Gap));

        // A session for responders in three weeks brings 2 seats; one beyond the horizon does not count.
        await PublishAsync(
            new TrainingSessionScheduled(Guid.NewGuid(), 1, Samples.Session(from: Today.AddDays(21), to: Today.AddDays(25), capacity: 2), Samples.Now),
            new TrainingSessionScheduled(Guid.NewGuid(), 1, Samples.Session(from: Today.AddDays(150), to: Today.AddDays(155), capacity: 30), Samples.Now));
        responder = Row(await GapsAsync(), EcsfRole.CyberIncidentResponder);
        Assert.Equal((2L, 3L, 1L), (responder.UpcomingTrainingSeats, responder.ShortfallBeforeTraining, responder.Gap));

        // Ana is selected and deployed: four still needed. Ben is suspended: out of the supply.
        await PublishAsync(
            new DeploymentConfirmed(Guid.NewGuid(), 1, Samples.Deployment(requestId, ana, "confirmed"), Samples.Now),
            new ExpertSuspended(ben, Samples.Now));
        responder = Row(await GapsAsync(), EcsfRole.CyberIncidentResponder);
        Assert.Equal((4L, 1L, 1L), (responder.OpenDemand, responder.AvailableSupply, responder.Gap));

        // The request closes: no open demand any more.
        await PublishAsync(new ExpertiseRequestClosed(requestId, 3, "filled", Samples.Now));
        responder = Row(await GapsAsync(), EcsfRole.CyberIncidentResponder);
        Assert.Equal((0, 0L, 0L), (responder.OpenRequests, responder.OpenDemand, responder.Gap));
    }

    private async Task PublishAsync(params Contracts.IIntegrationEvent[] events)
    {
        await _coordination.PublishAllAsync(events);
        _published += events.Length;
        await _coordination.WaitForEventsAsync(_published);
    }

    private Task<GapsView> GapsAsync() => _coordination.GetAsync<GapsView>($"/coordination/gaps?on={Today:yyyy-MM-dd}");

    private static RoleGap Row(GapsView gaps, EcsfRole role) => gaps.Roles.Single(r => r.Role == role);
}
