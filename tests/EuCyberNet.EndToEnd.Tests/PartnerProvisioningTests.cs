using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EuCyberNet.Cli;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Testing;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>
/// `./eucybernet partner add` / `revoke` (tools/EuCyberNet.Cli) against the running system: the gateway,
/// the Projects service behind it and the AppHost's RabbitMQ with its management API, all real.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class PartnerProvisioningTests(AppHostFixture system, ITestOutputHelper output)
{
    private static readonly TimeSpan Async = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_provisioned_partner_reports_over_both_channels_may_do_nothing_else_and_is_shut_out_when_revoked()
    {
        var amqpUser = $"partner-ega-{Guid.NewGuid():N}"[..24];
        var added = await CliAsync(0, "partner", "add", "--name", "e-Governance Academy", "--amqp-user", amqpUser, "--json");
        using var json = JsonDocument.Parse(added);
        var partnerId = json.RootElement.GetProperty("partnerId").GetGuid();
        var apiKey = json.RootElement.GetProperty("apiKey").GetString()!;
        var password = json.RootElement.GetProperty("amqpPassword").GetString()!;
        Assert.StartsWith("ecn_", apiKey, StringComparison.Ordinal);
        Assert.True(password.Length >= 32);

        // The registry knows the partner with its RabbitMQ user, as registered by the operator as a coordinator.
        var partner = await Coordinator().GetFromJsonAsync<JsonElement>($"/partners/{partnerId}");
        Assert.Equal((amqpUser, "active"), (partner.GetProperty("amqpUser").GetString(), partner.GetProperty("status").GetString()));
        Assert.Equal(apiKey[..10], Assert.Single(partner.GetProperty("keys").EnumerateArray()).GetProperty("prefix").GetString());
        var history = await Coordinator().GetFromJsonAsync<JsonElement[]>($"/partners/{partnerId}/history");
        Assert.Equal(new[] { "PartnerRegistered", "PartnerApiKeyIssued" }, history!.Select(e => e.GetProperty("type").GetString()));
        Assert.All(history!, e => Assert.StartsWith("operator:", e.GetProperty("user").GetString(), StringComparison.Ordinal));

        // Projects keeps the key's SHA-256 hash, never the key.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        Assert.Equal(0, await RowsContainingAsync("projectsdb", apiKey));
        Assert.Equal(0, await RowsContainingAsync("projectsdb", apiKey["ecn_".Length..]));
        Assert.True(await RowsContainingAsync("projectsdb", hash) > 0, "the key's hash is stored");

        // The broker user: no tags, and exactly the permissions of docs/partner-events.md, on the services' virtual host only.
        using var management = Management();
        var user = await management.GetFromJsonAsync<JsonElement>($"api/users/{amqpUser}");
        Assert.Equal("", TagsOf(user));
        var permission = Assert.Single(await management.GetFromJsonAsync<JsonElement[]>($"api/users/{amqpUser}/permissions") ?? []);
        Assert.Equal(("/", "^$", "^partner-events$", "^$"), (permission.GetProperty("vhost").GetString(), permission.GetProperty("configure").GetString(),
            permission.GetProperty("write").GetString(), permission.GetProperty("read").GetString()));

        // HTTP: the API key is accepted at the gateway.
        var httpReport = await PostPartnerEventAsync(apiKey, Report($"ega-http-{Guid.NewGuid():N}", "EGA-MD-HTTP"));
        Assert.Equal(HttpStatusCode.Accepted, httpReport.StatusCode);

        // AMQP: the partner publishes to partner-events as itself; Projects maps user_id to the partner.
        var amqp = new Uri($"amqp://{amqpUser}:{password}@127.0.0.1:{system.RabbitMqPort}/");
        await using var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        await PublishAsync(connection, "partner-events", "project.reported", Report($"ega-amqp-{Guid.NewGuid():N}", "EGA-MD-AMQP"), amqpUser);
        var projects = await Eventually.ReturnsAsync(
            () => Coordinator().GetFromJsonAsync<JsonElement>($"/projects?source={partnerId}"),
            page => page.GetProperty("total").GetInt64() == 2, Async, "both reported projects in the registry");
        Assert.All(projects.GetProperty("items").EnumerateArray(), p => Assert.Equal(partnerId.ToString(), p.GetProperty("source").GetString()));

        // ...and can do nothing else: not configure, not read, not write elsewhere, not speak for someone else.
        await RefusedAsync(connection, c => c.QueueDeclareAsync($"{amqpUser}-own-queue", durable: false, exclusive: false, autoDelete: true), "ACCESS_REFUSED");
        await RefusedAsync(connection, c => c.ExchangeDeclareAsync("partner-events", ExchangeType.Topic, durable: true), "ACCESS_REFUSED");
        await RefusedAsync(connection, c => c.BasicGetAsync("projects-partner-events", autoAck: false), "ACCESS_REFUSED");
        await RefusedAsync(connection, c => c.QueuePurgeAsync("projects-partner-events"), "ACCESS_REFUSED");
        await RefusedAsync(connection, c => PublishOnAsync(c, "amq.topic", "project.reported", Report("x-1", "X"), amqpUser), "ACCESS_REFUSED");
        await RefusedAsync(connection, c => PublishOnAsync(c, "partner-events", "project.reported", Report("x-2", "X"), "eucybernet"), "user_id");

        // The same RabbitMQ user cannot be provisioned twice (nor taken over): nothing is registered then.
        var partnersBefore = (await Coordinator().GetFromJsonAsync<JsonElement>("/partners?pageSize=200")).GetProperty("total").GetInt64();
        var refused = await CliAsync(1, "partner", "add", "--name", "Impostor", "--amqp-user", "eucybernet");
        Assert.Contains("already exists", refused, StringComparison.Ordinal);
        Assert.Equal(partnersBefore, (await Coordinator().GetFromJsonAsync<JsonElement>("/partners?pageSize=200")).GetProperty("total").GetInt64());

        // Revoking: the registry refuses the partner on both channels, and the broker user is gone with its connections.
        var keptOpen = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        await CliAsync(0, "partner", "revoke", partnerId.ToString(), "--reason", "Contract ended");
        Assert.Equal("revoked", (await Coordinator().GetFromJsonAsync<JsonElement>($"/partners/{partnerId}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostPartnerEventAsync(apiKey, Report($"ega-http-{Guid.NewGuid():N}", "EGA-MD-LATE"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync($"api/users/{amqpUser}")).StatusCode);
        var shutOut = await Assert.ThrowsAnyAsync<Exception>(() => new ConnectionFactory { Uri = amqp }.CreateConnectionAsync());
        Assert.True(shutOut is BrokerUnreachableException or AuthenticationFailureException, shutOut.ToString());
        await Eventually.ReturnsAsync(() => Task.FromResult(keptOpen.IsOpen), open => !open, Async, "the connection opened before the revocation closed");
        await keptOpen.DisposeAsync();
        var revokedHistory = await Coordinator().GetFromJsonAsync<JsonElement[]>($"/partners/{partnerId}/history");
        Assert.Equal("Contract ended", revokedHistory![^1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_partner_without_AMQP_gets_an_API_key_only_and_revoking_it_touches_no_broker_user()
    {
        var added = await CliAsync(0, "partner", "add", "--name", "HTTP-only ministry", "--no-amqp", "--json");
        using var json = JsonDocument.Parse(added);
        var partnerId = json.RootElement.GetProperty("partnerId").GetGuid();
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("amqpUser").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("amqpPassword").ValueKind);

        var revoked = await CliAsync(0, "partner", "revoke", partnerId.ToString());
        Assert.Contains("no RabbitMQ user", revoked, StringComparison.Ordinal);
        Assert.Equal(2, await CliExitCodeAsync("partner", "revoke", "not-a-guid"));
        Assert.Equal(2, await CliExitCodeAsync("partner", "add"));
    }

    private string[] SystemOptions() =>
    [
        "--gateway", system.Gateway.BaseAddress!.ToString(),
        "--data-dir", system.DataDirectory,
        "--rabbitmq-management", $"http://127.0.0.1:{system.RabbitMqManagementPort}/",
    ];

    /// <summary>Runs the command as `./eucybernet` does (same entry point), with this system's addresses; its output.</summary>
    private async Task<string> CliAsync(int expectedExitCode, params string[] args)
    {
        var (code, stdout, stderr) = await RunCliAsync(args);
        output.WriteLine($"$ eucybernet {string.Join(' ', args)} → {code}\n{stdout}{stderr}");
        Assert.True(code == expectedExitCode, $"exit code {code}: {stderr}");
        return code == 0 ? stdout : stderr;
    }

    private async Task<int> CliExitCodeAsync(params string[] args) => (await RunCliAsync(args)).Code;

    private async Task<(int Code, string Stdout, string Stderr)> RunCliAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PartnerCommand.RunAsync([.. args[1..], .. SystemOptions()], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private HttpClient Coordinator()
    {
        var client = system.App.CreateHttpClient("gateway");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            LocalTokens.Create(system.SigningKey, "coordinator.ines", [Roles.Coordinator]));
        return client;
    }

    private HttpClient Management()
    {
        var password = File.ReadAllText(Path.Combine(system.DataDirectory, "secrets", "rabbitmq-password")).Trim();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system.RabbitMqManagementPort}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"eucybernet:{password}")));
        return client;
    }

    private static string TagsOf(JsonElement user) => user.GetProperty("tags") switch
    {
        { ValueKind: JsonValueKind.Array } tags => string.Join(',', tags.EnumerateArray().Select(t => t.GetString())),
        var tags => tags.GetString() ?? "",
    };

    private async Task<HttpResponseMessage> PostPartnerEventAsync(string apiKey, byte[] body)
    {
        using var client = system.App.CreateHttpClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partner-events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Api-Key", apiKey);
        return await client.SendAsync(request);
    }

    private static byte[] Report(string eventId, string projectRef) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        eventId,
        type = "project-reported",
        occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        projectRef,
        project = new
        {
            title = "Cyber resilience for Moldova",
            funder = "Estonia (MFA)",
            implementers = new[] { "e-Governance Academy" },
            beneficiaryCountries = new[] { "MD" },
            themes = new[] { "policy-and-strategy" },
            startDate = "2027-01-01",
            endDate = "2028-06-30",
        },
    });

    private static async Task PublishAsync(IConnection connection, string exchange, string routingKey, byte[] body, string userId)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await PublishOnAsync(channel, exchange, routingKey, body, userId);
    }

    private static async Task PublishOnAsync(IChannel channel, string exchange, string routingKey, byte[] body, string userId)
    {
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, UserId = userId, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body);
        // A refused publish closes the channel asynchronously; a round trip makes the refusal arrive here.
        await channel.ExchangeDeclarePassiveAsync(exchange);
    }

    /// <summary>The broker refuses the operation: the channel is closed with <paramref name="reason"/>.</summary>
    private static async Task RefusedAsync(IConnection connection, Func<IChannel, Task> operation, string reason)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => operation(channel));
        Assert.True(refused is OperationInterruptedException or AlreadyClosedException or PublishException, refused.ToString());
        Assert.Contains(reason, refused.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Rows of every table of a service database whose text contains <paramref name="value"/>.</summary>
    private async Task<long> RowsContainingAsync(string database, string value)
    {
        var password = File.ReadAllText(Path.Combine(system.DataDirectory, "secrets", "postgres-password")).Trim();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={system.PostgresPort};Username=postgres;Password={password};Database={database}");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select format('%I.%I', table_schema, table_name) from information_schema.tables " +
                         "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        long rows = 0;
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"select count(*) from {table} t where strpos(t::text, @value) > 0", connection);
            count.Parameters.AddWithValue("value", value);
            rows += (long)(await count.ExecuteScalarAsync())!;
        }
        return rows;
    }
}
