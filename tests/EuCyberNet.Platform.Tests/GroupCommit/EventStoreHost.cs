using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EuCyberNet.Platform.Tests.GroupCommit;

/// <summary>
/// A started host with the event store as every service configures it (<c>AddEventStore</c>), on a
/// database of its own on the test run's PostgreSQL.
/// </summary>
internal sealed class EventStoreHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EventStoreHost(IHost host, string connectionString)
    {
        _host = host;
        ConnectionString = connectionString;
    }

    public IServiceProvider Services => _host.Services;

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public StoreOptions Options => Services.GetRequiredService<StoreOptions>();

    /// <summary>The database's connection string, for raw Npgsql checks.</summary>
    public string ConnectionString { get; }

    /// <param name="database">The connection name, and the database's name on the test server.</param>
    /// <param name="configure">The service's own store options (projections, event types, subscriptions).</param>
    /// <param name="host">Anything else the host needs before it is built (logging, services).</param>
    public static async Task<EventStoreHost> StartAsync(string database, Action<StoreOptions> configure, Action<HostApplicationBuilder>? host = null)
    {
        var platform = await TestPlatform.CreateAsync();
        var settings = await platform.SettingsForAsync(database);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        host?.Invoke(builder);
        builder.AddEventStore(database, configure);
        var started = builder.Build();
        await started.StartAsync();
        return new EventStoreHost(started, settings[$"ConnectionStrings:{database}"]!);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
