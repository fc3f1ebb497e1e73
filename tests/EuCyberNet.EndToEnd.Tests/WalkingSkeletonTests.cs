using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using EuCyberNet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>The thin story through the gateway of the real AppHost, with nothing faked.</summary>
[Collection(RunningSystem.Name)]
public sealed class WalkingSkeletonTests(AppHostFixture system)
{
    [Fact]
    public void Every_resource_is_running_and_healthy()
    {
        foreach (var name in new[] { "postgres", "rabbitmq", "expertsdb", "projectsdb", "trainingdb", "coordinationdb" }.Concat(AppHostFixture.Services))
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(name, out var resource), name);
            Assert.Equal(KnownResourceStates.Running, resource!.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, resource.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public async Task An_application_through_the_gateway_reaches_coordination_and_its_history()
    {
        var before = await CountedApplicationsAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/experts/applications")
        {
            Content = JsonContent.Create(new
            {
                name = "Jānis Bērziņš",
                email = "janis@cert.lv",
                citizenship = "LV",
                organisation = "CERT.LV",
                motivation = "Cyber crisis exercises in the Eastern Partnership",
            }),
        };
        request.Headers.Add("X-Correlation-Id", "e2e-skeleton");

        var response = await system.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("e2e-skeleton", response.Headers.GetValues("X-Correlation-Id").Single());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var history = await system.Client("auditor", "audit.office").GetFromJsonAsync<JsonElement[]>($"/experts/{id}/history");
        var applied = Assert.Single(history!);
        Assert.Equal("ExpertApplied", applied.GetProperty("type").GetString());
        Assert.Equal("e2e-skeleton", applied.GetProperty("correlationId").GetString());
        Assert.Equal("anonymous", applied.GetProperty("user").GetString());

        await Eventually.ReturnsAsync(CountedApplicationsAsync, n => n == before + 1, TimeSpan.FromSeconds(30), "Coordination's count");
    }

    [Fact]
    public async Task Every_service_serves_its_OpenAPI_document_and_Scalar_page()
    {
        foreach (var service in AppHostFixture.Services)
        {
            using var client = system.App.CreateHttpClient(service);
            var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar")).StatusCode);
        }
    }

    [Fact]
    public async Task The_dashboard_command_on_coordination_rebuilds_its_read_models()
    {
        var coordination = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "coordination");

        var result = await system.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(coordination, "rebuild-read-models");

        Assert.True(result.Success, result.Message);
        Assert.Contains("eventsPerSecond", result.Data?.Value ?? "", StringComparison.Ordinal);
    }

    private async Task<long> CountedApplicationsAsync() =>
        (await system.Client("coordinator", "maria.schmidt").GetFromJsonAsync<JsonElement>("/coordination/overview")).GetProperty("expertApplications").GetInt64();
}
