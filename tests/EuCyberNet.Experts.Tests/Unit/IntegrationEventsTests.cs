using System.Text.Json;
using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Pool;
using EuCyberNet.Experts.Publishing;
using V1 = EuCyberNet.Contracts.Experts.V1;

namespace EuCyberNet.Experts.Tests.Unit;

/// <summary>What the network hears of each domain event (the relay publishes exactly this).</summary>
public sealed class IntegrationEventsTests
{
    private static readonly ExpertsIntegrationEvents Mapper = new();

    private static List<IIntegrationEvent> Map(params object[] events) => [.. Given.Wrap(events).SelectMany(Mapper.Map)];

    private static IIntegrationEvent[] MapLast(ExpertStatus road, object last) => [.. Mapper.Map(Given.Wrap([.. Given.RoadTo(road), last])[^1])];

    [Fact]
    public void An_application_is_announced_as_before_plus_its_first_status()
    {
        var messages = Map(Given.Application());

        Assert.Equal(new V1.ExpertApplicationReceived(Given.ExpertId, "SI", Given.Start), messages[0]);
        Assert.Equal(new V1.ExpertStatusChanged(Given.ExpertId, "applied", "none", "SI", Given.Start), messages[1]);
    }

    [Fact]
    public void Every_transition_is_a_status_change_with_its_previous_status()
    {
        var statuses = Map(Given.RoadTo(ExpertStatus.Accepted))
            .Concat(Map([.. Given.RoadTo(ExpertStatus.Accepted), new ExpertSuspended(ExpertStatus.Accepted, "SI", "r"),
                new ExpertReinstated(ExpertStatus.Suspended, "SI", null), new ExpertWithdrawn(ExpertStatus.Accepted, "SI", null, true),
                new ExpertErased(ExpertStatus.Withdrawn, "SI", true)]).Skip(8))
            .OfType<V1.ExpertStatusChanged>()
            .Select(s => $"{s.PreviousStatus}→{s.Status}");

        Assert.Equal(["none→applied", "applied→acknowledged", "acknowledged→profile-submitted", "profile-submitted→accepted",
            "accepted→suspended", "suspended→accepted", "accepted→withdrawn", "withdrawn→erased"], statuses);
    }

    [Fact]
    public void Acceptance_announces_the_new_member_with_competences_and_availability()
    {
        var messages = MapLast(ExpertStatus.ProfileSubmitted,
            new ExpertAccepted(ExpertStatus.ProfileSubmitted, "SI", "ok", Given.Profile().Roles, Given.Profile().Languages, Given.Profile().Skills, 8, [Given.March]));

        Assert.Collection(messages,
            m => Assert.IsType<V1.ExpertStatusChanged>(m),
            m =>
            {
                var joined = Assert.IsType<V1.ExpertJoinedPool>(m);
                Assert.Equal([EcsfRole.CyberIncidentResponder], joined.Roles);
                Assert.Equal([new V1.LanguageSkill("en", LanguageLevel.C1), new V1.LanguageSkill("sl", LanguageLevel.Native)], joined.Languages);
            },
            m => Assert.Equal([new V1.SkillRef(SkillFamily.Tech, "Incident management", "Incident response")], Assert.IsType<V1.ExpertCompetencesChanged>(m).Skills),
            m => Assert.Equal([new V1.AvailabilityWindow(Given.March.From, Given.March.To, 50)], Assert.IsType<V1.ExpertAvailabilityChanged>(m).Windows));
    }

    [Fact]
    public void Suspension_and_reinstatement_have_their_own_events()
    {
        Assert.IsType<V1.ExpertSuspended>(MapLast(ExpertStatus.Accepted, new ExpertSuspended(ExpertStatus.Accepted, "SI", "r"))[1]);
        Assert.IsType<V1.ExpertReinstated>(MapLast(ExpertStatus.Suspended, new ExpertReinstated(ExpertStatus.Suspended, "SI", null))[1]);
    }

    [Theory]
    [InlineData(ExpertStatus.Accepted, true)]
    [InlineData(ExpertStatus.Suspended, true)]
    [InlineData(ExpertStatus.ProfileSubmitted, false)]
    public void Leaving_is_announced_only_for_members_of_the_pool(ExpertStatus from, bool announced)
    {
        var withdrawn = MapLast(from, new ExpertWithdrawn(from, "SI", null, true));
        var erased = MapLast(from, new ExpertErased(from, "SI", true));

        Assert.Equal(announced, withdrawn.OfType<V1.ExpertLeftPool>().Any(l => l.Reason == V1.PoolDeparture.Withdrawn));
        Assert.Equal(announced, erased.OfType<V1.ExpertLeftPool>().Any(l => l.Reason == V1.PoolDeparture.Erased));
    }

    [Fact]
    public void Changes_before_acceptance_stay_inside_and_changes_in_the_pool_are_announced()
    {
        Assert.Empty(MapLast(ExpertStatus.ProfileSubmitted, new ExpertProfileUpdated(ExpertStatus.ProfileSubmitted, Given.Profile(), true)));
        Assert.Empty(MapLast(ExpertStatus.ProfileSubmitted, new ExpertAvailabilityDeclared(ExpertStatus.ProfileSubmitted, [])));
        Assert.Empty(MapLast(ExpertStatus.Accepted, new ExpertProfileUpdated(ExpertStatus.Accepted, Given.Profile() with { Bio = "new" }, false)));

        Assert.IsType<V1.ExpertCompetencesChanged>(Assert.Single(MapLast(ExpertStatus.Accepted,
            new ExpertProfileUpdated(ExpertStatus.Accepted, Given.Profile(EcsfRole.PenetrationTester), true))));
        Assert.IsType<V1.ExpertAvailabilityChanged>(Assert.Single(MapLast(ExpertStatus.Suspended,
            new ExpertAvailabilityDeclared(ExpertStatus.Suspended, []))));
    }

    [Fact]
    public void Nothing_published_carries_a_name_an_email_an_organisation_a_biography_a_motivation_or_a_reason()
    {
        object[] life =
        [
            .. Given.RoadTo(ExpertStatus.Accepted),
            new ExpertProfileUpdated(ExpertStatus.Accepted, Given.Profile(EcsfRole.PenetrationTester), true),
            new ExpertSuspended(ExpertStatus.Accepted, "SI", "Clearance lapsed"),
            new ExpertReinstated(ExpertStatus.Suspended, "SI", "Clearance renewed"),
            new ExpertErased(ExpertStatus.Accepted, "SI", true),
        ];
        var json = JsonSerializer.Serialize<object[]>([.. Map(life)], JsonSerializerOptions.Web);

        foreach (var datum in new[] { "Ana", "Novak", "cert.si", "SI-CERT", "Incident handler", "partner countries", "Clearance" })
            Assert.DoesNotContain(datum, json, StringComparison.Ordinal);
    }
}
