using System.Collections.Concurrent;
using System.Net;
using EuCyberNet.Gateway;
using EuCyberNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EuCyberNet.Gateway.Tests;

/// <summary>
/// The gateway's logs with its own settings (appsettings.json): every request is already a trace
/// on the dashboard, so forwarding one logs nothing unless it went wrong. YARP's defaults log two
/// Information lines per forwarded request ("Proxying to …", seen on the gateway's console), which
/// under load bury everything else in its log.
/// </summary>
public sealed class GatewayLoggingTests : IDisposable
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _logs = new();
    private readonly ServiceHost<GatewayService> _gateway;

    public GatewayLoggingTests() =>
        _gateway = new ServiceHost<GatewayService>(new Dictionary<string, string?>
            {
                ["Auth:SigningKey"] = EuCyberNet.ServiceDefaults.Security.AuthenticationExtensions.NewSigningKey(),
                // No service runs behind this gateway: the forwarded request fails, which YARP reports.
                ["services:experts:http:0"] = "http://127.0.0.1:1",
            },
            services => services.AddSingleton<ILoggerProvider>(new Capturing(_logs)));

    [Fact]
    public async Task A_forwarded_request_logs_only_what_went_wrong()
    {
        var response = await _gateway.CreateClient().GetAsync("/experts?page=1");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var proxy = _logs.Where(log => log.Category.StartsWith("Yarp.", StringComparison.Ordinal)).ToList();
        // The failure is logged (so the capture works and the filter keeps warnings)...
        Assert.Contains(proxy, log => log.Level >= LogLevel.Warning);
        // ...and the routine "Proxying to …" / "Received HTTP/1.1 response …" lines are not.
        Assert.DoesNotContain(proxy, log => log.Level < LogLevel.Warning);
    }

    public void Dispose() => _gateway.Dispose();

    private sealed class Capturing(ConcurrentQueue<(string, LogLevel, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logs);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
