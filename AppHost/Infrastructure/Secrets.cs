using System.Security.Cryptography;

namespace EuCyberNet.AppHost.Infrastructure;

/// <summary>
/// Generated credentials kept next to the local data they protect (.data/secrets, mode 600, git-ignored):
/// a server initialised with a password must get the same password on every later run.
/// </summary>
internal static class Secrets
{
    public static string GetOrCreate(string dataDirectory, string name, Func<string> generate)
    {
        var directory = Path.Combine(dataDirectory, "secrets");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var value = generate();
        File.WriteAllText(path, value);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return value;
    }

    public static string PathOf(string dataDirectory, string name) => Path.Combine(dataDirectory, "secrets", name);

    /// <summary>A password of letters and digits only (safe in URIs and connection strings).</summary>
    public static string NewPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
