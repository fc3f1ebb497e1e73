using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Projects.Common;

public static class CommandResults
{
    /// <summary>A command's result as an endpoint that may also answer 400 (its body was validated first) declares it.</summary>
    public static Results<Ok<TView>, ProblemHttpResult, ValidationProblem> Widen<TView>(this Results<Ok<TView>, ProblemHttpResult> result) =>
        result.Result switch
        {
            Ok<TView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected command result."),
        };
}
