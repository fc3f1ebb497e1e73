using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;

namespace EuCyberNet.Projects.Candidates;

/// <summary>One ranked match as the Experts service answers <c>GET /experts/matches</c>.</summary>
public sealed record ExpertMatch(Guid ExpertId, string? Name, string? Citizenship, double Score, IReadOnlyList<string>? Reasons);

public sealed record ExpertMatches(IReadOnlyList<ExpertMatch>? Items, long Total);

/// <summary>What to match: the request's roles, skills, languages, country and period.</summary>
public sealed record MatchQuery(
    IReadOnlyList<EcsfRole> Roles, IReadOnlyList<string> Skills, IReadOnlyList<string> Languages, string Country, DateOnly From, DateOnly To, int PageSize)
{
    public string ToPathAndQuery()
    {
        var query = new StringBuilder("/experts/matches?");
        foreach (var role in Roles) Add(query, "role", Slug.Of(role));
        if (Skills.Count > 0) Add(query, "skills", string.Join(", ", Skills));
        foreach (var language in Languages) Add(query, "languages", language);
        Add(query, "country", Country);
        Add(query, "from", From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(query, "to", To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(query, "pageSize", PageSize.ToString(CultureInfo.InvariantCulture));
        return query.ToString(0, query.Length - 1);
    }

    private static void Add(StringBuilder query, string name, string value) =>
        query.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
}

/// <summary>The Experts service did not answer usefully.</summary>
public sealed class ExpertsServiceException(string message, bool unavailable, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when Experts could not be reached at all (503); false when it answered wrongly (502).</summary>
    public bool Unavailable { get; } = unavailable;
}

/// <summary>
/// The Experts service over HTTP (typed client, base address <c>http://experts</c> resolved by service
/// discovery; ServiceDefaults adds the standard resilience handler: timeouts, retries with back-off, a
/// circuit breaker). The caller's <c>Authorization</c> header is forwarded, so Experts decides what
/// the caller may see. Nothing it returns is stored.
/// </summary>
public sealed class ExpertsClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public async Task<ExpertMatches> MatchesAsync(MatchQuery query, string? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, query.ToPathAndQuery());
        if (!string.IsNullOrEmpty(authorization)) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.ExecutionRejectedException
                                      || (e is TaskCanceledException or OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ExpertsServiceException($"The Experts service could not be reached ({e.GetType().Name}).", unavailable: true, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var unavailable = response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.GatewayTimeout;
                throw new ExpertsServiceException($"The Experts service answered {(int)response.StatusCode} {response.ReasonPhrase}.", unavailable);
            }
            try
            {
                return await response.Content.ReadFromJsonAsync<ExpertMatches>(Json, ct)
                       ?? throw new ExpertsServiceException("The Experts service answered an empty body.", unavailable: false);
            }
            catch (JsonException e)
            {
                throw new ExpertsServiceException("The Experts service answered something that is not a list of matches.", unavailable: false, e);
            }
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonDefaults.Configure(options);
        return options;
    }
}
