using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Cli;

/// <summary>
/// <c>partner add --name &lt;n&gt; [--amqp-user &lt;u&gt;]</c> and <c>partner revoke &lt;id&gt;</c>: provisioning of a
/// partner system against a running EU CyberNet. Adding registers the partner (POST /partners with a
/// coordinator token), issues its API key and creates its RabbitMQ user with exactly the permissions
/// of docs/partner-events.md (configure <c>^$</c>, write <c>^partner-events$</c>, read <c>^$</c>, no
/// tags) through the broker's management HTTP API. The key and the generated password are printed
/// once and kept nowhere by us (Projects stores the key's SHA-256 hash only). Revoking revokes the
/// partner in the registry (both channels refuse it from then on), closes its AMQP connections and
/// deletes its RabbitMQ user.
/// </summary>
public static partial class PartnerCommand
{
    public const string ExchangeName = "partner-events";

    /// <summary>The permissions docs/partner-events.md prescribes: publish to the partner exchange, nothing else.</summary>
    public static readonly (string Configure, string Write, string Read) Permissions = ("^$", $"^{ExchangeName}$", "^$");

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken ct = default)
    {
        var verb = args.FirstOrDefault();
        if (verb is not ("add" or "revoke")) return Usage(errors);
        var options = Options.Parse(args.Length > 1 ? args[1..] : []);
        try
        {
            var settings = Settings.From(options);
            return verb switch
            {
                "add" => await AddAsync(options, settings, output, errors, ct),
                "revoke" => await RevokeAsync(args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : null,
                    options, settings, output, errors, ct),
                _ => Usage(errors),
            };
        }
        catch (ProvisioningException e)
        {
            errors.WriteLine(e.Message);
            return 1;
        }
        catch (HttpRequestException e)
        {
            errors.WriteLine($"Cannot reach {e.Data["url"] ?? "the system"}: {e.Message}");
            return 1;
        }
    }

    public static int Usage(TextWriter errors)
    {
        errors.WriteLine("""
            usage: eucybernet partner add --name <name> [--amqp-user <user> | --no-amqp] [--json]
                   eucybernet partner revoke <partner-id> [--reason <text>] [--json]
            options (each also from the environment; defaults are the local AppHost's):
              --gateway <url>              EUCYBERNET_GATEWAY             http://127.0.0.1:5080
              --data-dir <dir>             EUCYBERNET_DATA_DIR            ./.data (its secrets/ hold the token key and broker password)
              --rabbitmq-management <url>  EUCYBERNET_RABBITMQ_MANAGEMENT http://127.0.0.1:55673 (user:password@ allowed)
              --rabbitmq-user <user>       EUCYBERNET_RABBITMQ_USER       eucybernet
              --rabbitmq-password <pw>     EUCYBERNET_RABBITMQ_PASSWORD   <data-dir>/secrets/rabbitmq-password
              --vhost <name>               EUCYBERNET_RABBITMQ_VHOST      /
              token signing key: Auth__SigningKey, else --key-file, else <data-dir>/secrets/jwt-signing-key
            """);
        return 2;
    }

    private static async Task<int> AddAsync(Options options, Settings settings, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var name = options.One("name")?.Trim();
        if (string.IsNullOrEmpty(name) || name == "true")
        {
            errors.WriteLine("--name is required: the partner system's name, e.g. --name \"e-Governance Academy\"");
            return 2;
        }
        string? amqpUser = null;
        if (options.One("no-amqp") is null)
        {
            amqpUser = options.One("amqp-user") ?? DefaultAmqpUser(name);
            if (!AmqpUserName().IsMatch(amqpUser))
            {
                errors.WriteLine($"--amqp-user '{amqpUser}' is not a RabbitMQ user name we accept: 1–100 of letters, digits and . _ @ -");
                return 2;
            }
        }

        using var registry = settings.Registry();
        using var broker = amqpUser is null ? null : settings.Broker();
        if (broker is not null)
        {
            // Before anything is registered: the broker answers, the virtual host exists, and the user
            // is new (never take over an existing user, such as the services' own).
            await broker.ExpectAsync(HttpMethod.Get, $"api/vhosts/{Escape(settings.VirtualHost)}", null, "the virtual host", ct);
            var existing = await broker.SendAsync(HttpMethod.Get, $"api/users/{Escape(amqpUser!)}", null, ct);
            if (existing.StatusCode != HttpStatusCode.NotFound)
                throw new ProvisioningException(existing.IsSuccessStatusCode
                    ? $"The RabbitMQ user '{amqpUser}' already exists: choose another --amqp-user (nothing was changed)."
                    : $"RabbitMQ management answered {(int)existing.StatusCode} for user '{amqpUser}': {await existing.Content.ReadAsStringAsync(ct)}");
        }

        var partner = await registry.ExpectAsync(HttpMethod.Post, "partners", new { name, amqpUser }, "registering the partner", ct);
        var partnerId = partner.GetProperty("id").GetGuid();
        string? password = null;
        JsonElement key;
        try
        {
            key = await registry.ExpectAsync(HttpMethod.Post, $"partners/{partnerId}/keys", null, "issuing the API key", ct);
            if (broker is not null)
            {
                password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 32);
                await broker.ExpectAsync(HttpMethod.Put, $"api/users/{Escape(amqpUser!)}", new { password, tags = "" }, "creating the RabbitMQ user", ct);
                await broker.ExpectAsync(HttpMethod.Put, $"api/permissions/{Escape(settings.VirtualHost)}/{Escape(amqpUser!)}",
                    new { configure = Permissions.Configure, write = Permissions.Write, read = Permissions.Read }, "setting the user's permissions", ct);
            }
        }
        catch (Exception e) when (e is ProvisioningException or HttpRequestException)
        {
            // Leave nothing half-made: no broker user, and a registry entry that is revoked with the cause.
            if (broker is not null) await broker.SendAsync(HttpMethod.Delete, $"api/users/{Escape(amqpUser!)}", null, CancellationToken.None);
            await registry.SendAsync(HttpMethod.Post, $"partners/{partnerId}/revoke",
                new { reason = $"Provisioning failed: {e.Message}" }, CancellationToken.None);
            throw new ProvisioningException($"{e.Message}\nPartner {partnerId} was revoked again and no RabbitMQ user was left behind.");
        }

        var apiKey = key.GetProperty("apiKey").GetString()!;
        if (options.One("json") is not null)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                partnerId,
                name,
                keyId = key.GetProperty("keyId").GetGuid(),
                apiKey,
                amqpUser,
                amqpPassword = password,
                virtualHost = amqpUser is null ? null : settings.VirtualHost,
                permissions = amqpUser is null ? null : new { configure = Permissions.Configure, write = Permissions.Write, read = Permissions.Read },
            }, JsonOptions));
            return 0;
        }
        output.WriteLine($"""
            Partner registered: {name}
              partner id     {partnerId}
              API key        {apiKey}
            """);
        if (amqpUser is not null)
            output.WriteLine($"""
                  AMQP user      {amqpUser}
                  AMQP password  {password}
                  virtual host   {settings.VirtualHost}
                  permissions    configure {Permissions.Configure}  write {Permissions.Write}  read {Permissions.Read}
                """);
        output.WriteLine("""
            The API key and the password are shown this once: hand them to the partner over a safe channel now.
            EU CyberNet keeps only the key's SHA-256 hash and never the password.
            Guide for the partner: docs/partner-events.md
            """);
        return 0;
    }

    private static async Task<int> RevokeAsync(string? id, Options options, Settings settings, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var partnerId))
        {
            errors.WriteLine("usage: eucybernet partner revoke <partner-id> [--reason <text>]   (the id `partner add` printed)");
            return 2;
        }
        var reason = options.One("reason") ?? "Access revoked by an operator (eucybernet partner revoke).";
        using var registry = settings.Registry();
        var partner = await registry.ExpectAsync(HttpMethod.Get, $"partners/{partnerId}", null, "reading the partner", ct);
        var amqpUser = partner.TryGetProperty("amqpUser", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString() : null;

        // The registry first: from this commit on both channels refuse the partner, whatever happens at the broker.
        await registry.ExpectAsync(HttpMethod.Post, $"partners/{partnerId}/revoke", new { reason }, "revoking the partner", ct);
        var brokerOutcome = "no RabbitMQ user";
        if (amqpUser is not null)
        {
            using var broker = settings.Broker();
            var deleted = await broker.SendAsync(HttpMethod.Delete, $"api/users/{Escape(amqpUser)}", null, ct);
            if (!deleted.IsSuccessStatusCode && deleted.StatusCode != HttpStatusCode.NotFound)
                throw new ProvisioningException($"Partner {partnerId} is revoked, but deleting the RabbitMQ user '{amqpUser}' failed " +
                                                $"({(int)deleted.StatusCode}): delete it by hand (rabbitmqctl delete_user {amqpUser}).");
            // Connections opened before the deletion would otherwise live on: close them.
            await broker.SendAsync(HttpMethod.Delete, $"api/connections/username/{Escape(amqpUser)}", null, ct);
            brokerOutcome = deleted.StatusCode == HttpStatusCode.NotFound
                ? $"RabbitMQ user '{amqpUser}' was already gone"
                : $"RabbitMQ user '{amqpUser}' deleted, its connections closed";
        }

        if (options.One("json") is not null)
            output.WriteLine(JsonSerializer.Serialize(new { partnerId, revoked = true, amqpUser, broker = brokerOutcome }, JsonOptions));
        else
            output.WriteLine($"Partner {partnerId} revoked (API keys and AMQP messages refused from now on); {brokerOutcome}.");
        return 0;
    }

    /// <summary>"e-Governance Academy" → "partner-e-governance-academy".</summary>
    public static string DefaultAmqpUser(string name)
    {
        var slug = NonSlug().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length == 0) slug = "system";
        return ("partner-" + slug[..Math.Min(slug.Length, 60)]).TrimEnd('-');
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The same rule as the registry's (PartnerDecisions.AmqpUserName).</summary>
    [GeneratedRegex("^[A-Za-z0-9._@-]{1,100}$")]
    private static partial Regex AmqpUserName();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();

    /// <summary>Where the system is and how to talk to it, from options, the environment and the local AppHost's defaults.</summary>
    private sealed record Settings(Uri Gateway, string SigningKey, string User, Uri Management, string ManagementUser, string ManagementPassword, string VirtualHost)
    {
        public static Settings From(Options options)
        {
            string? Setting(string option, string variable) =>
                options.One(option) ?? (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null);

            var dataDirectory = Setting("data-dir", "EUCYBERNET_DATA_DIR") ?? Path.Combine(Directory.GetCurrentDirectory(), ".data");
            var gateway = new Uri(Setting("gateway", "EUCYBERNET_GATEWAY") ?? "http://127.0.0.1:5080");
            var signingKey = Environment.GetEnvironmentVariable("Auth__SigningKey") is { Length: > 0 } configured
                ? configured
                : ReadSecret(options.One("key-file") ?? Path.Combine(dataDirectory, "secrets", "jwt-signing-key"),
                    "start the system once (./eucybernet up), or set Auth__SigningKey or --key-file");

            var management = new Uri(Setting("rabbitmq-management", "EUCYBERNET_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:55673/");
            var userInfo = Uri.UnescapeDataString(management.UserInfo).Split(':', 2);
            var managementUser = Setting("rabbitmq-user", "EUCYBERNET_RABBITMQ_USER")
                                 ?? (userInfo[0].Length > 0 ? userInfo[0] : "eucybernet");
            var managementPassword = Setting("rabbitmq-password", "EUCYBERNET_RABBITMQ_PASSWORD")
                                     ?? (userInfo.Length == 2 ? userInfo[1] : null);
            // The broker password is only needed when the broker is used; read the file lazily.
            managementPassword ??= File.Exists(Path.Combine(dataDirectory, "secrets", "rabbitmq-password"))
                ? File.ReadAllText(Path.Combine(dataDirectory, "secrets", "rabbitmq-password")).Trim()
                : "";
            var user = options.One("user") ?? $"operator:{Environment.UserName}";
            return new Settings(gateway, signingKey, user, new Uri(management.GetLeftPart(UriPartial.Authority) + "/"),
                managementUser, managementPassword, Setting("vhost", "EUCYBERNET_RABBITMQ_VHOST") ?? "/");
        }

        /// <summary>The registry through the gateway, as a coordinator; one correlation id for the whole command.</summary>
        public Api Registry()
        {
            var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                LocalTokens.Create(SigningKey, User, [Roles.Coordinator], lifetime: TimeSpan.FromMinutes(10)));
            client.DefaultRequestHeaders.Add("X-Correlation-Id", $"partner-provisioning-{Guid.NewGuid():N}");
            return new Api(client, "the gateway");
        }

        public Api Broker()
        {
            if (ManagementPassword.Length == 0)
                throw new ProvisioningException("No RabbitMQ management password: set EUCYBERNET_RABBITMQ_PASSWORD (or --rabbitmq-password, " +
                                                "or user:password@ in the management URL), or run against a local system whose .data/secrets has it.");
            var client = new HttpClient { BaseAddress = Management, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ManagementUser}:{ManagementPassword}")));
            return new Api(client, "RabbitMQ management");
        }

        private static string ReadSecret(string path, string hint) =>
            File.Exists(path) ? File.ReadAllText(path).Trim() : throw new ProvisioningException($"No token signing key at {path}: {hint}.");
    }

    private sealed class Api(HttpClient client, string what) : IDisposable
    {
        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = JsonContent.Create(body);
            try
            {
                return await client.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                e.Data["url"] = $"{what} at {client.BaseAddress}";
                throw;
            }
        }

        public async Task<JsonElement> ExpectAsync(HttpMethod method, string path, object? body, string step, CancellationToken ct)
        {
            using var response = await SendAsync(method, path, body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new ProvisioningException($"{step}: {what} answered {(int)response.StatusCode} {response.ReasonPhrase} {text}".TrimEnd());
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        public void Dispose() => client.Dispose();
    }
}

public sealed class ProvisioningException(string message) : Exception(message);
