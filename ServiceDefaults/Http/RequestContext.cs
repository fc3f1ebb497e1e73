using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>
/// Who is asking and which story this request belongs to. The correlation id comes from the
/// caller's <c>X-Correlation-Id</c> header when it is a sane token, else from the W3C trace id, so
/// that an auditor's correlation id and an operator's trace are the same thing. It is echoed back,
/// written into every log scope and stored on every event the request appends.
/// </summary>
public static class RequestContext
{
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string CausationHeader = "X-Causation-Id";
    private const string ItemKey = "eucybernet.correlation-id";

    public static string CorrelationId(this HttpContext http) =>
        http.Items.TryGetValue(ItemKey, out var value) && value is string id ? id : Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;

    /// <summary>What caused the events of this request: the caller's causation id, else this request's span.</summary>
    public static string CausationId(this HttpContext http) =>
        IsSaneToken(http.Request.Headers[CausationHeader].ToString()) ? http.Request.Headers[CausationHeader].ToString()
        : Activity.Current?.SpanId.ToHexString() ?? http.TraceIdentifier;

    /// <summary>The user recorded on events: the token's subject or name, else "anonymous".</summary>
    public static string UserName(this ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true
            ? user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity.Name ?? "unknown"
            : "anonymous";

    internal static bool IsSaneToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    internal sealed class Middleware(RequestDelegate next, ILogger<Middleware> logger)
    {
        public async Task InvokeAsync(HttpContext http)
        {
            var incoming = http.Request.Headers[CorrelationHeader].ToString();
            var correlationId = IsSaneToken(incoming) ? incoming : Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;
            http.Items[ItemKey] = correlationId;
            Activity.Current?.SetTag("eucybernet.correlation_id", correlationId);
            http.Response.OnStarting(() =>
            {
                http.Response.Headers[CorrelationHeader] = correlationId;
                return Task.CompletedTask;
            });
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId }))
            {
                await next(http);
            }
        }
    }
}
