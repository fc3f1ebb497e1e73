using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Testing;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using V1 = EuCyberNet.Contracts.Projects.V1;

namespace EuCyberNet.Projects.Tests;

/// <summary>
/// Commands are announced right after their commit (the relay's prompt path, <see cref="PromptRelay"/>),
/// with the very messages the relay's pages publish for the same events; the relay's pages then skip
/// them. A Projects service of its own: the test stops and starts its relay.
/// </summary>
public sealed class PromptRelayTests : IAsyncLifetime
{
    private ProjectsHost _host = null!;

    public async Task InitializeAsync() => _host = await ProjectsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static object Body(string title) => new
    {
        title,
        funder = "EU",
        implementers = new[] { "e-Governance Academy" },
        beneficiaryCountries = new[] { "MD" },
        themes = new[] { "policy-and-strategy" },
        pillars = new[] { "national-strategic-framework" },
        budgetEur = 2_500_000m,
        startDate = "2027-01-01",
        endDate = "2028-12-31",
        status = "ongoing",
    };

    [Fact]
    public async Task A_command_is_announced_before_the_relays_pages_read_it_with_their_message_and_the_pages_do_not_publish_it_again()
    {
        await using var heard = await PublishedEvents.ListenAsync(_host.Platform.VirtualHost, typeof(V1.ProjectRegistered), typeof(V1.ProjectUpdated));
        var daemon = await RunningDaemonAsync();
        var relayShard = new ShardName(IntegrationEventRelay.SubscriptionName);
        await daemon.StopAgentAsync(relayShard);
        var checkpoint = await RelayCheckpointAsync();

        // Registered and changed through the API: two command transactions.
        var officer = _host.Officer();
        var project = await (await officer.PostAsync("/projects", Body("Prompt v1"))).ReadAsync<ProjectView>();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/projects/{project.Id}") { Content = JsonContent.Create(Body("Prompt v2")) };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        (await officer.SendAsync(put)).EnsureSuccessStatusCode();

        bool Ours(JsonElement m) => m.GetProperty("projectId").GetGuid() == project.Id;
        IReadOnlyList<(string? MessageId, JsonElement Message)> Deliveries() => [.. heard.WithIds("ProjectRegistered", Ours), .. heard.WithIds("ProjectUpdated", Ours)];
        await Eventually.ReturnsAsync(() => Task.FromResult(Deliveries()), d => d.Count >= 2, TimeSpan.FromSeconds(60), "both announced");
        Assert.Equal(checkpoint, await RelayCheckpointAsync()); // the relay's pages did not run: the prompt path announced them

        // The pages' messages for the same events (the stored events, mapped as the relay maps them) are the same messages.
        IReadOnlyList<IEvent> events;
        await using (var query = _host.Store.QuerySession()) events = await query.Events.FetchStreamAsync(project.Id);
        var services = _host.Host.Services;
        var pages = new IntegrationEventRelay(services.GetRequiredService<IIntegrationEventMapper>(), services.GetRequiredService<IBus>(),
            NullLogger<IntegrationEventRelay>.Instance, services.GetRequiredService<IOptions<RelayOptions>>());
        await using (var session = _host.Store.LightweightSession())
            await pages.ProcessEventsAsync(new EventRange(relayShard, events[0].Sequence - 1, events[^1].Sequence, null!) { Events = [.. events] }, null!, session, default);
        var twice = await Eventually.ReturnsAsync(() => Task.FromResult(Deliveries()), d => d.Count >= 4, TimeSpan.FromSeconds(60), "published again by a page");
        Assert.Equal(events.Select(e => IntegrationEventRelay.MessageIdFor(e.Id, 0).ToString()).Order(), twice.Select(d => d.MessageId).Distinct().Order());
        Assert.All(twice.GroupBy(d => d.MessageId), same =>
        {
            Assert.Equal(2, same.Count());
            Assert.Single(same.Select(d => d.Message.GetRawText()).Distinct());
        });

        // Started again, the relay reads both events and publishes neither: the prompt path had them confirmed.
        await daemon.StartAgentAsync(relayShard.Identity, CancellationToken.None);
        await Eventually.ReturnsAsync(RelayCheckpointAsync, c => c >= events[^1].Sequence, TimeSpan.FromSeconds(60), "the relay past both events");
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything it had published would have arrived by now
        Assert.Equal(4, Deliveries().Count);
    }

    private async Task<IProjectionDaemon> RunningDaemonAsync()
    {
        var coordinator = _host.Host.Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>();
        return await Eventually.ReturnsAsync(() => Task.FromResult(coordinator.DaemonForMainDatabase()), d => d.IsRunning,
            TimeSpan.FromSeconds(60), "the async daemon running");
    }

    private async Task<long> RelayCheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(_host.Settings["ConnectionStrings:projectsdb"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select coalesce(max(last_seq_id), 0) from mt_event_progression where name like '{IntegrationEventRelay.SubscriptionName}%'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
