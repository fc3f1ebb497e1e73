using Microsoft.Playwright;

namespace EuCyberNet.EndToEnd.Tests;

/// <summary>
/// What an operator and a front-end developer see, in a real browser: the machine's Debian
/// chromium, headless, driven by Playwright (its driver ships in the NuGet package; no browser is
/// downloaded). Screenshots land in the test output's <c>screenshots/</c> folder.
/// </summary>
[Collection(RunningSystem.Name)]
public sealed class BrowserTests(AppHostFixture system) : IAsyncLifetime
{
    private static readonly string ScreenshotFolder = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

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
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(system.Dashboard, "/").ToString());

        // The resources page is the dashboard's home; its grid fills in over the dashboard's live connection.
        var resources = new[] { "postgres", "rabbitmq", "expertsdb", "projectsdb", "trainingdb", "coordinationdb" }.Concat(AppHostFixture.Services).ToArray();
        foreach (var resource in resources)
        {
            var row = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { Has = page.GetByText(resource, new PageGetByTextOptions { Exact = true }) });
            await Assertions.Expect(row.First).ToContainTextAsync("Running", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
        }
        // A resource whose health check fails shows "Running (Unhealthy)"; one still starting, "Starting" or "Waiting".
        foreach (var notHealthy in new[] { "Unhealthy", "Waiting", "Starting", "Failed", "Exited" })
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = notHealthy }))
                .ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 60_000 });
        await ScreenshotAsync(page, "dashboard-resources.png");

        var rows = await page.GetByRole(AriaRole.Row).AllInnerTextsAsync();
        Assert.All(resources, resource => Assert.Contains(rows, row => row.Contains(resource, StringComparison.Ordinal) && row.Contains("Running", StringComparison.Ordinal)));
        Assert.Contains($"Showing {resources.Length} resources", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);

        // The platform's meter (relay, inbox, lag, error queues and the domain gauges) reaches the dashboard.
        await page.GotoAsync(new Uri(system.Dashboard, "/metrics/resource/coordination").ToString());
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
        return await context.NewPageAsync();
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
