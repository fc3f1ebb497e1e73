using System.Diagnostics.Metrics;
using EuCyberNet.ServiceDefaults.Telemetry;

namespace EuCyberNet.Projects.Common;

/// <summary>Domain outcomes of the Projects service, on the platform's meter (the dashboard shows them).</summary>
public static class ProjectsMetrics
{
    public static readonly Counter<long> PartnerEvents = EuCyberNetTelemetry.Meter.CreateCounter<long>(
        "eucybernet.projects.partner_events", "{message}", "Partner messages by channel and outcome (accepted, duplicate, rejected)");

    public static readonly Counter<long> Selections = EuCyberNetTelemetry.Meter.CreateCounter<long>(
        "eucybernet.projects.selections", "{command}", "Selections of experts by outcome (selected, or the rule that refused them)");

    public static readonly Counter<long> DeadlineClosures = EuCyberNetTelemetry.Meter.CreateCounter<long>(
        "eucybernet.projects.deadline_closures", "{request}", "Requests for expertise closed by the deadline check");

    public static void PartnerEvent(PartnerIntake.IntakeChannel channel, string outcome) =>
        PartnerEvents.Add(1, new KeyValuePair<string, object?>("channel", channel.Slug()), new KeyValuePair<string, object?>("outcome", outcome));

    public static void Selection(string outcome) => Selections.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
