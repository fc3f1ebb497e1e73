using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// What RequestContext does for HTTP, for a consumed message: its correlation id as the logging
/// scope <c>CorrelationId</c> and as the span tag <c>eucybernet.correlation_id</c>, so a consumer's
/// log lines and spans are found by the id of the story that caused them.
/// </summary>
internal static class CorrelationScope
{
    public static IDisposable? Begin(ConsumeContext context, string? correlationId)
    {
        if (string.IsNullOrEmpty(correlationId)) return null;
        Activity.Current?.SetTag("eucybernet.correlation_id", correlationId);
        return context.TryGetPayload<IServiceProvider>(out var services)
            ? services.GetService<ILoggerFactory>()?.CreateLogger("EuCyberNet.Messaging")
                .BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId })
            : null;
    }
}
