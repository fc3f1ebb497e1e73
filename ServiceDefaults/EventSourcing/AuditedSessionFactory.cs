using System.Diagnostics;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.ServiceDefaults.Messaging;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// Opens the sessions request handlers get from DI, stamped with the audit metadata every event
/// carries: the user from the token, the request's correlation and causation ids, and the W3C
/// trace context (a header the relay uses to continue the trace into RabbitMQ).
/// </summary>
internal sealed class AuditedSessionFactory(IDocumentStore store, IHttpContextAccessor accessor) : ISessionFactory
{
    public IQuerySession QuerySession() => store.QuerySession();

    public IDocumentSession OpenSession()
    {
        var session = store.LightweightSession();
        var http = accessor.HttpContext;
        if (http is not null)
        {
            session.CorrelationId = http.CorrelationId();
            session.CausationId = http.CausationId();
            session.LastModifiedBy = http.User.UserName();
        }
        // The request's own span, so the relay's publish hangs under the request in the trace.
        var activity = http?.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        if (activity?.Id is { } traceParent) session.SetHeader(PlatformHeaders.TraceParent, traceParent);
        return session;
    }
}
