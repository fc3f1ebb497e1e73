using Aspire.Hosting.ApplicationModel;

namespace EuCyberNet.AppHost.Infrastructure;

/// <summary>PostgreSQL from the machine's binaries (deploy/local/postgres.sh), as an executable resource.</summary>
public sealed class LocalPostgresResource(string name, string command, string workingDirectory, int port, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={password}");
}

/// <summary>A RabbitMQ node from the machine's rabbitmq-server (deploy/local/rabbitmq.sh), as an executable resource.</summary>
public sealed class LocalRabbitMqResource(string name, string command, string workingDirectory, int port, string user, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{user}:{password}@127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
}

/// <summary>
/// One service's database on a server that is not an Aspire PostgreSQL container (local binaries
/// or an existing server). The AppHost creates it when the server is ready; its health check
/// connects to it, so services that wait for it start only once it exists.
/// </summary>
public sealed class ServiceDatabaseResource(string name, string databaseName, IResourceWithConnectionString server)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public IResourceWithConnectionString Parent { get; } = server;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
