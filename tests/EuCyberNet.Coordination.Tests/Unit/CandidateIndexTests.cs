using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Overlaps;

namespace EuCyberNet.Coordination.Tests.Unit;

/// <summary>
/// The detector's in-memory candidates skip whole groups of one actor's activities; what it finds
/// must be exactly what comparing every activity of the country with the rule finds.
/// </summary>
public sealed class CandidateIndexTests
{
    private static readonly OverlapOptions Defaults = new();
    private static readonly DateOnly Jan = new(2027, 1, 1);

    // Spellings the rule treats as one funder or implementer (trimmed, ordinal ignoring case), and some it does not.
    private static readonly string?[] Funders = ["European Union", " european union", "EUROPEAN UNION ", "Japan (JICA)", "japan (jica)", "", "  ", null, "Straße Fund", "STRASSE FUND"];
    private static readonly string[] Implementers = ["GIZ", "giz ", "Expertise France", "EXPERTISE FRANCE", "e-Governance Academy", "", " ", "İstanbul Lab", "i̇stanbul lab"];
    private static readonly string[] Countries = ["KE", "TZ", "UG", "MD"];

    private static Activity Random(Random random, Guid? id = null) => new()
    {
        Id = id ?? Guid.NewGuid(),
        Kind = random.Next(4) switch { 0 => ActivityKind.ExpertiseRequest, 1 => ActivityKind.TrainingSession, _ => ActivityKind.Project },
        SnapshotVersion = 1,
        Status = random.Next(10) == 0 ? "cancelled" : "active",
        Funder = Funders[random.Next(Funders.Length)],
        Implementers = [.. Enumerable.Range(0, random.Next(4)).Select(_ => Implementers[random.Next(Implementers.Length)])],
        Countries = [.. Countries.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Countries[random.Next(Countries.Length)])],
        Themes = [random.Next(2) == 0 ? CcbTheme.Cybercrime : CcbTheme.IncidentManagementAndCip],
        From = Jan.AddDays(random.Next(300)),
        To = Jan.AddDays(300 + random.Next(300)),
    };

    private static HashSet<string> FoundByIndex(CandidateIndex index, Activity activity) =>
        [.. index.Neighbours(activity).Select(c => OverlapRule.Find(activity, c, Defaults)).OfType<Overlap>().Select(o => o.Pair)];

    private static HashSet<string> FoundByComparingAll(IEnumerable<Activity> all, Activity activity) =>
        [.. all.Where(c => c.Id != activity.Id).Select(c => OverlapRule.Find(activity, c, Defaults)).OfType<Overlap>().Select(o => o.Pair)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Finds_exactly_the_overlaps_that_comparing_every_activity_finds(int seed)
    {
        var random = new Random(seed);
        var index = new CandidateIndex();
        var current = new Dictionary<Guid, Activity>();
        for (var i = 0; i < 400; i++)
        {
            // Mostly new activities; some change funder, implementers or countries (a revision re-files them).
            var changed = current.Count > 0 && random.Next(4) == 0 ? current.Keys.ElementAt(random.Next(current.Count)) : (Guid?)null;
            var activity = Random(random, changed);
            index.Put(activity);
            current[activity.Id] = activity;
        }

        Assert.Equal(current.Count, index.Count);
        var overlaps = 0;
        foreach (var activity in current.Values)
        {
            var expected = FoundByComparingAll(current.Values, activity);
            Assert.Equal(expected, FoundByIndex(index, activity));
            overlaps += expected.Count;
        }
        Assert.True(overlaps > 100, $"the population should overlap often enough to test anything ({overlaps} found)");
    }

    [Fact]
    public void One_actors_own_portfolio_is_skipped_and_another_actor_in_the_country_is_not()
    {
        var index = new CandidateIndex();
        var portfolio = Enumerable.Range(0, 50).Select(i => Project(Guid.NewGuid(), "European Union", ["GIZ"])).ToList();
        portfolio.ForEach(index.Put);
        var sameActor = Project(Guid.NewGuid(), " european UNION", ["giz", "Expertise France"]);
        var sameFunderOtherImplementer = Project(Guid.NewGuid(), "European Union", ["Expertise France"]);
        var otherFunder = Project(Guid.NewGuid(), "Japan (JICA)", ["GIZ"]);

        Assert.Empty(index.Neighbours(sameActor));
        Assert.Equal(50, index.Neighbours(sameFunderOtherImplementer).Count());
        Assert.Equal(50, index.Neighbours(otherFunder).Count());
    }

    [Fact]
    public void A_revised_activity_is_found_where_it_is_now_and_no_longer_where_it_was()
    {
        var index = new CandidateIndex();
        var id = Guid.NewGuid();
        index.Put(Project(id, "European Union", ["GIZ"], "KE"));
        index.Put(Project(id, "Japan (JICA)", ["JICA"], "UG"));

        var inKenya = Project(Guid.NewGuid(), "USAID", ["Tetra Tech"], "KE");
        var inUganda = Project(Guid.NewGuid(), "USAID", ["Tetra Tech"], "UG");
        Assert.Empty(index.Neighbours(inKenya));
        Assert.Equal([id], index.Neighbours(inUganda).Select(a => a.Id));
        Assert.Equal("Japan (JICA)", index.Find(id)!.Funder);
        Assert.Equal(1, index.Count);
    }

    private static Activity Project(Guid id, string funder, string[] implementers, string country = "KE") => new()
    {
        Id = id,
        Kind = ActivityKind.Project,
        SnapshotVersion = 1,
        Status = "active",
        Funder = funder,
        Implementers = implementers,
        Countries = [country],
        Themes = [CcbTheme.Cybercrime],
        From = Jan,
        To = Jan.AddMonths(6),
    };
}
