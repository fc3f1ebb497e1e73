using System.Text.Json;
using System.Text.Json.Nodes;

namespace EuCyberNet.Gateway.OpenApi;

/// <summary>
/// The whole public API as one OpenAPI document: each service's own document, fetched through
/// service discovery and merged (paths, schemas, tags). Schemas with the same name and the same
/// shape are shared; a clash of different shapes is resolved by prefixing the service's name.
/// A service that does not answer is left out and named in the description; the result is cached
/// briefly so that a front end's reloads do not fan out to every service.
/// </summary>
public sealed partial class MergedOpenApiDocument(IHttpClientFactory clients, TimeProvider time, ILogger<MergedOpenApiDocument> logger)
    : IDisposable
{
    public const string HttpClientName = "openapi-documents";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Json, DateTimeOffset BuiltAt, bool Complete)? _cached;

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_cached is { } hit && hit.Complete && time.GetUtcNow() - hit.BuiltAt < CacheFor) return hit.Json;
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && again.Complete && time.GetUtcNow() - again.BuiltAt < CacheFor) return again.Json;
            var (json, complete) = await BuildAsync(ct);
            _cached = (json, time.GetUtcNow(), complete);
            return json;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<(string Json, bool Complete)> BuildAsync(CancellationToken ct)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var securitySchemes = new JsonObject();
        var tags = new JsonArray();
        var missing = new List<string>();

        foreach (var service in Routes.PathsByService.Keys)
        {
            var document = await FetchAsync(service, ct);
            if (document is null)
            {
                missing.Add(service);
                continue;
            }
            if (document["components"]?["schemas"] is JsonObject own)
            {
                foreach (var (name, schema) in own.ToList())
                {
                    if (schemas[name] is { } existing && !JsonNode.DeepEquals(existing, schema))
                    {
                        var renamed = char.ToUpperInvariant(service[0]) + service[1..] + name;
                        document = Rename(document, name, renamed);
                    }
                }
                foreach (var (name, schema) in ((JsonObject)document["components"]!["schemas"]!).ToList())
                    schemas[name] ??= schema!.DeepClone();
            }
            if (document["components"]?["securitySchemes"] is JsonObject security)
                foreach (var (name, scheme) in security) securitySchemes[name] ??= scheme!.DeepClone();
            if (document["paths"] is JsonObject servicePaths)
                foreach (var (path, item) in servicePaths) paths[path] = item!.DeepClone();
            if (document["tags"] is JsonArray serviceTags)
                foreach (var tag in serviceTags) tags.Add(tag!.DeepClone());
        }

        var merged = new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "EU CyberNet API",
                ["version"] = "v1",
                ["description"] = missing.Count == 0
                    ? "Every path of the public contract, through the gateway."
                    : $"Incomplete: {string.Join(", ", missing)} did not answer; their paths are missing.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas, ["securitySchemes"] = securitySchemes },
            ["tags"] = tags,
        };
        return (merged.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), missing.Count == 0);
    }

    private async Task<JsonNode?> FetchAsync(string service, CancellationToken ct)
    {
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            client.Timeout = TimeSpan.FromSeconds(10);
            var text = await client.GetStringAsync(new Uri($"http://{service}/openapi/v1.json"), ct);
            return JsonNode.Parse(text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            LogUnavailable(logger, e, service);
            return null;
        }
    }

    /// <summary>Renames a schema of one service's document, references included.</summary>
    private static JsonNode Rename(JsonNode document, string from, string to)
    {
        var text = document.ToJsonString()
            .Replace($"\"#/components/schemas/{from}\"", $"\"#/components/schemas/{to}\"", StringComparison.Ordinal);
        var renamed = JsonNode.Parse(text)!;
        var schemas = (JsonObject)renamed["components"]!["schemas"]!;
        var schema = schemas[from]!;
        schemas.Remove(from);
        schemas[to] = schema;
        return renamed;
    }

    [LoggerMessage(LogLevel.Warning, "The OpenAPI document of {Service} could not be fetched; the merged document leaves it out")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string service);
}
