using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;

namespace EuCyberNet.AppHost.Infrastructure;

/// <summary>Ready means "answers a query", not "the process started".</summary>
internal sealed class PostgresReadyCheck(IResourceWithConnectionString resource, string database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var connectionString = await resource.GetConnectionStringAsync(ct);
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Timeout = 3, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            return HealthCheckResult.Unhealthy($"database '{database}' does not answer", e);
        }
    }
}

internal sealed class RabbitMqReadyCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var uri = await resource.GetConnectionStringAsync(ct);
            var factory = new ConnectionFactory { Uri = new Uri(uri!), RequestedConnectionTimeout = TimeSpan.FromSeconds(3), AutomaticRecoveryEnabled = false };
            await using var connection = await factory.CreateConnectionAsync("eucybernet-apphost-health", ct);
            await connection.CloseAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("RabbitMQ does not accept connections", e);
        }
    }
}
