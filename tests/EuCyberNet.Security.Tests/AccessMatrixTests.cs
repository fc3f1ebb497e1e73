using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using EuCyberNet.ServiceDefaults.Security;

namespace EuCyberNet.Security.Tests;

/// <summary>
/// Every endpoint of every service × every role (and no token), table-driven from the endpoints the
/// services actually map: the declared rule is what the service enforces, no endpoint is left without
/// a rule, and docs/security.md is exactly the matrix the code declares.
/// </summary>
public sealed partial class AccessMatrixTests(Services services) : IClassFixture<Services>
{
    public static readonly string[] AllRoles = [Roles.Coordinator, Roles.ProjectOfficer, Roles.TrainingManager, Roles.Expert, Roles.Partner, Roles.Auditor];

    [Fact]
    public void Every_endpoint_declares_who_may_call_it()
    {
        var undeclared = services.All()
            .SelectMany(s => Services.EndpointsOf(s.Service, s.Provider))
            .Where(e => e.Rule is null)
            .Select(e => $"{e.Service}: {e.Name}")
            .ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without AllowRoles/AllowAnonymousCallers:\n" + string.Join('\n', undeclared));
    }

    [Fact]
    public async Task Every_endpoint_answers_every_role_and_a_missing_token_as_its_rule_says()
    {
        var failures = new List<string>();
        var checkedCalls = 0;
        foreach (var (service, client, provider, anonymous) in services.All())
        {
            foreach (var endpoint in Services.EndpointsOf(service, provider).Where(e => e.Rule is not null))
            {
                var rule = endpoint.Rule!;
                var path = Concrete(endpoint.Route);

                var none = await SendAsync(anonymous(), endpoint.Method, path);
                checkedCalls++;
                if (!rule.Anonymous && none != HttpStatusCode.Unauthorized)
                    failures.Add($"{service} {endpoint.Name} without a token: {(int)none}, expected 401");
                if (rule.Anonymous && none is HttpStatusCode.Forbidden)
                    failures.Add($"{service} {endpoint.Name} is open to anonymous callers but answered 403");

                foreach (var role in AllRoles)
                {
                    // Own-only callers carry an expert or partner id that owns nothing here.
                    var caller = client(role, $"matrix-{role}", [new Claim(LocalTokens.ExpertIdClaim, Guid.NewGuid().ToString()), new Claim(LocalTokens.PartnerIdClaim, Guid.NewGuid().ToString())]);
                    var status = await SendAsync(caller, endpoint.Method, path);
                    checkedCalls++;
                    var expectation = Expect(rule, role);
                    if (!expectation.Accepts(status)) failures.Add($"{service} {endpoint.Name} as {role}: {(int)status}, expected {expectation.Text}");
                }
            }
        }
        Assert.True(checkedCalls > 700, $"only {checkedCalls} calls: were endpoints found?");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCalls} calls broke the matrix:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Docs_security_md_is_the_matrix_the_code_declares()
    {
        var generated = SecurityDoc.Render(services.All().SelectMany(s => Services.EndpointsOf(s.Service, s.Provider)).Where(e => e.Rule is not null), AllRoles);
        var path = SecurityDoc.FindDocument();
        var document = File.ReadAllText(path);
        var updated = SecurityDoc.Replace(document, generated);
        if (Environment.GetEnvironmentVariable("EUCYBERNET_UPDATE_DOCS") == "1" && updated != document) File.WriteAllText(path, updated);
        else Assert.True(updated == document, "docs/security.md does not match the code; run the security tests with EUCYBERNET_UPDATE_DOCS=1 to regenerate its matrix, and review the diff.");
    }

    private sealed record Expectation(Func<HttpStatusCode, bool> Accepts, string Text);

    private static Expectation Expect(AccessRule rule, string role)
    {
        if (rule.Anonymous) return new(s => s != HttpStatusCode.Forbidden, "not 403 (open endpoint)");
        if (!rule.Roles.Contains(role)) return new(s => s == HttpStatusCode.Forbidden, "403");
        if (rule.OwnOnly.Contains(role))
            // Allowed only on what is theirs: a token owning nothing is refused (403) or finds nothing (404),
            // or the request is refused for its content (400) before ownership can be decided.
            return new(s => s is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest, "403, 404 or 400 (own records only)");
        return new(s => s is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), "neither 401 nor 403");
    }

    /// <summary>A concrete path for a route template: random ids (which exist nowhere), plausible values otherwise.</summary>
    private static string Concrete(string route) => RouteParameter().Replace(route, m => m.Groups["name"].Value switch
    {
        "purpose" => "data-processing",
        "iso2" => "UA",
        "number" => "ECN-2026-000000",
        "documentName" => "v1",
        _ when m.Groups["constraint"].Value == "guid" => Guid.NewGuid().ToString(),
        _ when m.Value.Contains('?') => "",
        _ => "x",
    }).TrimEnd('/') is { Length: > 0 } p ? p : "/";

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z0-9_]+)(:(?<constraint>[a-z]+))?\??\}")]
    private static partial Regex RouteParameter();
}
