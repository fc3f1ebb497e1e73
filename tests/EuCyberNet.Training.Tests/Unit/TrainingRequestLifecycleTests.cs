using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.Training.Sessions;
using EuCyberNet.Training.TrainingRequests;

namespace EuCyberNet.Training.Tests.Unit;

/// <summary>submitted → under-review → approved → scheduled → delivered → closed; rejected; withdrawn.</summary>
public sealed class TrainingRequestLifecycleTests
{
    private static TrainingRequestRequest Valid() => new("EU Delegation to Kenya", "ke", "Incident response for the national CSIRT",
        ["cyber-incident-responder"], ["incident-management-and-cip"], 25, "2027-05-01", "2027-06-30");

    private static TrainingRequest Submitted()
    {
        var (submitted, _) = TrainingRequestRules.Validate(Valid(), Given.Today);
        return Given.Fold<TrainingRequest>(Guid.NewGuid(), submitted!);
    }

    private static TrainingRequest Reach(TrainingRequestStatus status)
    {
        var session = Given.Session(start: Given.Today);
        var delivered = session.With(SessionRules.Deliver(session, Given.Today));
        var r = Submitted();
        foreach (var step in new Func<TrainingRequest, Decision>[]
                 {
                     TrainingRequestRules.Review, TrainingRequestRules.Approve, x => TrainingRequestRules.Schedule(x, session),
                     x => TrainingRequestRules.Deliver(x, delivered.Status), TrainingRequestRules.Close,
                 })
        {
            if (r.Status == status) return r;
            r = Then(r, step(r));
        }
        return status == TrainingRequestStatus.Closed ? r : throw new ArgumentOutOfRangeException(nameof(status));
    }

    [Fact]
    public void A_valid_request_is_submitted_with_its_country_normalised()
    {
        var request = Submitted();
        Assert.Equal((TrainingRequestStatus.Submitted, "KE", 25), (request.Status, request.BeneficiaryCountry, request.AudienceSize));
    }

    [Fact]
    public void Every_bad_field_of_a_request_is_reported_at_once()
    {
        var (submitted, v) = TrainingRequestRules.Validate(
            new TrainingRequestRequest("", "DE", null, ["hacker"], null, 0, "2027-06-30", "2027-05-01"), Given.Today);

        Assert.Null(submitted);
        Assert.Equal(["audienceSize", "beneficiaryCountry", "preferredTo", "requester", "roles[0]", "topic"], v.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("EU Member State", v.Errors["beneficiaryCountry"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_covers_at_least_one_role_or_theme()
    {
        var (_, v) = TrainingRequestRules.Validate(Valid() with { Roles = [], Themes = null }, Given.Today);
        Assert.Equal(["roles"], v.Errors.Keys);
    }

    [Fact]
    public void The_happy_path_runs_from_submitted_to_closed()
    {
        var closed = Reach(TrainingRequestStatus.Closed);
        Assert.Equal(TrainingRequestStatus.Closed, closed.Status);
        Assert.NotNull(closed.SessionId);
        Assert.Equal(6, closed.Version);
    }

    [Theory]
    [InlineData(TrainingRequestStatus.Submitted, "review", null)]
    [InlineData(TrainingRequestStatus.UnderReview, "review", "nothing")]
    [InlineData(TrainingRequestStatus.Approved, "review", "approved")]
    [InlineData(TrainingRequestStatus.UnderReview, "approve", null)]
    [InlineData(TrainingRequestStatus.Submitted, "approve", "submitted")]
    [InlineData(TrainingRequestStatus.Approved, "approve", "nothing")]
    [InlineData(TrainingRequestStatus.Submitted, "reject", null)]
    [InlineData(TrainingRequestStatus.UnderReview, "reject", null)]
    [InlineData(TrainingRequestStatus.Approved, "reject", "approved")]
    [InlineData(TrainingRequestStatus.Approved, "close", "approved")]
    [InlineData(TrainingRequestStatus.Delivered, "close", null)]
    [InlineData(TrainingRequestStatus.Submitted, "withdraw", null)]
    [InlineData(TrainingRequestStatus.Scheduled, "withdraw", null)]
    [InlineData(TrainingRequestStatus.Delivered, "withdraw", "delivered")]
    [InlineData(TrainingRequestStatus.Closed, "withdraw", "closed")]
    [InlineData(TrainingRequestStatus.Submitted, "schedule", "submitted")]
    [InlineData(TrainingRequestStatus.UnderReview, "deliver", "under-review")]
    public void Each_command_is_allowed_only_in_its_states(TrainingRequestStatus from, string command, string? outcome)
    {
        var request = Reach(from);
        var open = Given.Session();
        var decision = command switch
        {
            "review" => TrainingRequestRules.Review(request),
            "approve" => TrainingRequestRules.Approve(request),
            "reject" => TrainingRequestRules.Reject(request, "Out of scope"),
            "schedule" => TrainingRequestRules.Schedule(request, open),
            "deliver" => TrainingRequestRules.Deliver(request, SessionStatus.Delivered),
            "close" => TrainingRequestRules.Close(request),
            "withdraw" => TrainingRequestRules.Withdraw(request, "No longer needed"),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        switch (outcome)
        {
            case null:
                Assert.Null(decision.Error);
                Assert.NotEmpty(decision.Events);
                break;
            case "nothing":
                Assert.Null(decision.Error);
                Assert.Empty(decision.Events);
                break;
            default:
                Assert.Equal(("invalid-transition", outcome), (decision.Error?.Code, decision.Error?.State));
                break;
        }
    }

    [Fact]
    public void Rejection_and_withdrawal_keep_their_reason()
    {
        var submitted = Submitted();
        var rejected = Then(submitted, TrainingRequestRules.Reject(submitted, "Covered by an EU4Digital action"));
        var withdrawn = Then(submitted, TrainingRequestRules.Withdraw(submitted, "Funding found elsewhere"));

        Assert.Equal((TrainingRequestStatus.Rejected, "Covered by an EU4Digital action"), (rejected.Status, rejected.Reason));
        Assert.Equal((TrainingRequestStatus.Withdrawn, "Funding found elsewhere"), (withdrawn.Status, withdrawn.Reason));
    }

    [Fact]
    public void A_request_is_scheduled_only_on_a_session_still_to_take_place_and_can_move_to_another()
    {
        var approved = Reach(TrainingRequestStatus.Approved);
        var open = Given.Session();
        var cancelled = open.With(SessionRules.Cancel(open, "no trainer"));
        var other = Given.Session();

        Assert.Equal(("session-not-schedulable", "cancelled"), (TrainingRequestRules.Schedule(approved, cancelled).Error?.Code,
            TrainingRequestRules.Schedule(approved, cancelled).Error?.State));
        var scheduled = Then(approved, TrainingRequestRules.Schedule(approved, open));
        Assert.Empty(TrainingRequestRules.Schedule(scheduled, open).Events);
        var moved = Then(scheduled, TrainingRequestRules.Schedule(scheduled, other));
        Assert.Equal((TrainingRequestStatus.Scheduled, other.Id), (moved.Status, moved.SessionId));
    }

    [Fact]
    public void A_request_is_delivered_only_once_its_session_was()
    {
        var scheduled = Reach(TrainingRequestStatus.Scheduled);

        Assert.Equal(("session-not-delivered", "open-for-enrolment"),
            (TrainingRequestRules.Deliver(scheduled, SessionStatus.OpenForEnrolment).Error?.Code, TrainingRequestRules.Deliver(scheduled, SessionStatus.OpenForEnrolment).Error?.State));
        Assert.Null(TrainingRequestRules.Deliver(scheduled, SessionStatus.Closed).Error);
    }

    private static TrainingRequest Then(TrainingRequest state, Decision decision)
    {
        Assert.Null(decision.Error);
        return decision.Events.Aggregate(state, Given.Apply);
    }
}
