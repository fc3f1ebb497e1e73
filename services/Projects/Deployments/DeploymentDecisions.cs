using EuCyberNet.Projects.ExpertFacts;
using EuCyberNet.Projects.Common;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Projects.Deployments;

/// <summary>An extension's events: the deployment's, and the expert's changed booking.</summary>
public sealed record ExtensionDecision(Decision Deployment, ExpertBookingChanged? Booking);

/// <summary>The deployment lifecycle as pure functions: Planned → Confirmed → Started → (Extended)* → Completed → Evaluated; Planned/Confirmed → Cancelled.</summary>
public static class DeploymentDecisions
{
    public const int MinRating = 1;
    public const int MaxRating = 5;

    public static Decision Confirm(Deployment d, KnownExpert? expert, string? reason = null) => d.Status switch
    {
        DeploymentStatus.Planned => ExpertRules.MayNot(expert, d.ExpertId, "be deployed") is { } refused
            ? refused
            : Decision.Emit(new DeploymentConfirmed(reason)),
        DeploymentStatus.Confirmed => Decision.Nothing,
        _ => DomainError.InvalidTransition("confirm", d.Status.Slug()),
    };

    public static Decision Start(Deployment d, KnownExpert? expert, string? reason = null) => d.Status switch
    {
        DeploymentStatus.Confirmed => ExpertRules.MayNot(expert, d.ExpertId, "be deployed") is { } refused
            ? refused
            : Decision.Emit(new DeploymentStarted(reason)),
        DeploymentStatus.Started => Decision.Nothing,
        _ => DomainError.InvalidTransition("start", d.Status.Slug()),
    };

    /// <summary>A started deployment's end moves later, if the expert is still in the pool and free until then.</summary>
    public static ExtensionDecision Extend(Deployment d, DateOnly newEndDate, KnownExpert? expert, string? reason = null)
    {
        if (d.Status != DeploymentStatus.Started) return new(DomainError.InvalidTransition("extend", d.Status.Slug()), null);
        if (newEndDate == d.EndDate) return new(Decision.Nothing, null);
        if (newEndDate < d.EndDate)
            return new(new DomainError("not-an-extension",
                $"The new end date {newEndDate:yyyy-MM-dd} is before the current one ({d.EndDate:yyyy-MM-dd}).", d.Status.Slug()), null);
        if (ExpertRules.MayNot(expert, d.ExpertId, "be deployed") is { } refused) return new(refused, null);
        if (ExpertRules.Overlapping(expert, d.StartDate, newEndDate, except: d.Id) is { } overlap)
            return new(ExpertRules.OverlapError(d.ExpertId, overlap, d.StartDate, newEndDate), null);
        return new(Decision.Emit(new DeploymentExtended(d.EndDate, newEndDate, reason)), new ExpertBookingChanged(d.Id, d.StartDate, newEndDate));
    }

    public static Decision Complete(Deployment d, string debrief) => d.Status switch
    {
        DeploymentStatus.Started => Decision.Emit(new DeploymentCompleted(debrief)),
        DeploymentStatus.Completed when d.Debrief == debrief => Decision.Nothing,
        _ => DomainError.InvalidTransition("complete", d.Status.Slug()),
    };

    public static Decision Evaluate(Deployment d, int rating, string? feedback) => d.Status switch
    {
        DeploymentStatus.Completed => Decision.Emit(new DeploymentEvaluated(rating, feedback)),
        DeploymentStatus.Evaluated when d.Rating == rating && d.Feedback == feedback => Decision.Nothing,
        _ => DomainError.InvalidTransition("evaluate", d.Status.Slug()),
    };

    /// <summary>Only before the deployment started.</summary>
    public static Decision Cancel(Deployment d, string reason) => d.Status switch
    {
        DeploymentStatus.Planned or DeploymentStatus.Confirmed => Decision.Emit(new DeploymentCancelled(reason)),
        DeploymentStatus.Cancelled => Decision.Nothing,
        _ => DomainError.InvalidTransition("cancel", d.Status.Slug()),
    };
}
