using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Cli;

/// <summary><c>token --role coordinator</c>: a bearer token for calling the local system by hand.</summary>
public static class TokenCommand
{
    public static int Run(string[] args)
    {
        var options = Options.Parse(args);
        var roles = options.All("role");
        if (roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r)))
        {
            Console.Error.WriteLine($"--role is required, one of: {string.Join(", ", Roles.All)}");
            return 2;
        }
        Guid? expertId = null;
        if (options.One("expert") is { } expert)
        {
            if (!Guid.TryParse(expert, out var parsed))
            {
                Console.Error.WriteLine("--expert must be the expert's id (a GUID)");
                return 2;
            }
            expertId = parsed;
        }
        if (roles.Contains(Roles.Expert) && expertId is null)
        {
            Console.Error.WriteLine("an expert token needs --expert <id>: experts act on their own record only");
            return 2;
        }
        var partnerId = options.One("partner");
        if (roles.Contains(Roles.Partner) && partnerId is null)
        {
            Console.Error.WriteLine("a partner token needs --partner <id>: partners act on their own projects only");
            return 2;
        }

        var key = Environment.GetEnvironmentVariable("Auth__SigningKey") ?? ReadKeyFile(options.One("key-file"));
        if (key is null) return 1;
        var hours = options.One("hours") is { } h && double.TryParse(h, System.Globalization.CultureInfo.InvariantCulture, out var parsedHours) ? parsedHours : 8;
        var user = options.One("user") ?? (expertId is { } e ? $"expert-{e:N}"[..15] : partnerId ?? $"local-{roles[0]}");

        Console.WriteLine(LocalTokens.Create(key, user, roles, expertId, partnerId, TimeSpan.FromHours(hours)));
        return 0;
    }

    internal static string? ReadKeyFile(string? path)
    {
        path ??= Path.Combine(Directory.GetCurrentDirectory(), ".data", "secrets", "jwt-signing-key");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        Console.Error.WriteLine($"No signing key at {path}: start the system once (./eucybernet up) to create it, or set Auth__SigningKey.");
        return null;
    }
}

/// <summary>--name value pairs; a name may repeat.</summary>
internal sealed class Options
{
    private readonly List<(string Name, string Value)> _pairs = [];

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var name = args[i][2..];
            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            options._pairs.Add((name, value));
        }
        return options;
    }

    public List<string> All(string name) => [.. _pairs.Where(p => p.Name == name).Select(p => p.Value)];

    public string? One(string name) => _pairs.LastOrDefault(p => p.Name == name).Value;
}
