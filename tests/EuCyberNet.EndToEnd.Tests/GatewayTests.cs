using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>The front door as front ends and partners meet it.</summary>
[Collection(RunningSystem.Name)]
public sealed class GatewayTests(AppHostFixture system)
{
    [Fact]
    public async Task The_gateway_serves_one_OpenAPI_document_for_the_whole_API()
    {
        var document = await system.Gateway.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("EU CyberNet API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/experts/applications", paths);
        Assert.Contains("/coordination/overview", paths);
        Assert.All(document.GetProperty("paths").EnumerateObject()
                .SelectMany(p => p.Value.EnumerateObject())
                .SelectMany(o => FindReferences(o.Value)),
            reference => Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty(reference, out _), reference));
        Assert.Equal(HttpStatusCode.OK, (await system.Gateway.GetAsync("/scalar")).StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_reaches_a_service()
    {
        var body = new StringContent($"{{\"name\":\"{new string('x', 300 * 1024)}\"}}", System.Text.Encoding.UTF8, "application/json");
        var response = await system.Gateway.PostAsync("/projects", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_is_not_found_at_the_gateway()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await system.Gateway.GetAsync("/no-such-collection")).StatusCode);
    }

    private static IEnumerable<string> FindReferences(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.GetString() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                        yield return reference["#/components/schemas/".Length..];
                    else
                        foreach (var inner in FindReferences(property.Value)) yield return inner;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                foreach (var inner in FindReferences(item)) yield return inner;
                break;
        }
    }
}
