using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Training.Enrolments;

namespace EuCyberNet.Training.Common;

/// <summary>What makes a Training record an expert's or a partner's own (the own-only part of docs/security.md).</summary>
public static class Owners
{
    /// <summary>An expert enrols themselves; a partner nominates external participants.</summary>
    public static ValueTask<bool?> EnrolsWithinOwnRights(EndpointFilterInvocationContext context)
    {
        var user = context.HttpContext.User;
        if (context.Arguments.OfType<EnrolmentRequest>().FirstOrDefault() is not { } body) return ValueTask.FromResult<bool?>(null);
        var own = user.IsInRole(Roles.Expert)
            ? body.Participant is null && Guid.TryParse(body.ExpertId, out var id) && id == user.ExpertId()
            : body.ExpertId is null && body.Participant is not null;
        return ValueTask.FromResult<bool?>(own);
    }

    /// <summary>An expert's own enrolment, or one a partner user made (nominated) themselves.</summary>
    public static async ValueTask<bool?> IsOwnEnrolment(EndpointFilterInvocationContext context)
    {
        var user = context.HttpContext.User;
        if (!user.IsInRole(Roles.Expert)) return await Access.CreatedByCaller(context);
        var enrolment = await Access.RouteRecordAsync<Enrolment>(context);
        return enrolment is null ? null : enrolment.ExpertId is { } expert && expert == user.ExpertId();
    }
}
