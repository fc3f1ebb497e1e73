using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.ServiceDefaults.Http;

/// <summary>RFC 9457 problem details for the outcomes every resource shares (see api.md).</summary>
public static class Problems
{
    private const string TypeBase = "https://eucybernet.eu/problems/";

    public static ProblemHttpResult NotFound(string what, Guid id) =>
        TypedResults.Problem($"{what} {id} does not exist.", statusCode: StatusCodes.Status404NotFound,
            title: "Not found", type: TypeBase + "not-found");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found", type: TypeBase + "not-found");

    /// <summary>The command is not allowed in the resource's current state (or breaks another rule).</summary>
    public static ProblemHttpResult Conflict(EventSourcing.DomainError error) =>
        TypedResults.Problem(error.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            type: TypeBase + error.Code,
            extensions: error.State is null
                ? new Dictionary<string, object?> { ["code"] = error.Code }
                : new Dictionary<string, object?> { ["code"] = error.Code, ["state"] = error.State });

    /// <summary>Someone else changed the resource while this command was being decided.</summary>
    public static ProblemHttpResult ConcurrentChange() =>
        TypedResults.Problem("The resource was changed by another request at the same time; read it again and retry.",
            statusCode: StatusCodes.Status409Conflict, title: "Concurrent change", type: TypeBase + "concurrent-change");

    /// <summary>The If-Match version is not the current one.</summary>
    public static ProblemHttpResult PreconditionFailed(long expected) =>
        TypedResults.Problem($"If-Match asked for version {expected}, which is not the current version.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", type: TypeBase + "stale-version");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request", type: TypeBase + "bad-request");

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "One or more fields are invalid", type: TypeBase + "validation");
}
