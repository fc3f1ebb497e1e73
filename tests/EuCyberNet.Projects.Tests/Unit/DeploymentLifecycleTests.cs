using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.ServiceDefaults.EventSourcing;
using static EuCyberNet.Projects.Tests.Unit.Given;

namespace EuCyberNet.Projects.Tests.Unit;

/// <summary>Planned → Confirmed → Started → (Extended)* → Completed → Evaluated; Planned/Confirmed → Cancelled.</summary>
public sealed class DeploymentLifecycleTests
{
    private static readonly Guid Ana = Guid.NewGuid();

    [Fact]
    public void A_planned_deployment_remembers_who_requested_approved_and_selected()
    {
        var d = PlannedDeployment(Ana);
        Assert.Equal(DeploymentStatus.Planned, d.Status);
        Assert.Equal("rita.requester", d.Requested!.By);
        Assert.Equal(Coordinator, d.Approved!.By);
        Assert.Equal((Officer, "best SIM3 experience"), (d.Selected.By, d.Selected.Reason));
    }

    [Fact]
    public void The_whole_lifecycle_records_each_decision()
    {
        var events = new object[]
        {
            new By("rita.requester", new DeploymentConfirmed("flights booked")),
            new By("rita.requester", new DeploymentStarted(null)),
            new By(Coordinator, new DeploymentExtended(new DateOnly(2027, 3, 12), new DateOnly(2027, 3, 19), "second site added")),
            new By("rita.requester", new DeploymentCompleted("Roadmap delivered.")),
            new By("rita.requester", new DeploymentEvaluated(5, "Excellent")),
        };
        var d = PlannedDeployment(Ana, events);

        Assert.Equal(DeploymentStatus.Evaluated, d.Status);
        Assert.Equal(("rita.requester", "flights booked"), (d.Confirmed!.By, d.Confirmed.Reason));
        var extension = Assert.Single(d.Extensions);
        Assert.Equal((Coordinator, "second site added", new DateOnly(2027, 3, 19)), (extension.By, extension.Reason, extension.NewEndDate));
        Assert.Equal(new DateOnly(2027, 3, 19), d.EndDate);
        Assert.Equal((5, "Excellent", "Roadmap delivered."), (d.Rating!.Value, d.Feedback, d.Debrief));
    }

    [Fact]
    public void Confirming_and_starting_need_an_expert_still_in_the_pool()
    {
        var planned = PlannedDeployment(Ana);
        Assert.IsType<DeploymentConfirmed>(Assert.Single(DeploymentDecisions.Confirm(planned, Accepted(Ana)).Events));
        Assert.Equal("expert-suspended", DeploymentDecisions.Confirm(planned, Suspended(Ana)).Error!.Code);

        var confirmed = PlannedDeployment(Ana, new DeploymentConfirmed(null));
        Assert.Equal(Decision.Nothing, DeploymentDecisions.Confirm(confirmed, Accepted(Ana)));
        Assert.IsType<DeploymentStarted>(Assert.Single(DeploymentDecisions.Start(confirmed, Accepted(Ana)).Events));
        Assert.Equal("expert-left-pool", DeploymentDecisions.Start(confirmed,
            Accepted(Ana, new EuCyberNet.Contracts.Experts.V1.ExpertLeftPool(Ana, EuCyberNet.Contracts.Experts.V1.PoolDeparture.Erased, Start.AddDays(3)))).Error!.Code);
        Assert.Equal("planned", DeploymentDecisions.Start(planned, Accepted(Ana)).Error!.State);
    }

    [Fact]
    public void A_started_deployment_is_extended_later_and_rebooks_the_expert_unless_that_overlaps()
    {
        var started = PlannedDeployment(Ana, new DeploymentConfirmed(null), new DeploymentStarted(null));
        var extension = DeploymentDecisions.Extend(started, new DateOnly(2027, 3, 19), Accepted(Ana, new ExpertBooked(started.Id, started.RequestId, started.StartDate, started.EndDate)), "more sites");
        var e = Assert.IsType<DeploymentExtended>(Assert.Single(extension.Deployment.Events));
        Assert.Equal((new DateOnly(2027, 3, 12), new DateOnly(2027, 3, 19)), (e.PreviousEndDate, e.NewEndDate));
        Assert.Equal(new ExpertBookingChanged(started.Id, started.StartDate, new DateOnly(2027, 3, 19)), extension.Booking);

        var busy = Accepted(Ana, new ExpertBooked(started.Id, started.RequestId, started.StartDate, started.EndDate),
            new ExpertBooked(Guid.NewGuid(), Guid.NewGuid(), new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 25)));
        Assert.Equal("overlapping-deployment", DeploymentDecisions.Extend(started, new DateOnly(2027, 3, 19), busy).Deployment.Error!.Code);
        Assert.Equal("not-an-extension", DeploymentDecisions.Extend(started, new DateOnly(2027, 3, 5), Accepted(Ana)).Deployment.Error!.Code);
        Assert.Equal("expert-suspended", DeploymentDecisions.Extend(started, new DateOnly(2027, 3, 19), Suspended(Ana)).Deployment.Error!.Code);
        Assert.Equal("planned", DeploymentDecisions.Extend(PlannedDeployment(Ana), new DateOnly(2027, 3, 19), Accepted(Ana)).Deployment.Error!.State);
    }

    [Fact]
    public void Completion_needs_a_start_and_evaluation_a_completion()
    {
        var started = PlannedDeployment(Ana, new DeploymentConfirmed(null), new DeploymentStarted(null));
        Assert.IsType<DeploymentCompleted>(Assert.Single(DeploymentDecisions.Complete(started, "done").Events));
        Assert.Equal("confirmed", DeploymentDecisions.Complete(PlannedDeployment(Ana, new DeploymentConfirmed(null)), "done").Error!.State);

        var completed = PlannedDeployment(Ana, new DeploymentConfirmed(null), new DeploymentStarted(null), new DeploymentCompleted("done"));
        Assert.Equal(Decision.Nothing, DeploymentDecisions.Complete(completed, "done"));
        Assert.IsType<DeploymentEvaluated>(Assert.Single(DeploymentDecisions.Evaluate(completed, 4, "good").Events));
        Assert.Equal("started", DeploymentDecisions.Evaluate(started, 4, "good").Error!.State);

        var evaluated = PlannedDeployment(Ana, new DeploymentConfirmed(null), new DeploymentStarted(null), new DeploymentCompleted("done"), new DeploymentEvaluated(4, "good"));
        Assert.Equal(Decision.Nothing, DeploymentDecisions.Evaluate(evaluated, 4, "good"));
        Assert.Equal("evaluated", DeploymentDecisions.Evaluate(evaluated, 2, "changed my mind").Error!.State);
    }

    [Fact]
    public void Only_a_deployment_that_has_not_started_can_be_cancelled()
    {
        Assert.IsType<DeploymentCancelled>(Assert.Single(DeploymentDecisions.Cancel(PlannedDeployment(Ana), "visa refused").Events));
        Assert.IsType<DeploymentCancelled>(Assert.Single(DeploymentDecisions.Cancel(PlannedDeployment(Ana, new DeploymentConfirmed(null)), "visa refused").Events));
        Assert.Equal("started", DeploymentDecisions.Cancel(PlannedDeployment(Ana, new DeploymentConfirmed(null), new DeploymentStarted(null)), "x").Error!.State);
        var cancelled = PlannedDeployment(Ana, new DeploymentCancelled("visa refused"));
        Assert.Equal(DeploymentStatus.Cancelled, cancelled.Status);
        Assert.Equal(Decision.Nothing, DeploymentDecisions.Cancel(cancelled, "again"));
        Assert.Equal("cancelled", DeploymentDecisions.Confirm(cancelled, Accepted(Ana)).Error!.State);
    }
}
