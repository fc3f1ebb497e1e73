using EuCyberNet.Coordination;
using EuCyberNet.Experts;
using EuCyberNet.Projects;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Training;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.Drills;

/// <summary>
/// The drill's own account of what each relay owes. It reads a service's event store from the first
/// event, in sequence order and in pages, and maps every event with the service's own mapper (the
/// code its relay runs, with the same per-page stream states), giving every integration event the
/// relay must publish: its MessageId and type. The tap can only show what was published; this shows
/// what should have been, so an event the relay passed over — a checkpoint moved past an unconfirmed
/// page, a page read short, a sequence gap skipped while its append was still live — is counted lost.
/// <para>
/// Each service's Marten store is built once per process from the service's own module
/// (<c>AddProjects()</c>, …: the same event types, serializer and aggregates), never started and
/// never migrating (<see cref="AutoCreate.None"/>); every read opens its session on the drill's
/// database of that service.
/// </para>
/// </summary>
public static class RelayWitness
{
    private static readonly Dictionary<string, Func<WebApplicationBuilder, WebApplicationBuilder>> Modules = new(StringComparer.Ordinal)
    {
        ["experts"] = b => b.AddExperts(),
        ["projects"] = b => b.AddProjects(),
        ["training"] = b => b.AddTraining(),
        ["coordination"] = b => b.AddCoordination(),
    };

    private static readonly Dictionary<string, Lazy<(IDocumentStore Store, IIntegrationEventMapper Mapper)>> Stores = [];

    private const int PageSize = 500;

    /// <summary>Whether the drill knows how to read <paramref name="service"/>'s store.</summary>
    public static bool Knows(string service) => Modules.ContainsKey(service);

    /// <summary>MessageId → message type of every integration event <paramref name="service"/>'s relay owes for the events now in its store.</summary>
    public static async Task<Dictionary<Guid, string>> OwedAsync(string service, string connectionString, CancellationToken ct = default)
    {
        var (store, mapper) = StoreOf(service, connectionString);
        // An open connection of the drill's database: Marten reads through it (a connection string
        // in SessionOptions would be ignored for the store's own data source, and that is another drill's).
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var session = store.QuerySession(Marten.Services.SessionOptions.ForConnection(connection));
        var owed = new Dictionary<Guid, string>();
        long after = 0;
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(PageSize)
                .ToListAsync(ct);
            if (page.Count == 0) return owed;
            foreach (var message in await IntegrationEventRelay.MapPageAsync(mapper, session, page, ct))
                owed[message.MessageId] = message.Message.GetType().Name;
            after = page[^1].Sequence;
        }
    }

    private static (IDocumentStore, IIntegrationEventMapper) StoreOf(string service, string connectionString)
    {
        Lazy<(IDocumentStore, IIntegrationEventMapper)> lazy;
        lock (Stores)
        {
            if (!Stores.TryGetValue(service, out lazy!))
                Stores[service] = lazy = new(() => Build(service, connectionString));
        }
        return lazy.Value;
    }

    private static (IDocumentStore, IIntegrationEventMapper) Build(string service, string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{service}db"] = connectionString,
            // The bus is registered by the module but never started here: nothing connects to it.
            ["ConnectionStrings:rabbitmq"] = "amqp://guest:guest@127.0.0.1:1/",
        });
        Modules[service](builder);
        // The witness only reads: no schema check or migration against the drill's databases.
        builder.Services.ConfigureMarten(options => options.AutoCreateSchemaObjects = AutoCreate.None);
        var app = builder.Build();
        return (app.Services.GetRequiredService<IDocumentStore>(), app.Services.GetRequiredService<IIntegrationEventMapper>());
    }
}
