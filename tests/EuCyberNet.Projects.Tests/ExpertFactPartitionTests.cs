using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Testing;

namespace EuCyberNet.Projects.Tests;

/// <summary>
/// Facts about one expert that arrive together are recorded one at a time (the expert-fact queue is
/// partitioned by expert), so none of them loses a race on the expert's stream: no append is rolled
/// back, and no sequence number is burned (a burned number is a gap that holds the relay).
/// </summary>
public sealed class ExpertFactPartitionTests
{
    [Fact]
    public async Task Facts_about_one_expert_arriving_together_never_race_on_its_stream()
    {
        await using var host = await ProjectsHost.StartAsync();
        var experts = Enumerable.Range(0, 16).Select(_ => Guid.NewGuid()).ToList();
        var now = DateTimeOffset.UtcNow;

        // As Experts' relay announces acceptances: the status change and the joining at once, for many
        // experts, and a suspension right behind them.
        await Task.WhenAll(experts.Select(id => Task.WhenAll(
            host.PublishAsync(new ExpertStatusChanged(id, "profile-submitted", "accepted", "SI", now)),
            host.PublishAsync(new ExpertJoinedPool(id, "SI", [EcsfRole.CyberIncidentResponder], [], now)),
            host.PublishAsync(new ExpertSuspended(id, now.AddMinutes(1))))));
        foreach (var id in experts)
            await Eventually.ReturnsAsync(() => host.EventsOfAsync(id), n => n == 3, TimeSpan.FromSeconds(60), $"the three facts about {id}");

        // Every sequence number taken is an event kept: no append was rolled back.
        var kept = await host.CountAsync("select count(*) from mt_events where type <> 'tombstone'");
        var taken = await host.CountAsync("select last_value from mt_events_sequence");
        Assert.Equal(experts.Count * 3, kept);
        Assert.Equal(kept, taken);
        foreach (var id in experts) Assert.Equal(PoolStanding.Suspended, (await host.KnownExpertAsync(id))!.Standing);
    }
}
