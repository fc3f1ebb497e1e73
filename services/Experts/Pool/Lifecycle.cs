using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Experts.Pool;

/// <summary>
/// The staff decisions on an expert, as pure functions of the record (domain.md, our rules):
/// <code>
/// applied ──acknowledge──► acknowledged ──profile──► profile-submitted ──accept──► accepted ⇄ suspended
///                               └──────────reject──────────┴──► rejected           (suspend / reinstate)
/// applied, acknowledged, profile-submitted, accepted, suspended ──withdraw──► withdrawn
/// any ──erase──► erased
/// </code>
/// Repeating a decision that already holds appends nothing (an idempotent retry); any other
/// decision outside its states is a conflict naming the state. Reasons are required to reject,
/// to suspend and for staff to withdraw someone; accepting needs the expert's consent to the
/// processing of their data.
/// </summary>
public static class Lifecycle
{
    public const int MaxReasonLength = 2000;

    public static Decision Acknowledge(Expert expert) => expert.Status switch
    {
        ExpertStatus.Applied => Decision.Emit(new ExpertAcknowledged(expert.Status, expert.Citizenship)),
        ExpertStatus.Acknowledged => Decision.Nothing,
        _ => Invalid("acknowledge", expert),
    };

    public static Decision Accept(Expert expert, string? reason) => expert.Status switch
    {
        ExpertStatus.ProfileSubmitted when !expert.ConsentsToDataProcessing => new DomainError(
            "consent-required",
            $"Cannot accept while the resource is {Slug.Of(expert.Status)} without the expert's consent to the processing of their data.",
            Slug.Of(expert.Status)),
        ExpertStatus.ProfileSubmitted => Decision.Emit(new ExpertAccepted(
            expert.Status, expert.Citizenship, reason,
            expert.Profile!.Roles, expert.Profile.Languages, expert.Profile.Skills, expert.Profile.YearsOfExperience,
            expert.Availability)),
        ExpertStatus.Accepted => Decision.Nothing,
        _ => Invalid("accept", expert),
    };

    public static Decision Reject(Expert expert, string reason) => expert.Status switch
    {
        ExpertStatus.Acknowledged or ExpertStatus.ProfileSubmitted => Decision.Emit(new ExpertRejected(expert.Status, expert.Citizenship, reason)),
        ExpertStatus.Rejected => Decision.Nothing,
        _ => Invalid("reject", expert),
    };

    public static Decision Suspend(Expert expert, string reason) => expert.Status switch
    {
        ExpertStatus.Accepted => Decision.Emit(new ExpertSuspended(expert.Status, expert.Citizenship, reason)),
        ExpertStatus.Suspended => Decision.Nothing,
        _ => Invalid("suspend", expert),
    };

    public static Decision Reinstate(Expert expert, string? reason) => expert.Status switch
    {
        ExpertStatus.Suspended => Decision.Emit(new ExpertReinstated(expert.Status, expert.Citizenship, reason)),
        ExpertStatus.Accepted => Decision.Nothing,
        _ => Invalid("reinstate", expert),
    };

    /// <summary>The expert may withdraw without a reason; staff must give one (checked with the input).</summary>
    public static Decision Withdraw(Expert expert, string? reason, bool byExpert) => expert.Status switch
    {
        ExpertStatus.Applied or ExpertStatus.Acknowledged or ExpertStatus.ProfileSubmitted or ExpertStatus.Accepted or ExpertStatus.Suspended =>
            Decision.Emit(new ExpertWithdrawn(expert.Status, expert.Citizenship, reason, byExpert)),
        ExpertStatus.Withdrawn => Decision.Nothing,
        _ => Invalid("withdraw", expert),
    };

    /// <summary>Erasure is possible from every state, once.</summary>
    public static Decision Erase(Expert expert, bool byExpert) => expert.Status switch
    {
        ExpertStatus.Erased => Decision.Nothing,
        _ => Decision.Emit(new ExpertErased(expert.Status, expert.Citizenship, byExpert)),
    };

    /// <summary>Nothing more can be recorded about someone whose record is closed this way.</summary>
    public static bool IsClosed(ExpertStatus status) => status is ExpertStatus.Rejected or ExpertStatus.Withdrawn or ExpertStatus.Erased;

    internal static DomainError Invalid(string command, Expert expert) => DomainError.InvalidTransition(command, Slug.Of(expert.Status));
}
