using System.Text;
using EuCyberNet.Contracts;
using Marten;

namespace EuCyberNet.Coordination.Recording;

/// <summary>
/// What Coordination listens to: every integration event of the Experts, Projects and Training
/// contracts, found by reflection so that a record another service adds to its contract is recorded
/// (and shown on timelines) as soon as this service is rebuilt against it, without a code change here.
/// </summary>
public static class HeardEvents
{
    private static readonly string[] Publishers = ["Experts", "Projects", "Training"];

    public static IReadOnlyList<Type> Types { get; } =
    [
        .. typeof(IIntegrationEvent).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
            .Where(t => Publishers.Any(p => t.Namespace?.StartsWith($"EuCyberNet.Contracts.{p}.", StringComparison.Ordinal) == true))
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
    ];

    /// <summary>
    /// The stored event type name, qualified by publisher and contract version
    /// (<c>projects.v1.project_updated</c>), so that a V2 record of the same name never collides with V1.
    /// </summary>
    public static string AliasOf(Type type)
    {
        var parts = type.Namespace!.Split('.');
        return $"{parts[2].ToLowerInvariant()}.{parts[3].ToLowerInvariant()}.{SnakeCase(type.Name)}";
    }

    /// <summary>The publishing service of a heard event type ("projects").</summary>
    public static string PublisherOf(Type type) => type.Namespace!.Split('.')[2].ToLowerInvariant();

    public static void Register(StoreOptions options)
    {
        foreach (var type in Types) options.Events.MapEventType(type, AliasOf(type));
    }

    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
