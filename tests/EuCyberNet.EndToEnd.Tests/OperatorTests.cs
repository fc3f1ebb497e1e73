using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>What an operator does from the dashboard, through the same command service it uses.</summary>
[Collection(RunningSystem.Name)]
public sealed class OperatorTests(AppHostFixture system)
{
    [Theory]
    [InlineData("experts")]
    [InlineData("coordination")]
    public async Task The_replay_error_queues_command_runs_against_each_service(string service)
    {
        var result = await system.App.ResourceCommands.ExecuteCommandAsync(service, "replay-error-queues");

        Assert.True(result.Success, result.Message);
        Assert.NotNull(result.Data);
        using var replayed = JsonDocument.Parse(result.Data!.Value);
        Assert.Equal(JsonValueKind.Object, replayed.RootElement.ValueKind);
    }

    [Fact]
    public async Task Seed_demo_data_loads_the_network_through_the_API_once()
    {
        var first = await system.App.ResourceCommands.ExecuteCommandAsync("gateway", "seed-demo-data");

        Assert.True(first.Success, first.Message);
        Assert.Contains("Demo network loaded", first.Data?.Value, StringComparison.Ordinal);
        var coordinator = system.Client("coordinator", "e2e-operator");
        var overview = await coordinator.GetFromJsonAsync<JsonElement>("/coordination/overview");
        Assert.Equal(27, overview.GetProperty("experts").GetProperty("byCitizenship").EnumerateObject().Count());
        Assert.True(overview.GetProperty("projects").GetProperty("total").GetInt32() >= 28);
        Assert.True(overview.GetProperty("overlaps").GetProperty("open").GetInt32() > 0);
        foreach (var status in new[] { "confirmed", "started", "completed", "evaluated", "cancelled" })
            Assert.True(overview.GetProperty("deployments").GetProperty("byStatus").TryGetProperty(status, out _), status);
        var experts = await coordinator.GetFromJsonAsync<JsonElement>("/experts?pageSize=1&status=accepted");
        var expert = experts.GetProperty("items")[0].GetProperty("id").GetGuid();
        var history = await coordinator.GetFromJsonAsync<JsonElement[]>($"/experts/{expert}/history");
        // Real history: the pool desk decided, the expert gave their own consent and profile.
        Assert.Contains(history!, e => e.GetProperty("user").GetString()!.StartsWith("coordinator-pool-", StringComparison.Ordinal));
        Assert.Contains(history!, e => e.GetProperty("user").GetString()!.StartsWith("expert-", StringComparison.Ordinal));

        var second = await system.App.ResourceCommands.ExecuteCommandAsync("gateway", "seed-demo-data");

        Assert.True(second.Success, second.Message);
        Assert.Contains("already loaded", second.Data?.Value, StringComparison.Ordinal);
    }
}
