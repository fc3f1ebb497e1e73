using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Testing;

namespace EuCyberNet.Platform.Tests;

/// <summary>The thin story across two services, against real PostgreSQL and RabbitMQ.</summary>
public sealed class StoryTests : IAsyncLifetime
{
    private Pipeline _pipeline = null!;

    public async Task InitializeAsync() => _pipeline = await Pipeline.StartAsync();

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task An_application_is_stored_with_its_audit_metadata_and_counted_by_coordination()
    {
        var client = _pipeline.Experts.CreateClient("coordinator", "maria.schmidt");
        client.DefaultRequestHeaders.Add(RequestContext.CorrelationHeader, "story-42");

        var id = await _pipeline.ApplyAsync(client);

        var history = await client.GetFromJsonAsync<JsonElement[]>($"/experts/{id}/history");
        var applied = Assert.Single(history!);
        Assert.Equal("ExpertApplied", applied.GetProperty("type").GetString());
        Assert.Equal(1, applied.GetProperty("version").GetInt64());
        Assert.Equal("maria.schmidt", applied.GetProperty("user").GetString());
        Assert.Equal("story-42", applied.GetProperty("correlationId").GetString());
        Assert.False(string.IsNullOrEmpty(applied.GetProperty("causationId").GetString()));
        Assert.Equal("SI", applied.GetProperty("data").GetProperty("citizenship").GetString());

        Assert.Equal(1, await _pipeline.WaitForCountedApplicationsAsync(1));
        Assert.Equal(Pipeline.IntegrationEventsPerApplication, await _pipeline.CoordinationEventsAsync());
    }

    [Fact]
    public async Task Coordination_records_the_correlation_of_the_story_it_heard()
    {
        var client = _pipeline.Experts.CreateClient("coordinator", "maria.schmidt");
        client.DefaultRequestHeaders.Add(RequestContext.CorrelationHeader, "story-43");

        await _pipeline.ApplyAsync(client);
        await _pipeline.WaitForCountedApplicationsAsync(1);

        await using var connection = new Npgsql.NpgsqlConnection(
            _pipeline.Coordination.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>().GetConnectionString("coordinationdb"));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select correlation_id from mt_events", connection);
        Assert.Equal("story-43", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_bad_application_lists_every_bad_field_and_writes_nothing()
    {
        var client = _pipeline.Experts.CreateClient("coordinator", "maria.schmidt");

        var response = await client.PostAsJsonAsync("/experts/applications", new
        {
            name = "",
            email = "not-an-email",
            citizenship = "US",
            organisation = new string('x', 301),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.Equal(["citizenship", "email", "motivation", "name", "organisation"],
            errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("not an EU Member State", errors.GetProperty("citizenship")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _pipeline.ExpertsEventsAsync());
    }

    [Fact]
    public async Task A_retried_application_with_the_same_idempotency_key_is_one_expert()
    {
        var client = _pipeline.Experts.CreateClient("coordinator", "maria.schmidt");
        client.DefaultRequestHeaders.Add("Idempotency-Key", "form-submission-7");

        var first = await _pipeline.ApplyAsync(client);
        var second = await _pipeline.ApplyAsync(client);

        Assert.Equal(first, second);
        Assert.Equal(1, await _pipeline.ExpertsEventsAsync());
        Assert.Equal(1, await _pipeline.WaitForCountedApplicationsAsync(1));
    }

    [Fact]
    public async Task As_of_before_the_application_is_not_found_and_after_it_is_the_record()
    {
        var client = _pipeline.Experts.CreateClient("coordinator", "maria.schmidt");
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var id = await _pipeline.ApplyAsync(client);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/experts/{id}?asOf={Uri.EscapeDataString(before.ToString("O"))}")).StatusCode);
        var now = await client.GetFromJsonAsync<JsonElement>($"/experts/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}");
        Assert.Equal("applied", now.GetProperty("status").GetString());

        var current = await client.GetAsync($"/experts/{id}");
        Assert.Equal("\"1\"", current.Headers.ETag?.Tag);
    }
}
