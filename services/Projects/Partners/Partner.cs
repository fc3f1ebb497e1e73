using System.Security.Cryptography;
using System.Text;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events;

namespace EuCyberNet.Projects.Partners;

public enum PartnerStatus
{
    Active = 1,
    Revoked,
}

/// <summary>An API key as the registry shows it: never the key itself, only its first characters.</summary>
public sealed record PartnerKey(Guid KeyId, string Prefix, DecisionOn Issued, DecisionOn? Revoked);

public sealed record DecisionOn(string? By, DateTimeOffset At, string? Reason);

// Domain events of the partner registry. Keys are stored as SHA-256 hashes only.

public sealed record PartnerRegistered(string Name, string? AmqpUser);

public sealed record PartnerApiKeyIssued(Guid KeyId, string KeyHash, string Prefix);

public sealed record PartnerApiKeyRevoked(Guid KeyId, string? Reason);

public sealed record PartnerRevoked(string Reason);

/// <summary>
/// A partner system that may publish project events: an implementer's or a Member State's system.
/// It is known by its API keys (HTTP) and its RabbitMQ user name (AMQP <c>user_id</c>).
/// </summary>
public sealed record Partner(
    Guid Id, string Name, string? AmqpUser, PartnerStatus Status, IReadOnlyList<PartnerKey> Keys, DecisionOn Registered, DecisionOn? Revoked) : IAggregate
{
    public long Version { get; init; }

    public static Partner Create(IEvent<PartnerRegistered> e) =>
        new(e.StreamId, e.Data.Name, e.Data.AmqpUser, PartnerStatus.Active, [], new DecisionOn(e.UserName, e.Timestamp, null), null);

    public static Partner Apply(IEvent<PartnerApiKeyIssued> e, Partner p) =>
        p with { Keys = [.. p.Keys, new PartnerKey(e.Data.KeyId, e.Data.Prefix, new DecisionOn(e.UserName, e.Timestamp, null), null)] };

    public static Partner Apply(IEvent<PartnerApiKeyRevoked> e, Partner p) =>
        p with
        {
            Keys = [.. p.Keys.Select(k => k.KeyId == e.Data.KeyId ? k with { Revoked = new DecisionOn(e.UserName, e.Timestamp, e.Data.Reason) } : k)],
        };

    public static Partner Apply(IEvent<PartnerRevoked> e, Partner p) =>
        p with { Status = PartnerStatus.Revoked, Revoked = new DecisionOn(e.UserName, e.Timestamp, e.Data.Reason) };
}

/// <summary>
/// Lookup of an API key by its hash, written in the same transaction as the partner's key events
/// (a key is high-entropy random, so an unsalted SHA-256 is what it needs: nothing to brute-force).
/// </summary>
public sealed record PartnerApiKey(string Id, Guid PartnerId, Guid KeyId, bool Revoked);

public static class ApiKeys
{
    public const string Header = "X-Api-Key";
    private const string Scheme = "ecn_";

    public static (string Key, string Hash, string Prefix) New()
    {
        var key = Scheme + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, Hash(key), key[..(Scheme.Length + 6)]);
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())));
}
