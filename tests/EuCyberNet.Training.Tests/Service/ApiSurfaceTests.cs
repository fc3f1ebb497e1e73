using System.Net.Http.Json;
using System.Text.Json;

namespace EuCyberNet.Training.Tests.Service;

[Collection(TrainingServiceGroup.Name)]
public sealed class ApiSurfaceTests(TrainingFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_lists_every_path_of_the_public_contract()
    {
        var document = await fixture.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(m => m.Name).ToHashSet());

        (string Path, string Method)[] expected =
        [
            ("/courses", "post"), ("/courses", "get"), ("/courses/{id}", "put"), ("/courses/{id}", "get"), ("/courses/{id}/history", "get"),
            ("/training-sessions", "post"), ("/training-sessions", "get"), ("/training-sessions/{id}", "get"), ("/training-sessions/{id}/history", "get"),
            ("/training-sessions/{id}/open", "post"), ("/training-sessions/{id}/deliver", "post"), ("/training-sessions/{id}/close", "post"),
            ("/training-sessions/{id}/cancel", "post"), ("/training-sessions/{id}/enrolments", "post"), ("/training-sessions/{id}/enrolments", "get"),
            ("/enrolments", "get"), ("/enrolments/{id}", "get"), ("/enrolments/{id}/history", "get"), ("/enrolments/{id}/cancel", "post"),
            ("/enrolments/{id}/attend", "post"), ("/enrolments/{id}/no-show", "post"), ("/enrolments/{id}/complete", "post"),
            ("/enrolments/{id}/certify", "post"), ("/certificates/{number}", "get"),
            ("/training-requests", "post"), ("/training-requests", "get"), ("/training-requests/{id}", "get"), ("/training-requests/{id}/history", "get"),
            ("/training-requests/{id}/review", "post"), ("/training-requests/{id}/approve", "post"), ("/training-requests/{id}/reject", "post"),
            ("/training-requests/{id}/schedule", "post"), ("/training-requests/{id}/deliver", "post"), ("/training-requests/{id}/close", "post"),
            ("/training-requests/{id}/withdraw", "post"),
        ];
        Assert.All(expected, e => Assert.True(paths.TryGetValue(e.Path, out var methods) && methods.Contains(e.Method), $"{e.Method} {e.Path}"));
    }
}
