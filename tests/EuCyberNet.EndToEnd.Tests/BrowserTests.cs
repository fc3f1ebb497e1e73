using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>
/// What an operator and a front-end developer see, in a real browser: the machine's Debian
/// chromium, headless, driven by Playwright (its driver ships in the NuGet package; no browser is
/// downloaded). Screenshots land in the test output's <c>screenshots/</c> folder.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class BrowserTests(AppHostFixture system, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string ScreenshotFolder = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path(),
            Headless = true,
            // Sessions and CI run as root, where chromium refuses its sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    [Fact]
    public async Task The_dashboard_shows_every_resource_running_and_healthy()
    {
        try
        {
            await DashboardShowsEveryResourceRunningAndHealthyAsync();
        }
        catch
        {
            await WriteDashboardDiagnosticsAsync();
            throw;
        }
    }

    private async Task DashboardShowsEveryResourceRunningAndHealthyAsync()
    {
        var page = await NewPageAsync();
        ILocator Row(string resource) => page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { Has = page.GetByText(resource, new PageGetByTextOptions { Exact = true }) });

        // The resources page is the dashboard's home; its grid fills in over the dashboard's live connection.
        await OpenDashboardAsync(page, "/", Row("postgres").Filter(new LocatorFilterOptions { HasText = "Running" }));
        var resources = new[] { "postgres", "rabbitmq", "expertsdb", "projectsdb", "trainingdb", "coordinationdb" }.Concat(AppHostFixture.Services).ToArray();
        foreach (var resource in resources)
            await Assertions.Expect(Row(resource).First).ToContainTextAsync("Running", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
        // A resource whose health check fails shows "Running (Unhealthy)"; one still starting, "Starting" or "Waiting".
        foreach (var notHealthy in new[] { "Unhealthy", "Waiting", "Starting", "Failed", "Exited" })
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = notHealthy }))
                .ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 60_000 });
        await ScreenshotAsync(page, "dashboard-resources.png");

        var rows = await page.GetByRole(AriaRole.Row).AllInnerTextsAsync();
        Assert.All(resources, resource => Assert.Contains(rows, row => row.Contains(resource, StringComparison.Ordinal) && row.Contains("Running", StringComparison.Ordinal)));
        Assert.Contains($"Showing {resources.Length} resources", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);

        // The platform's meter (relay, inbox, lag, error queues and the domain gauges) reaches the dashboard.
        await OpenDashboardAsync(page, "/metrics/resource/coordination", page.GetByText("eucybernet.coordination.overlaps_open", new PageGetByTextOptions { Exact = true }));
        foreach (var instrument in new[] { "eucybernet.coordination.overlaps_open", "eucybernet.daemon.lag", "eucybernet.messaging.error_queue_depth" })
            await Assertions.Expect(page.GetByText(instrument, new PageGetByTextOptions { Exact = true }).First)
                .ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 90_000 });
        await ScreenshotAsync(page, "dashboard-metrics-coordination.png", fullPage: false);
    }

    [Fact]
    public async Task The_gateways_Scalar_page_lists_the_operations_of_every_service()
    {
        var scalar = new Uri(system.App.GetEndpoint("gateway", "http"), "/scalar/");
        var page = await NewPageAsync();
        await page.GotoAsync(scalar.ToString());

        // Scalar renders the merged document in the browser: one group per tag, from every service.
        foreach (var tag in new[] { "Experts", "Projects", "Requests for expertise", "Deployments", "Courses", "Training sessions", "Coordination" })
            await Assertions.Expect(page.GetByText(tag, new PageGetByTextOptions { Exact = true }).First)
                .ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 90_000 });
        await ScreenshotAsync(page, "gateway-scalar.png", fullPage: false);

        // A group opened by its link shows its operations with their paths.
        foreach (var (tag, summary, path) in new[]
                 {
                     ("experts", "Apply to join the expert pool", "/experts/applications"),
                     ("projects", "Register a CCB project", "/projects"),
                     ("coordination", "Network figures", "/coordination/overview"),
                 })
        {
            var group = await NewPageAsync();
            await group.GotoAsync(new Uri(scalar, $"#tag/{tag}").ToString());
            await Assertions.Expect(group.GetByText(summary).First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
            await Assertions.Expect(group.Locator("body")).ToContainTextAsync(path);
            if (tag == "experts") await ScreenshotAsync(group, "gateway-scalar-experts.png", fullPage: false);
        }
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => _console.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} console {message.Type}: {message.Text}");
        page.PageError += (_, error) => _console.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} page error: {error}");
        return page;
    }

    /// <summary>
    /// Opens a dashboard page and waits until <paramref name="ready"/> shows. The dashboard is
    /// Aspire's Blazor app, and once (CI, 2026-11-29, Aspire 13.6.5, a loaded two-core machine) its
    /// live connection died on an unhandled error of its own right after the page loaded: an empty
    /// grid under "An unhandled error has occurred. Reload", every resource running meanwhile (Aspire
    /// has seen such races in its circuit, microsoft/aspire#7595). An operator clicks Reload; this
    /// check does too, once, after writing what the browser and the dashboard logged. Twice is a failure.
    /// </summary>
    private async Task OpenDashboardAsync(IPage page, string path, ILocator ready)
    {
        var failed = page.GetByText("An unhandled error has occurred.");
        for (var attempt = 1; ; attempt++)
        {
            await page.GotoAsync(new Uri(system.Dashboard, path).ToString());
            await ready.Or(failed).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 90_000 });
            if (!await failed.IsVisibleAsync()) return;
            // The second failure's diagnostics are written by the test's own failure handler.
            if (attempt == 2) throw new InvalidOperationException($"The dashboard's page {path} failed twice with an unhandled error; see the output.");

            output.WriteLine($"The dashboard's page {path} failed; what the browser and the dashboard said before it is reloaded:");
            await WriteDashboardDiagnosticsAsync();
        }
    }

    /// <summary>
    /// When the dashboard check fails, what the browser and the dashboard's own process said: the
    /// dashboard is Aspire's, and its server log is the only place an error in its live connection
    /// shows its cause.
    /// </summary>
    private async Task WriteDashboardDiagnosticsAsync()
    {
        while (_console.TryDequeue(out var line)) output.WriteLine(line);
        var dashboard = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .FirstOrDefault(resource => resource.Name == "aspire-dashboard");
        if (dashboard is null)
        {
            output.WriteLine("No aspire-dashboard resource in the model.");
            return;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var logs = system.App.Services.GetRequiredService<ResourceLoggerService>();
            await foreach (var batch in logs.GetAllAsync(dashboard).WithCancellation(timeout.Token))
                foreach (var line in batch)
                    output.WriteLine($"aspire-dashboard {(line.IsErrorMessage ? "stderr" : "stdout")}: {line.Content}");
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("(the dashboard's log did not end within 20 s)");
        }
    }

    private static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name), FullPage = fullPage });
    }
}

/// <summary>Where the machine's chromium is; missing is a failure, never a skip (`./eucybernet servers` installs it).</summary>
internal static class Chromium
{
    public static string Path()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("EUCYBERNET_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException(
                   "No chromium found (EUCYBERNET_CHROMIUM, /usr/bin/chromium): the browser check needs it. " +
                   "Install it with `./eucybernet servers` (Debian: apt-get install chromium).");
    }
}
