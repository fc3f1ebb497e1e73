using EuCyberNet.Contracts.Experts.V1;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.Coordination.Recording;

namespace EuCyberNet.Coordination.Tests.Unit;

/// <summary>Read-model documents folded from contract events: newest version wins, whatever the order.</summary>
public sealed class FoldTests
{
    private static readonly DateTimeOffset T0 = new(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static Activity Fold(params Contracts.IIntegrationEvent[] events) =>
        events.Select(e => ActivityFacts.From(e)!).Aggregate(Activities.Activities.New(ActivityKind.Project, Guid.Empty), Activities.Activities.Apply);

    [Fact]
    public void A_project_keeps_its_newest_snapshot_however_its_versions_arrive()
    {
        var id = Guid.NewGuid();
        var v1 = new ProjectRegistered(id, 1, Samples.Project(country: "UA", title: "v1", status: "planned"), T0);
        var v2 = new ProjectUpdated(id, 2, Samples.Project(country: "ua", title: "v2", status: "active"), T0.AddHours(1));

        var inOrder = Fold(v1, v2);
        var reversed = Fold(v2, v1, v2);

        Assert.Equal(("v2", "active", 2L, "UA"), (inOrder.Title, inOrder.Status, inOrder.SnapshotVersion, inOrder.Countries.Single()));
        Assert.Equal((inOrder.Title, inOrder.Status, inOrder.SnapshotVersion), (reversed.Title, reversed.Status, reversed.SnapshotVersion));
        Assert.Equal(["eastern-partnership"], reversed.Regions);
        Assert.Equal(inOrder.Track.Select(p => p.Key), reversed.Track.Select(p => p.Key));
    }

    [Fact]
    public void A_request_closed_before_its_publication_is_heard_is_closed_with_the_published_details()
    {
        var id = Guid.NewGuid();
        var request = Fold(
            new ExpertiseRequestClosed(id, 4, "deadline", T0.AddDays(3)),
            new ExpertiseRequestPublished(id, 2, Samples.Request(country: "MD"), T0));

        Assert.Equal(("closed", 4L, 2L), (request.Status, request.StatusVersion, request.SnapshotVersion));
        Assert.Equal(["MD"], request.Countries);
        Assert.Equal(Activity.Network, request.Funder);
        Assert.True(request.Known);
    }

    [Fact]
    public void Every_kind_of_activity_reads_its_countries_themes_actors_and_period()
    {
        var requestId = Guid.NewGuid();
        var sessionId = Guid.NewGuid();
        var deployment = ActivityFacts.From(new DeploymentEvaluated(Guid.NewGuid(), 4, Samples.Deployment(requestId, Guid.NewGuid(), "evaluated"), 4, T0))!;
        var session = ActivityFacts.From(new TrainingSessionUpdated(sessionId, 2, Samples.Session(country: null), T0))!;
        var trainingRequest = ActivityFacts.From(new TrainingRequestScheduled(Guid.NewGuid(), 3, Samples.TrainingRequest(sessionId: sessionId, status: "scheduled"), T0))!;

        Assert.Equal((ActivityKind.Deployment, "evaluated", 4), (deployment.Kind, deployment.Status, deployment.Rating));
        Assert.Equal(requestId, deployment.Details!.RequestId);
        Assert.Empty(session.Details!.Countries);
        Assert.True(session.Details.Online);
        Assert.Equal((ActivityKind.TrainingRequest, sessionId, "scheduled"), (trainingRequest.Kind, trainingRequest.Details!.SessionId, trainingRequest.Status));
        Assert.Equal(["Kenya ICT Authority"], trainingRequest.Details.Implementers);
    }

    [Fact]
    public void An_expert_record_keeps_the_newest_status_roles_and_availability_by_source_time()
    {
        var id = Guid.NewGuid();
        var events = new Contracts.IIntegrationEvent[]
        {
            new ExpertSuspended(id, T0.AddDays(5)),
            Samples.Joined(id, [EcsfRole.PenetrationTester], "FI", T0.AddDays(2)),
            new ExpertApplicationReceived(id, "FI", T0),
            new ExpertCompetencesChanged(id, [EcsfRole.PenetrationTester, EcsfRole.CybersecurityAuditor], [], [], 7, T0.AddDays(3)),
            Samples.Available(id, new DateOnly(2027, 4, 1), new DateOnly(2027, 5, 1), at: T0.AddDays(4)),
        };
        var expert = events.Aggregate(new ExpertRecord { Id = id }, ExpertRecords.Apply);

        Assert.Equal(("suspended", "FI", T0), (expert.Status, expert.Citizenship, expert.AppliedAt));
        Assert.Equal([EcsfRole.PenetrationTester, EcsfRole.CybersecurityAuditor], expert.Roles);
        Assert.True(ExpertRecords.IsAvailable(expert, new DateOnly(2027, 4, 20), new DateOnly(2027, 7, 1)));
        Assert.False(ExpertRecords.IsAvailable(expert, new DateOnly(2027, 5, 2), new DateOnly(2027, 7, 1)));

        var erased = ExpertRecords.Apply(expert, new ExpertLeftPool(id, PoolDeparture.Erased, T0.AddDays(9)));
        Assert.Equal(("erased", null), (erased.Status, erased.Citizenship));
    }

    [Fact]
    public void A_completed_enrolment_stays_completed_when_an_older_cancellation_arrives_late()
    {
        var id = Guid.NewGuid();
        var sessionId = Guid.NewGuid();
        var expertId = Guid.NewGuid();
        var seat = new Contracts.IIntegrationEvent[]
        {
            new TrainingCompleted(id, sessionId, Guid.NewGuid(), "Forensics", expertId, [EcsfRole.DigitalForensicsInvestigator], null, T0.AddDays(10)),
            new EnrolmentCancelled(id, sessionId, expertId, "sick", T0.AddDays(1)),
            new EnrolmentConfirmed(id, sessionId, expertId, T0),
        }.Aggregate(new Enrolment { Id = id }, Enrolments.Apply);

        Assert.Equal(("completed", expertId, sessionId), (seat.Status, seat.ExpertId, seat.SessionId));
    }

    [Fact]
    public void Every_contract_record_of_the_three_publishers_is_heard_under_a_versioned_unique_name()
    {
        Assert.Contains(typeof(ProjectUpdated), HeardEvents.Types);
        Assert.Contains(typeof(TrainingCompleted), HeardEvents.Types);
        Assert.Contains(typeof(ExpertApplicationReceived), HeardEvents.Types);
        Assert.DoesNotContain(typeof(Contracts.Coordination.V1.OverlapAlertRaised), HeardEvents.Types);
        Assert.Equal("projects.v1.project_updated", HeardEvents.AliasOf(typeof(ProjectUpdated)));
        Assert.Equal(HeardEvents.Types.Count, HeardEvents.Types.Select(HeardEvents.AliasOf).Distinct().Count());
    }

    [Fact]
    public void Every_country_has_a_region()
    {
        Assert.Equal("eastern-partnership", Regions.Of("UA"));
        Assert.Equal("eu-member-states", Regions.Of("SI"));
        Assert.Equal("sub-saharan-africa", Regions.Of("ke"));
        Assert.Equal("unknown", Regions.Of("ZZ"));
        var unplaced = Contracts.Vocabularies.Countries.Names.Keys.Where(c => Regions.Of(c) == Regions.Other).Order().ToList();
        Assert.Equal(["AQ", "BV", "IO", "TF"], unplaced);
    }

    [Fact]
    public void An_alert_track_keeps_the_event_time_as_the_store_keeps_it_to_the_microsecond()
    {
        // The inline projection sees the client's stamp (100 ns ticks); the store, and so the rebuild, has microseconds.
        var alert = Guid.NewGuid();
        var stamped = T0.AddTicks(1_140_984);
        var raised = new OverlapRaised("project/a", "project/b", ["UA"], [], DateOnly.FromDateTime(T0.UtcDateTime), DateOnly.FromDateTime(T0.UtcDateTime), 1);
        var live = new ReadModelFold();
        live.Apply(raised, alert, 1, stamped);
        var rebuilt = new ReadModelFold();
        rebuilt.Apply(raised, alert, 1, T0.AddTicks(1_140_980));

        Assert.Equal(T0.AddTicks(1_140_980), live.Alerts[alert].Track[0].At);
        Assert.Equal(rebuilt.Alerts[alert], live.Alerts[alert], (a, b) => a.Track.SequenceEqual(b.Track));
    }
}
