using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace EuCyberNet.ServiceDefaults.Telemetry;

public static class OpenTelemetryExtensions
{
    /// <summary>
    /// Traces, metrics and logs for ASP.NET Core, HttpClient, Npgsql, Marten, MassTransit and the
    /// platform itself, exported over OTLP to the Aspire dashboard when an endpoint is configured.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql", "Marten", "MassTransit", EuCyberNetTelemetry.Name))
            .WithTracing(tracing => tracing
                .SetSampler(new BackgroundNoiseSampler())
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation()
                .AddSource("Npgsql", "Marten", "MassTransit", EuCyberNetTelemetry.Name));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }
}
