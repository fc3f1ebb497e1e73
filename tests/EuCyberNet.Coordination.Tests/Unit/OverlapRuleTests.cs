using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Overlaps;

namespace EuCyberNet.Coordination.Tests.Unit;

public sealed class OverlapRuleTests
{
    private static readonly OverlapOptions Defaults = new();
    private static readonly DateOnly Jan = new(2027, 1, 1);

    private static Activity Project(string funder = "European Union", string[]? implementers = null, string[]? countries = null,
        CcbTheme[]? themes = null, DateOnly? from = null, DateOnly? to = null, string status = "active", Guid? id = null) => new()
    {
        Id = id ?? Guid.NewGuid(),
        Kind = ActivityKind.Project,
        SnapshotVersion = 1,
        Status = status,
        Funder = funder,
        Implementers = implementers ?? ["GIZ"],
        Countries = countries ?? ["KE"],
        Themes = themes ?? [CcbTheme.IncidentManagementAndCip],
        From = from ?? Jan,
        To = to ?? Jan.AddMonths(6),
    };

    [Fact]
    public void Different_funders_sharing_a_country_a_theme_and_a_period_overlap_where_they_meet()
    {
        var a = Project(countries: ["KE", "TZ"], themes: [CcbTheme.Cybercrime, CcbTheme.IncidentManagementAndCip]);
        var b = Project(funder: "Japan (JICA)", countries: ["TZ", "KE", "UG"], themes: [CcbTheme.IncidentManagementAndCip],
            from: Jan.AddMonths(5), to: Jan.AddMonths(9));

        var overlap = OverlapRule.Find(a, b, Defaults);

        Assert.NotNull(overlap);
        Assert.Equal(["KE", "TZ"], overlap.Countries);
        Assert.Equal([CcbTheme.IncidentManagementAndCip], overlap.SharedThemes);
        Assert.Equal((Jan.AddMonths(5), Jan.AddMonths(6)), (overlap.From, overlap.To));
        Assert.Equal(overlap.Pair, OverlapRule.Find(b, a, Defaults)!.Pair);
    }

    [Fact]
    public void The_same_funder_with_other_implementers_overlaps_and_with_a_common_implementer_does_not()
    {
        Assert.NotNull(OverlapRule.Find(Project(implementers: ["GIZ"]), Project(implementers: ["Expertise France"]), Defaults));
        Assert.Null(OverlapRule.Find(Project(implementers: ["GIZ", "CIVIPOL"]), Project(funder: " european union", implementers: ["giz"]), Defaults));
        Assert.NotNull(OverlapRule.Find(Project(implementers: ["GIZ"]), Project(funder: "Germany", implementers: ["GIZ"]), Defaults));
    }

    [Theory]
    [InlineData("no beneficiary country in common", "country")]
    [InlineData("fewer than 1 shared theme", "theme")]
    [InlineData("the periods no longer overlap", "period")]
    public void Without_a_common_country_theme_or_period_there_is_no_overlap_and_the_reason_says_which(string reason, string differs)
    {
        var a = Project();
        var b = differs switch
        {
            "country" => Project(funder: "Other", countries: ["TZ"]),
            "theme" => Project(funder: "Other", themes: [CcbTheme.Standards]),
            _ => Project(funder: "Other", from: Jan.AddMonths(7), to: Jan.AddMonths(8)),
        };

        Assert.Null(OverlapRule.Find(a, b, Defaults));
        Assert.StartsWith(reason, OverlapRule.WhyNot(a, b, Defaults), StringComparison.Ordinal);
    }

    [Fact]
    public void Periods_touching_for_one_day_overlap_by_default_and_not_under_a_longer_minimum()
    {
        var a = Project(to: Jan.AddDays(9));
        var b = Project(funder: "Other", from: Jan.AddDays(9), to: Jan.AddDays(30));

        Assert.NotNull(OverlapRule.Find(a, b, Defaults));
        Assert.Null(OverlapRule.Find(a, b, new OverlapOptions { MinimumOverlapDays = 2 }));
        Assert.NotNull(OverlapRule.Find(a, Project(funder: "Other", from: Jan.AddDays(8)), new OverlapOptions { MinimumOverlapDays = 2 }));
    }

    [Fact]
    public void A_minimum_of_shared_themes_is_honoured()
    {
        var a = Project(themes: [CcbTheme.Cybercrime, CcbTheme.Standards]);
        var oneInCommon = Project(funder: "Other", themes: [CcbTheme.Cybercrime]);
        var twoInCommon = Project(funder: "Other", themes: [CcbTheme.Standards, CcbTheme.Cybercrime]);
        var strict = new OverlapOptions { MinimumSharedThemes = 2 };

        Assert.Null(OverlapRule.Find(a, oneInCommon, strict));
        Assert.NotNull(OverlapRule.Find(a, twoInCommon, strict));
    }

    [Fact]
    public void Work_that_belongs_together_is_never_an_overlap()
    {
        var project = Project();
        var request = Project(funder: Activity.Network, implementers: ["EU Delegation"]) with { Kind = ActivityKind.ExpertiseRequest, ProjectId = project.Id };
        var sibling = request with { Id = Guid.NewGuid() };
        var session = Project(funder: Activity.Network, implementers: [Activity.Network]) with { Kind = ActivityKind.TrainingSession };
        var scheduled = Project(funder: Activity.Network, implementers: ["Ministry"]) with { Kind = ActivityKind.TrainingRequest, SessionId = session.Id };

        Assert.Null(OverlapRule.Find(project, request, Defaults));
        Assert.Null(OverlapRule.Find(request, sibling, Defaults));
        Assert.Null(OverlapRule.Find(session, scheduled, Defaults));
        Assert.NotNull(OverlapRule.Find(project, session, Defaults));
    }

    [Fact]
    public void Cancelled_unknown_and_not_compared_kinds_take_no_part()
    {
        var a = Project();
        Assert.Null(OverlapRule.Find(a, Project(funder: "Other", status: "cancelled"), Defaults));
        Assert.Contains("cancelled", OverlapRule.WhyNot(a, Project(funder: "Other", status: "cancelled"), Defaults), StringComparison.Ordinal);
        Assert.Null(OverlapRule.Find(a, Project(funder: "Other") with { SnapshotVersion = 0 }, Defaults));
        Assert.Null(OverlapRule.Find(a, Project(funder: "Other") with { Kind = ActivityKind.Deployment }, Defaults));
        Assert.NotNull(OverlapRule.Find(a, Project(funder: "Other") with { Kind = ActivityKind.Deployment },
            new OverlapOptions { Kinds = [ActivityKind.Project, ActivityKind.Deployment] }));
        Assert.Null(OverlapRule.Find(a, a, Defaults));
    }
}
