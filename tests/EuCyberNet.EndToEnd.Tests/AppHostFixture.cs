using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using EuCyberNet.Testing;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>
/// The whole system as `./eucybernet up` runs it on a machine without containers: the AppHost in
/// local mode, starting PostgreSQL and RabbitMQ from the machine's binaries (on free ports, in a
/// throwaway data folder), the five services and the gateway.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = TestEnvironment.NewTempDirectory("apphost");

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public static readonly string[] Services = ["experts", "projects", "training", "coordination", "gateway"];

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.EuCyberNet_AppHost>(
        [
            "Infrastructure:Mode=local",
            $"Infrastructure:DataDirectory={_dataDirectory}",
            $"Infrastructure:PostgresPort={TestEnvironment.FreePort()}",
            $"Infrastructure:RabbitMqPort={TestEnvironment.FreePort()}",
            $"Infrastructure:RabbitMqManagementPort={TestEnvironment.FreePort()}",
            $"Infrastructure:RabbitMqDistributionPort={TestEnvironment.FreePort()}",
            $"Infrastructure:RabbitMqNodeName=eucn-e2e-{Guid.NewGuid():N}@localhost",
            "Gateway:Port=0",
        ]);
        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(startup.Token);
        foreach (var service in Services)
            await App.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
        Gateway = App.CreateHttpClient("gateway");
        SigningKey = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "secrets", "jwt-signing-key"))).Trim();
    }

    /// <summary>The key the AppHost generated for this system's tokens.</summary>
    public string SigningKey { get; private set; } = null!;

    /// <summary>A gateway client with a token of <paramref name="role"/> for <paramref name="user"/>.</summary>
    public HttpClient Client(string role, string user, Guid? expertId = null, string? partnerId = null)
    {
        var client = App.CreateHttpClient("gateway");
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            EuCyberNet.ServiceDefaults.Security.LocalTokens.Create(SigningKey, user, [role], expertId, partnerId));
        return client;
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null) await App.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a server may still be flushing; the folder is in the temp directory anyway
        }
    }
}

/// <summary>One running system for every end-to-end test class (starting it takes half a minute).</summary>
[CollectionDefinition(Name)]
public sealed class RunningSystem : ICollectionFixture<AppHostFixture>
{
    public const string Name = "system";
}
