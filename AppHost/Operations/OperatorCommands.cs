using System.Net.Http.Headers;
using EuCyberNet.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace EuCyberNet.AppHost.Operations;

/// <summary>Dashboard commands that call a service's admin endpoints with an operator token.</summary>
public static partial class OperatorCommands
{
    [LoggerMessage(LogLevel.Information, "{Line}")]
    private static partial void LogProgress(ILogger logger, string line);

    /// <summary>"Replay error queues": moves faulted messages back to their queues (safe, consumers are idempotent).</summary>
    public static IResourceBuilder<ProjectResource> WithReplayErrorQueuesCommand(this IResourceBuilder<ProjectResource> service, OperatorToken token) =>
        service.WithAdminCommand(token, "replay-error-queues", "Replay error queues", "/admin/messaging/error-queues/replay", "ArrowRepeatAll",
            "Move every message that failed all retries back to its queue, e.g. after a fix.");

    /// <summary>
    /// "Rebuild read models" on the coordination resource: replays Coordination's stored events into
    /// every read model and answers with the figures (events, seconds, events per second).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReadModelRebuildCommand(this IResourceBuilder<ProjectResource> coordination, OperatorToken token) =>
        coordination.WithAdminCommand(token, "rebuild-read-models", "Rebuild read models", "/coordination/admin/rebuild", "ArrowSync",
            "Rebuild every Coordination read model (activities, experts, overview, overlap alerts) from the stored events.");

    /// <summary>
    /// "Seed demo data" on the gateway: loads the demo network through the public API, exactly as
    /// <c>eucybernet-cli seed</c> does (<see cref="DemoSeeder"/>); progress goes to the gateway's
    /// console log, the summary is the command's result. A second run finds the demo loaded and says so.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSeedDemoDataCommand(this IResourceBuilder<ProjectResource> gateway, OperatorToken token, DemoOptions options) =>
        gateway.WithCommand("seed-demo-data", "Seed demo data", async context =>
        {
            var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(gateway.Resource);
            using var client = new HttpClient { BaseAddress = new Uri(gateway.GetEndpoint("http").Url), Timeout = TimeSpan.FromSeconds(60) };
            var seeder = new DemoSeeder(client, actor => token.Create(actor.User, actor.Role, actor.ExpertId, actor.PartnerId, TimeSpan.FromHours(1)),
                line => LogProgress(logger, line), options);
            try
            {
                var summary = await seeder.RunAsync(context.CancellationToken);
                return CommandResults.Success(summary.AlreadySeeded ? "Demo data: already loaded" : "Demo data: loaded", summary.Text, CommandResultFormat.Text);
            }
            catch (Exception e) when (e is DemoSeedException or HttpRequestException or TaskCanceledException)
            {
                return CommandResults.Failure($"Seeding stopped: {e.Message}");
            }
        }, new CommandOptions
        {
            Description = "Load a realistic demo network (experts, projects, requests, deployments, training, a partner) through the public API",
            ConfirmationMessage = "Load the demo network into this system through its API? It takes a minute or two; a system that has it already is left alone.",
            IconName = "DatabaseArrowUp",
            UpdateState = state => state.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });

    /// <summary>A dashboard command that POSTs to one of the service's admin endpoints.</summary>
    public static IResourceBuilder<ProjectResource> WithAdminCommand(this IResourceBuilder<ProjectResource> service, OperatorToken token,
        string name, string displayName, string path, string icon, string description) =>
        service.WithCommand(name, displayName, async context =>
        {
            var endpoint = service.GetEndpoint("http");
            using var client = new HttpClient { BaseAddress = new Uri(endpoint.Url), Timeout = TimeSpan.FromMinutes(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Create());
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative), null, context.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(context.CancellationToken);
            return response.IsSuccessStatusCode
                ? CommandResults.Success($"{displayName}: done", body, CommandResultFormat.Json)
                : CommandResults.Failure($"{displayName} failed: {(int)response.StatusCode} {body}");
        }, new CommandOptions
        {
            Description = description,
            IconName = icon,
            UpdateState = state => state.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
}
