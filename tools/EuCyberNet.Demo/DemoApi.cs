using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EuCyberNet.Demo;

/// <summary>Who makes a call: the token's subject, its role and, for experts and partners, whose record it is.</summary>
public sealed record Actor(string User, string Role, Guid? ExpertId = null, string? PartnerId = null);

/// <summary>Signs a bearer token for an actor (the CLI uses the platform's LocalTokens, the AppHost its operator token).</summary>
public delegate string IssueToken(Actor actor);

/// <summary>A call the system refused for a reason the seeder cannot wait out.</summary>
public sealed class DemoSeedException(string message) : Exception(message);

/// <summary>
/// The public API as the seeder uses it: every call with the token of the actor the docs name for
/// that step. Waits out what a live system legitimately answers while it settles: rate limits
/// (429, Retry-After), a service restarting (502–504), a concurrent change, and the short lag
/// before Projects or Training hear that an expert was accepted (409 with a code in
/// <c>waitFor</c>). Anything else stops the seeding with the problem the system gave.
/// </summary>
internal sealed class DemoApi(HttpClient http, IssueToken issueToken)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan EventualConsistencyLimit = TimeSpan.FromSeconds(90);
    private readonly ConcurrentDictionary<Actor, string> _tokens = new();
    private int _calls;
    private int _waits;

    public int Calls => _calls;

    /// <summary>Calls that were repeated after a 429, a 5xx or an eventual-consistency 409.</summary>
    public int Waits => _waits;

    public Task<JsonElement> PostAsync(Actor? actor, string path, object? body = null, string? idempotencyKey = null,
        string[]? waitFor = null, IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, actor, path, body, idempotencyKey, waitFor, headers, ct);

    public Task<JsonElement> PutAsync(Actor actor, string path, object body, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, actor, path, body, null, null, null, ct);

    public Task<JsonElement> GetAsync(Actor actor, string path, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, actor, path, null, null, null, null, ct);

    public Task<JsonElement> DeleteAsync(Actor actor, string path, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, actor, path, null, null, null, null, ct);

    private async Task<JsonElement> SendAsync(HttpMethod method, Actor? actor, string path, object? body, string? idempotencyKey,
        string[]? waitFor, IReadOnlyDictionary<string, string>? headers, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (actor is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.GetOrAdd(actor, a => issueToken(a)));
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
            if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
            Interlocked.Increment(ref _calls);

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException) when (attempt < 8)
            {
                await WaitAsync(TimeSpan.FromMilliseconds(250 * attempt), ct);
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode)
                    return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);

                var status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.TooManyRequests && clock.Elapsed < TimeSpan.FromMinutes(5))
                {
                    var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2);
                    await WaitAsync(TimeSpan.FromSeconds(Math.Clamp(retryAfter.TotalSeconds, 0.5, 15)), ct);
                    continue;
                }
                if (status is 502 or 503 or 504 && attempt < 8)
                {
                    await WaitAsync(TimeSpan.FromMilliseconds(500 * attempt), ct);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.Conflict && clock.Elapsed < EventualConsistencyLimit && IsWorthWaiting(text, waitFor))
                {
                    await WaitAsync(TimeSpan.FromMilliseconds(Math.Min(2000, 200 * attempt)), ct);
                    continue;
                }
                throw new DemoSeedException($"{method} {path} as {actor?.Role ?? "anonymous"} answered {status}: {Shorten(text)}");
            }
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        Interlocked.Increment(ref _waits);
        await Task.Delay(delay, ct);
    }

    private static bool IsWorthWaiting(string problem, string[]? waitFor)
    {
        try
        {
            var details = JsonSerializer.Deserialize<JsonElement>(problem);
            if (details.TryGetProperty("type", out var type) && type.GetString()?.EndsWith("concurrent-change", StringComparison.Ordinal) == true) return true;
            return waitFor is not null && details.TryGetProperty("code", out var code) && waitFor.Contains(code.GetString());
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}

internal static class JsonElementExtensions
{
    public static Guid Id(this JsonElement element) => element.GetProperty("id").GetGuid();

    public static string Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    public static long Number(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
