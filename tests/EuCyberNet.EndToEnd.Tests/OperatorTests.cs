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
}
