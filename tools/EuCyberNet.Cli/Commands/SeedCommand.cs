using EuCyberNet.Demo;
using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Cli;

/// <summary>
/// <c>seed --gateway http://127.0.0.1:5080</c>: loads the demo network through the public API
/// (see <see cref="DemoSeeder"/>), with tokens signed like <c>token</c>'s.
/// </summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var gateway = options.One("gateway") ?? "http://127.0.0.1:5080";
        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var address))
        {
            Console.Error.WriteLine("--gateway must be the gateway's address, e.g. http://127.0.0.1:5080");
            return 2;
        }
        var key = options.One("signing-key") ?? Environment.GetEnvironmentVariable("Auth__SigningKey") ?? TokenCommand.ReadKeyFile(options.One("key-file"));
        if (key is null) return 1;
        var demo = new DemoOptions();
        if (options.One("experts") is { } experts) demo = demo with { Experts = int.Parse(experts, System.Globalization.CultureInfo.InvariantCulture) };
        if (options.One("seed") is { } seed) demo = demo with { Seed = int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) };
        if (options.One("parallelism") is { } parallelism) demo = demo with { Parallelism = int.Parse(parallelism, System.Globalization.CultureInfo.InvariantCulture) };

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var seeder = new DemoSeeder(http, actor => LocalTokens.Create(key, actor.User, [actor.Role], actor.ExpertId, actor.PartnerId, TimeSpan.FromHours(1)),
            Console.WriteLine, demo);
        try
        {
            await seeder.RunAsync();
            return 0;
        }
        catch (DemoSeedException e)
        {
            Console.Error.WriteLine($"Seeding stopped: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"The gateway at {address} did not answer: {e.Message}");
            return 1;
        }
    }
}
