using System.Net.Http.Headers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EuCyberNet.AppHost.Operations;

/// <summary>Dashboard commands that call a service's admin endpoints with an operator token.</summary>
public static class OperatorCommands
{
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
