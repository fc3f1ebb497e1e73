using System.Diagnostics;

namespace EuCyberNet.AppHost.Infrastructure;

/// <summary>Where PostgreSQL and RabbitMQ come from.</summary>
public enum InfrastructureMode
{
    /// <summary>Aspire's PostgreSQL and RabbitMQ container resources (a container runtime answers).</summary>
    Containers,

    /// <summary>The machine's own postgres and rabbitmq-server binaries, started as executable resources.</summary>
    Local,

    /// <summary>Servers that already run, given as connection strings.</summary>
    External,
}

/// <summary>Settings of section "Infrastructure" (all optional; see docs/architecture.md).</summary>
public sealed class InfrastructureOptions
{
    /// <summary>auto (default), containers, local or external.</summary>
    public string Mode { get; set; } = "auto";

    /// <summary>Local mode: where server data lives between runs (default: the repository's .data/).</summary>
    public string? DataDirectory { get; set; }

    public int PostgresPort { get; set; } = 55432;

    public int RabbitMqPort { get; set; } = 55672;

    public int RabbitMqManagementPort { get; set; } = 55673;

    /// <summary>Erlang distribution port of the local node (rabbitmqctl talks to it).</summary>
    public int RabbitMqDistributionPort { get; set; } = 55674;

    public string RabbitMqNodeName { get; set; } = "eucybernet@localhost";

    /// <summary>
    /// Picks the mode: an explicit setting wins; then connection strings for both servers mean
    /// external; then a container runtime that answers means containers; else local binaries.
    /// </summary>
    public InfrastructureMode Resolve(string? postgresConnection, string? rabbitConnection)
    {
        switch (Mode.Trim().ToLowerInvariant())
        {
            case "containers": return InfrastructureMode.Containers;
            case "local": return InfrastructureMode.Local;
            case "external": return InfrastructureMode.External;
            case "auto" or "": break;
            default: throw new InvalidOperationException($"Infrastructure:Mode '{Mode}' is not one of auto, containers, local, external.");
        }
        if (!string.IsNullOrWhiteSpace(postgresConnection) && !string.IsNullOrWhiteSpace(rabbitConnection)) return InfrastructureMode.External;
        return ContainerRuntimeAnswers() ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }

    /// <summary>True when `docker info` (or `podman info`) reaches a daemon within a few seconds.</summary>
    private static bool ContainerRuntimeAnswers()
    {
        foreach (var runtime in new[] { Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME"), "docker", "podman" })
        {
            if (string.IsNullOrWhiteSpace(runtime)) continue;
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null) continue;
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0 && process.StandardOutput.ReadToEnd().Trim().Length > 0) return true;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return false;
    }
}
