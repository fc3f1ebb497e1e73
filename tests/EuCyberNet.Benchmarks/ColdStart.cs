using System.Diagnostics;
using EuCyberNet.Testing;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// AppHost cold start: `./eucybernet up` as it runs on a fresh machine (local mode: initdb and a new
/// RabbitMQ node in an empty data folder), on free ports, timed from the process start until the
/// gateway's /health answers. The gateway is the last resource: the AppHost starts it only after
/// every service's /health said healthy (WaitFor), and the services only after their database and
/// the broker did.
/// </summary>
internal static class ColdStart
{
    public static async Task RunAsync(BenchOptions options, Report report)
    {
        Console.WriteLine($"\n## AppHost cold start (load {Machine.LoadAverage()})");
        try
        {
            var dll = Path.Combine(TestEnvironment.RepositoryRoot, "AppHost", "bin", options.Configuration, "net10.0", "EuCyberNet.AppHost.dll");
            if (!File.Exists(dll)) throw new FileNotFoundException("Build the AppHost first", dll);
            var runs = new List<Run>();
            for (var run = 0; run < options.Runs; run++) runs.Add(await OnceAsync(dll));
            var figure = new Figure("AppHost cold start to all healthy (empty data folder, local servers)", runs);
            report.Runs(figure);
            report.Add(new Row("AppHost cold start", "process start → every service healthy and the gateway's /health answers",
                $"{Report.F(figure.P50Ms / 1000, 1)} s", "—", "—", "—", "measured", Machine.LoadAverage()));
        }
        catch (Exception e)
        {
            report.Failed("AppHost cold start", e);
        }
    }

    private static async Task<Run> OnceAsync(string dll)
    {
        var data = TestEnvironment.NewTempDirectory("coldstart");
        var dashboard = TestEnvironment.FreePort();
        var gateway = TestEnvironment.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{dashboard}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{TestEnvironment.FreePort()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{TestEnvironment.FreePort()}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
            ["Gateway__Port"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Infrastructure__Mode"] = "local",
            ["Infrastructure__DataDirectory"] = data,
            ["Infrastructure__PostgresPort"] = TestEnvironment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Infrastructure__RabbitMqPort"] = TestEnvironment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Infrastructure__RabbitMqManagementPort"] = TestEnvironment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Infrastructure__RabbitMqDistributionPort"] = TestEnvironment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Infrastructure__RabbitMqNodeName"] = $"eucn-bench-{Guid.NewGuid():N}"[..24] + "@localhost",
        };
        foreach (var (key, value) in env) info.Environment[key] = value;
        foreach (var key in new[] { "ConnectionStrings__postgres", "ConnectionStrings__rabbitmq" }) info.Environment.Remove(key);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) if (log.Length < 50_000) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) if (log.Length < 50_000) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            var deadline = TimeSpan.FromMinutes(6);
            while (clock.Elapsed < deadline && !process.HasExited)
            {
                try
                {
                    if ((await http.GetAsync(new Uri($"http://127.0.0.1:{gateway}/health"))).IsSuccessStatusCode)
                    {
                        var elapsed = clock.Elapsed;
                        Console.WriteLine($"    cold start: {elapsed.TotalSeconds:N1} s");
                        return new Run(double.NaN, elapsed.TotalMilliseconds, elapsed.TotalMilliseconds, double.NaN, 1, 0);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
            string text;
            lock (log) text = log.ToString();
            throw new TimeoutException($"the AppHost did not become healthy in {deadline.TotalMinutes} min: {text[^Math.Min(text.Length, 3000)..]}");
        }
        finally
        {
            await StopAsync(process, data);
        }
    }

    /// <summary>Ctrl+C (SIGINT) so that the AppHost stops its resources, then whatever is left of this run's servers.</summary>
    private static async Task StopAsync(Process process, string data)
    {
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill!.WaitForExitAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        // Server processes of this run (their command lines name its data folder) that outlived the AppHost.
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(data, StringComparison.Ordinal)) Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
            }
        }
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
