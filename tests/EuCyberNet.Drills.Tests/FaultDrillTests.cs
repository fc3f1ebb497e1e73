using EuCyberNet.Testing;

namespace EuCyberNet.Drills.Tests;

/// <summary>
/// The fault drills that fit CI time, run as tests: every service as a real process on the servers
/// the run provides, a short bounded load, the fault, then the same reconciliation as
/// `./eucybernet drill` (every accepted command's events stored, every integration event the stored
/// events owe published, every published integration event applied once by every subscriber, error
/// queues holding exactly the poison, read models equal to a rebuild). Broker and database restarts need servers of their own and minutes each; they run
/// in `./eucybernet drill` (docs/reliability.md).
/// </summary>
public sealed class FaultDrillTests
{
    private static readonly DrillSettings Settings = new()
    {
        Operations = 48,
        Clients = 4,
        Pace = TimeSpan.FromMilliseconds(50),
        LoadTimeLimit = TimeSpan.FromSeconds(60),
        SettleTimeout = TimeSpan.FromMinutes(2),
        // Short retries so that poison reaches the error queues in seconds. Six of them, as Projects'
        // tests use: one expert's facts arrive together and race on its record (optimistic
        // concurrency); with two retries a race could exhaust them and park a good message (seen).
        ServiceOverrides = new(StringComparer.Ordinal)
        {
            ["Messaging__RetryLimit"] = "6",
            ["Messaging__RetryMinInterval"] = "00:00:00.050",
            ["Messaging__RetryMaxInterval"] = "00:00:00.200",
            ["Relay__MaxRetryDelay"] = "00:00:01",
        },
    };

    [Fact]
    public async Task Coordination_killed_mid_consume_loses_nothing_and_applies_nothing_twice()
    {
        var figures = await RunAsync("kill-coordination");

        Assert.True(figures.CommandsAccepted > 0 && figures.Consumed > 0, Describe(figures));
        Assert.Equal(figures.ExpectedEffects, figures.Consumed);
        Assert.Empty(figures.Problems());
        Assert.Equal(0, figures.Lost);
    }

    [Fact]
    public async Task Poison_and_malformed_partner_events_are_parked_and_everything_else_flows()
    {
        var figures = await RunAsync("poison");

        Assert.True(figures.PoisonInjected > 0 && figures.PartnerMalformed > 0, Describe(figures));
        Assert.Equal(figures.PoisonExpected, figures.PoisonInErrorQueues);
        Assert.Equal(0, figures.UnexpectedInErrorQueues);
        Assert.Equal(figures.PartnerMalformed, figures.PartnerRejected);
        Assert.Equal(figures.ExpectedEffects, figures.Consumed);
        Assert.Empty(figures.Problems());
    }

    private static async Task<DrillFigures> RunAsync(string name)
    {
        var servers = await DrillServers.SharedAsync();
        var services = DrillPlatform.KnownServices.Where(s => File.Exists(DrillPlatform.DllOf(s))).ToList();
        Assert.True(services.Count == DrillPlatform.KnownServices.Length, $"services not built: {string.Join(", ", DrillPlatform.KnownServices.Except(services))}");
        var drill = Drills.All(services).Single(d => d.Name == name);
        var figures = await Drills.RunAsync(servers, Settings, drill);
        Assert.True(figures.Problems().ToList() is { Count: 0 }, Describe(figures));
        // The relays' account (every stored event mapped afresh) names exactly what the tap saw published.
        Assert.True(figures.RelayOwed > 0, Describe(figures));
        Assert.Equal(figures.RelayOwed, figures.Published);
        return figures;
    }

    private static string Describe(DrillFigures f) => ReliabilityReport.Row(f) + "\n" + string.Join("\n", f.Notes);
}
