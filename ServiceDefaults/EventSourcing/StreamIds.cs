using System.Security.Cryptography;
using System.Text;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// Stream ids chosen by the server. With an <c>Idempotency-Key</c> header the id is derived from the
/// key (a name-based UUID, RFC 9562 v5), so a retried create collides with the stream it already
/// started instead of creating a second resource; without one it is a time-ordered v7 UUID.
/// </summary>
public static class StreamIds
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly Guid Namespace = new("6d1b7c52-3f0e-4d6c-9d0a-5f2a3c8e9b71");

    public static Guid ForCreate(HttpRequest request, string scope)
    {
        var key = request.Headers[IdempotencyKeyHeader].ToString();
        return RequestContext.IsSaneToken(key) ? NameBased($"{scope}/{key}") : Guid.CreateVersion7();
    }

    public static bool HasIdempotencyKey(HttpRequest request) => request.Headers.ContainsKey(IdempotencyKeyHeader);

    /// <summary>RFC 9562 version 5 UUID of <paramref name="name"/> in the platform's namespace.</summary>
    public static Guid NameBased(string name) => NameBased(Namespace, name);

    public static Guid NameBased(Guid @namespace, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        @namespace.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        ns.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 defines v5 UUIDs with SHA-1; this is naming, not security.
        SHA1.HashData(buffer, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
