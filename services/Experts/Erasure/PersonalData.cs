using EuCyberNet.Experts.Pool;
using JasperFx.Events;
using Marten;

namespace EuCyberNet.Experts.Erasure;

/// <summary>
/// Which fields of which events are personal data, and what they become when erased. The rules
/// are registered with Marten (<c>AddMaskingRuleForProtectedInformation</c>, so operators can also
/// run <c>Advanced.ApplyEventDataMasking</c>) and applied by the erasure command itself, in the
/// same transaction as <see cref="ExpertErased"/>.
/// <para>
/// Personal: name, e-mail, organisation, motivation, biography, certificate numbers. Kept:
/// citizenship (a Member State, what the network's statistics count), competences, availability
/// dates, consents, decisions with their reasons and who took them.
/// </para>
/// </summary>
public static class PersonalData
{
    /// <summary>Event header set on every masked event.</summary>
    public const string ErasedHeader = "personal-data-erased";

    private static readonly IMaskingRule[] Rules =
    [
        new Rule<ExpertApplied>(e => e with { Name = "", Email = "", Organisation = "", Motivation = "" }),
        new Rule<ExpertProfileSubmitted>(e => e with { Profile = Mask(e.Profile) }),
        new Rule<ExpertProfileUpdated>(e => e with { Profile = Mask(e.Profile) }),
        new Rule<ExpertTrainingCompleted>(e => e with { Training = Mask(e.Training) }),
    ];

    public static ExpertProfile Mask(ExpertProfile profile) => profile with { Organisation = "", Bio = null };

    public static TrainingRecord Mask(TrainingRecord training) => training with { CertificateNumber = null };

    public static void RegisterWith(StoreOptions options)
    {
        foreach (var rule in Rules) rule.Register(options);
    }

    /// <summary>Masks the event's data in place; false when the event holds no personal data.</summary>
    public static bool TryMask(IEvent e) => Rules.Any(rule => rule.TryMask(e));

    private interface IMaskingRule
    {
        void Register(StoreOptions options);

        bool TryMask(IEvent e);
    }

    private sealed class Rule<T>(Func<T, T> mask) : IMaskingRule where T : notnull
    {
        public void Register(StoreOptions options) => options.Events.AddMaskingRuleForProtectedInformation(mask);

        public bool TryMask(IEvent e)
        {
            if (e is not Event<T> typed) return false;
            typed.Data = mask(typed.Data);
            return true;
        }
    }
}
