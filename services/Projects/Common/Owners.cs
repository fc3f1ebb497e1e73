using System.Security.Claims;
using EuCyberNet.Projects.Deployments;
using EuCyberNet.Projects.ExpertiseRequests;
using EuCyberNet.Projects.PartnerIntake;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Projects.Common;

/// <summary>What makes a Projects record an expert's or a partner's own (the own-only part of docs/security.md).</summary>
public static class Owners
{
    public static bool IsExpertOf(Deployment deployment, ClaimsPrincipal user) => deployment.ExpertId == user.ExpertId();

    /// <summary>An expert sees published requests, and any request they applied to.</summary>
    public static bool ExpertMaySee(ExpertiseRequest request, ClaimsPrincipal user) =>
        request.Status == RequestStatus.Published || request.Applications.Any(a => a.ExpertId == user.ExpertId());

    /// <summary>An expert lists published requests only (<c>?status=published</c>).</summary>
    public static ValueTask<bool?> ListsPublishedOnly(EndpointFilterInvocationContext context) =>
        ValueTask.FromResult<bool?>(string.Equals(context.HttpContext.Request.Query["status"], "published", StringComparison.OrdinalIgnoreCase));

    /// <summary>An expert applies for themselves; nominating is staff's.</summary>
    public static bool AppliesAsSelf(ApplicationBody body, ClaimsPrincipal user) =>
        body.Nominated != true && Guid.TryParse(body.ExpertId, out var id) && id == user.ExpertId();

    public static bool IsPartnerOf(Project project, ClaimsPrincipal user) => project.PartnerId is { } id && IsPartner(user, id);

    public static bool IsPartnerOf(RejectedPartnerEvent rejected, ClaimsPrincipal user) => rejected.PartnerId is { } id && IsPartner(user, id);

    private static bool IsPartner(ClaimsPrincipal user, Guid partnerId) => Guid.TryParse(user.PartnerId(), out var mine) && mine == partnerId;
}
