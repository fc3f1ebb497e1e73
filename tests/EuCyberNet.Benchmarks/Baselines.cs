using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using Weasel.Core;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// The two baselines of the command benchmark, in this process against the same PostgreSQL:
/// raw Npgsql (one JSONB row inserted and committed per operation) and plain Marten (the same
/// Projects events and inline snapshot the service writes, one SaveChangesAsync per event).
/// </summary>
internal static class Baselines
{
    public static readonly string EventJson = System.Text.Json.JsonSerializer.Serialize(new ProjectRegistered(Details("Bench project 0")),
        JsonOptions());

    public static ProjectDetails Details(string title) => new(title, "Bench Fund", ["e-Governance Academy"], ["MD"],
        [CcbTheme.PolicyAndStrategy], [Pillar.NationalStrategicFramework], 2_500_000m,
        new DateOnly(2027, 1, 1), new DateOnly(2028, 12, 31), ProjectStatus.Ongoing);

    private static System.Text.Json.JsonSerializerOptions JsonOptions()
    {
        var options = new System.Text.Json.JsonSerializerOptions();
        JsonDefaults.Configure(options);
        return options;
    }

    /// <summary>Raw Npgsql: an autocommitted single-row insert of the event's JSON per operation.</summary>
    public static async Task<Func<int, long, Task>> RawInsertAsync(string connectionString)
    {
        await CreateRawTableAsync(connectionString);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        return (_, _) => RawInsertOneAsync(dataSource);
    }

    /// <summary>The raw baseline's table: a sequence, the stream id, the type and the JSON.</summary>
    public static async Task CreateRawTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand(
            "create table if not exists raw_events (seq bigserial primary key, stream_id uuid not null, type text not null, data jsonb not null, created timestamptz not null default now())",
            connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>One raw baseline operation: the event's JSON inserted as one row, autocommitted.</summary>
    public static async Task RawInsertOneAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("insert into raw_events (stream_id, type, data) values ($1, 'project_registered', $2::jsonb)");
        command.Parameters.AddWithValue(Guid.NewGuid());
        command.Parameters.AddWithValue(EventJson);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A store configured as AddEventStore configures every service, with the Projects registry's
    /// inline snapshot and its indexes (the same writes the service does). On a service's own
    /// database (<paramref name="ownsSchema"/> false) it never touches the schema the service made.
    /// </summary>
    public static IDocumentStore MartenStore(string connectionString, bool ownsSchema = false) => DocumentStore.For(options =>
    {
        options.Connection(connectionString);
        options.AutoCreateSchemaObjects = ownsSchema ? JasperFx.AutoCreate.CreateOrUpdate : JasperFx.AutoCreate.None;
        options.Schema.For<Project>().GinIndexJsonData().Index(p => p.Source);
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, JsonDefaults.Configure);
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Projections.Snapshot<Project>(SnapshotLifecycle.Inline);
    });

    /// <summary>
    /// Plain Marten: the same mix as the HTTP benchmark (half register a new project stream, half
    /// change a project registered earlier with FetchForWriting + Append), one SaveChangesAsync per event.
    /// </summary>
    public static Func<int, long, Task> PlainMarten(IDocumentStore store, int clients)
    {
        var registered = Enumerable.Range(0, clients).Select(_ => new Queue<Guid>()).ToArray();
        return async (worker, n) =>
        {
            var mine = registered[worker];
            if (n % 2 == 0 && mine.TryDequeue(out var id))
            {
                await using var session = store.LightweightSession();
                session.LastModifiedBy = "benchmark";
                var stream = await session.Events.FetchForWriting<Project>(id);
                stream.AppendOne(new ProjectDetailsChanged(Details($"Bench project {id} renamed"), ["title"]));
                await session.SaveChangesAsync();
            }
            else
            {
                id = Guid.NewGuid();
                await PlainMartenRegisterAsync(store, id, Details($"Bench project {n}"));
                mine.Enqueue(id);
            }
        };
    }

    /// <summary>One plain Marten registration: a new project stream, its first event and inline snapshot, one SaveChangesAsync.</summary>
    public static async Task PlainMartenRegisterAsync(IDocumentStore store, Guid id, ProjectDetails details)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = "benchmark";
        session.Events.StartStream<Project>(id, new ProjectRegistered(details));
        await session.SaveChangesAsync();
    }
}
