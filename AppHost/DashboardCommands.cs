namespace EuCyberNet.AppHost;

/// <summary>Operator buttons on the Aspire dashboard.</summary>
public static class DashboardCommands
{
    /// <summary>
    /// "Rebuild read models" on the coordination resource: POSTs /coordination/admin/rebuild, which
    /// replays Coordination's stored events into every read model and answers with the figures.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReadModelRebuild(this IResourceBuilder<ProjectResource> coordination) =>
        coordination.WithHttpCommand("/coordination/admin/rebuild", "Rebuild read models", commandName: "rebuild-read-models",
            commandOptions: new HttpCommandOptions
            {
                Description = "Rebuild every Coordination read model (activities, experts, overview, overlap alerts) from the stored events",
                ConfirmationMessage = "Rebuild every Coordination read model from the stored events? Lists lag behind until it finishes.",
                IconName = "ArrowSync",
                ResultMode = HttpCommandResultMode.Json,
            });
}
