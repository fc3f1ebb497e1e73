using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL (one database per service) and RabbitMQ for the whole system, from wherever this
/// machine can provide them: containers, local binaries, or existing servers.
/// </summary>
public sealed class PlatformInfrastructure
{
    private readonly Func<string, IResourceBuilder<IResourceWithConnectionString>> _addDatabase;

    internal PlatformInfrastructure(
        InfrastructureMode mode, string dataDirectory, IResourceBuilder<IResourceWithConnectionString> rabbitMq,
        Func<string, IResourceBuilder<IResourceWithConnectionString>> addDatabase)
    {
        Mode = mode;
        DataDirectory = dataDirectory;
        RabbitMq = rabbitMq;
        _addDatabase = addDatabase;
    }

    public InfrastructureMode Mode { get; }

    /// <summary>Local state of this AppHost: server data (local mode) and generated secrets.</summary>
    public string DataDirectory { get; }

    public IResourceBuilder<IResourceWithConnectionString> RabbitMq { get; }

    /// <summary>Existing servers have no lifecycle Aspire can wait on (aspire #11139).</summary>
    public bool CanWait => Mode != InfrastructureMode.External;

    public IResourceBuilder<IResourceWithConnectionString> Database(string name) => _addDatabase(name);
}

public static partial class PlatformInfrastructureExtensions
{
    public static PlatformInfrastructure AddPlatformInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Infrastructure").Get<InfrastructureOptions>() ?? new InfrastructureOptions();
        var mode = options.Resolve(builder.Configuration.GetConnectionString("postgres"), builder.Configuration.GetConnectionString("rabbitmq"));
        var dataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));
        Directory.CreateDirectory(dataDirectory);

        return mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder, dataDirectory),
            InfrastructureMode.Local => AddLocalServers(builder, options, dataDirectory),
            _ => AddExistingServers(builder, dataDirectory),
        };
    }

    private static PlatformInfrastructure AddContainers(IDistributedApplicationBuilder builder, string dataDirectory)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume("eucybernet-postgres");
        var rabbitMq = builder.AddRabbitMQ("rabbitmq").WithManagementPlugin().WithDataVolume("eucybernet-rabbitmq");
        return new PlatformInfrastructure(InfrastructureMode.Containers, dataDirectory, rabbitMq, name => postgres.AddDatabase(name));
    }

    private static PlatformInfrastructure AddLocalServers(IDistributedApplicationBuilder builder, InfrastructureOptions options, string dataDirectory)
    {
        var scripts = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "deploy", "local"));
        static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

        var postgresPassword = Secrets.GetOrCreate(dataDirectory, "postgres-password", Secrets.NewPassword);
        var postgres = builder.AddResource(new LocalPostgresResource(
                "postgres", Path.Combine(scripts, "postgres.sh"), dataDirectory, options.PostgresPort,
                builder.AddParameter("postgres-password", () => postgresPassword, secret: true).Resource))
            .WithArgs(Path.Combine(dataDirectory, "postgres"), Text(options.PostgresPort), Secrets.PathOf(dataDirectory, "postgres-password"))
            .WithEndpoint(port: options.PostgresPort, targetPort: options.PostgresPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithIconName("DatabaseMultiple")
            .ExcludeFromManifest();
        AddReadyCheck(postgres, "postgres_ready", r => new PostgresReadyCheck(r, "postgres"));

        const string rabbitUser = "eucybernet";
        var rabbitPassword = Secrets.GetOrCreate(dataDirectory, "rabbitmq-password", Secrets.NewPassword);
        var rabbitMq = builder.AddResource(new LocalRabbitMqResource(
                "rabbitmq", Path.Combine(scripts, "rabbitmq.sh"), dataDirectory, options.RabbitMqPort, rabbitUser,
                builder.AddParameter("rabbitmq-password", () => rabbitPassword, secret: true).Resource))
            .WithArgs(Path.Combine(dataDirectory, "rabbitmq"), Text(options.RabbitMqPort), Text(options.RabbitMqManagementPort),
                options.RabbitMqNodeName, rabbitUser, Secrets.PathOf(dataDirectory, "rabbitmq-password"), Text(options.RabbitMqDistributionPort))
            .WithEndpoint(port: options.RabbitMqPort, targetPort: options.RabbitMqPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHttpEndpoint(port: options.RabbitMqManagementPort, targetPort: options.RabbitMqManagementPort, name: "management", isProxied: false)
            .WithUrlForEndpoint("management", url => url.DisplayText = "RabbitMQ management")
            .WithIconName("MailMultiple")
            .ExcludeFromManifest();
        AddReadyCheck(rabbitMq, "rabbitmq_ready", r => new RabbitMqReadyCheck(r));

        var databases = new List<ServiceDatabaseResource>();
        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres.Resource, (e, ct) => CreateDatabasesAsync(postgres.Resource, databases, e.Services, ct));

        return new PlatformInfrastructure(InfrastructureMode.Local, dataDirectory, rabbitMq, name =>
        {
            var database = AddServiceDatabase(builder, name, postgres.Resource);
            databases.Add(database.Resource);
            return database;
        });
    }

    private static PlatformInfrastructure AddExistingServers(IDistributedApplicationBuilder builder, string dataDirectory)
    {
        var postgres = builder.AddConnectionString("postgres");
        var rabbitMq = builder.AddConnectionString("rabbitmq");
        var databases = new List<ServiceDatabaseResource>();
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) => CreateDatabasesAsync(postgres.Resource, databases, e.Services, ct));
        return new PlatformInfrastructure(InfrastructureMode.External, dataDirectory, rabbitMq, name =>
        {
            var database = AddServiceDatabase(builder, name, postgres.Resource);
            databases.Add(database.Resource);
            return database;
        });
    }

    private static IResourceBuilder<ServiceDatabaseResource> AddServiceDatabase(
        IDistributedApplicationBuilder builder, string name, IResourceWithConnectionString server)
    {
        var database = builder.AddResource(new ServiceDatabaseResource(name, name, server)).WithIconName("Database");
        AddReadyCheck(database, $"{name}_ready", r => new PostgresReadyCheck(r.Parent, r.DatabaseName));
        return database;
    }

    private static void AddReadyCheck<T>(IResourceBuilder<T> resource, string key, Func<T, IHealthCheck> check) where T : IResource
    {
        resource.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => check(resource.Resource), HealthStatus.Unhealthy, tags: null));
        resource.WithHealthCheck(key);
    }

    /// <summary>CREATE DATABASE for every service database the server does not have yet.</summary>
    private static async Task CreateDatabasesAsync(
        IResourceWithConnectionString server, IReadOnlyList<ServiceDatabaseResource> databases, IServiceProvider services, CancellationToken ct)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("EuCyberNet.AppHost.Infrastructure");
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var connectionString = new NpgsqlConnectionStringBuilder(await server.GetConnectionStringAsync(ct)) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync(ct);
        foreach (var database in databases)
        {
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
            exists.Parameters.AddWithValue(database.DatabaseName);
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                var name = new NpgsqlCommandBuilder().QuoteIdentifier(database.DatabaseName);
                await using var create = new NpgsqlCommand($"create database {name}", connection);
                await create.ExecuteNonQueryAsync(ct);
                LogCreated(logger, database.DatabaseName);
            }
            // A database is a child resource without a process of its own: it runs once it exists,
            // and from then on its health check says whether services may use it.
            await notifications.PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        }
    }

    [LoggerMessage(LogLevel.Information, "Created database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);
}
