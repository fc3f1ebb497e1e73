using EuCyberNet.ServiceDefaults.EventSourcing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>
/// Turns what escaped an endpoint into problem details: malformed requests → 400, a concurrent
/// writer that won the race → 409 (412 under If-Match), anything else → 500 without internals.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            _ when CommandHandling.IsConcurrencyFailure(exception) && http.Request.Headers.IfMatch.Count > 0 =>
                (StatusCodes.Status412PreconditionFailed, "Precondition failed", "The resource changed since the version given in If-Match."),
            _ when CommandHandling.IsConcurrencyFailure(exception) =>
                (StatusCodes.Status409Conflict, "Concurrent change", "The resource was changed by another request at the same time; read it again and retry."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server failed to handle the request; the correlation id identifies it in the logs."),
        };
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
