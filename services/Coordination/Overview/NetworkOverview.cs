using EuCyberNet.Contracts.Experts.V1;
using Marten.Events.Projections;

namespace EuCyberNet.Coordination.Overview;

/// <summary>Network figures; one document for the whole network.</summary>
public sealed record NetworkOverview(string Id, long ExpertApplications)
{
    public const string DocumentId = "network";

    public static NetworkOverview Empty { get; } = new(DocumentId, 0);
}

public sealed partial class NetworkOverviewProjection : MultiStreamProjection<NetworkOverview, string>
{
    public NetworkOverviewProjection()
    {
        Identity<ExpertApplicationReceived>(_ => NetworkOverview.DocumentId);
    }

    public static NetworkOverview Create(ExpertApplicationReceived e) => NetworkOverview.Empty with { ExpertApplications = 1 };

    public static NetworkOverview Apply(ExpertApplicationReceived e, NetworkOverview current) =>
        current with { ExpertApplications = current.ExpertApplications + 1 };
}
