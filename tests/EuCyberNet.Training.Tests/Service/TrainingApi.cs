using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Courses;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Service;

/// <summary>The Training service's HTTP API, as the tests drive it.</summary>
public sealed class TrainingApi(HttpClient http, TestClock clock)
{
    public static JsonSerializerOptions Json { get; } = CreateJson();

    public HttpClient Http => http;

    public async Task<CourseView> AddCourseAsync(string title = "Incident handling for CSIRTs", string[]? roles = null, string[]? themes = null,
        string format = "classroom", string language = "en", object[]? prerequisites = null)
    {
        var response = await http.PostAsJsonAsync("/courses", new
        {
            title,
            provider = "ENISA",
            format,
            language,
            roles = roles ?? ["cyber-incident-responder"],
            themes = themes ?? ["incident-management-and-cip"],
            durationDays = 3,
            prerequisites = prerequisites ?? [],
        });
        return await CreatedAsync<CourseView>(response);
    }

    /// <summary>A session starting in <paramref name="startsInDays"/> days, open for enrolment unless told otherwise.</summary>
    public async Task<SessionView> ScheduleAsync(Guid courseId, int capacity = 10, int startsInDays = 30, bool open = true, string? country = "KE")
    {
        var start = clock.Today.AddDays(startsInDays);
        var response = await http.PostAsJsonAsync("/training-sessions", new
        {
            courseId,
            startDate = Date(start),
            endDate = Date(start.AddDays(2)),
            country,
            city = country is null ? null : "Nairobi",
            online = country is null,
            capacity,
            enrolmentDeadline = Date(start.AddDays(-7)),
        });
        var session = await CreatedAsync<SessionView>(response);
        return open ? await OkAsync<SessionView>(await PostAsync($"/training-sessions/{session.Id}/open")) : session;
    }

    public Task<HttpResponseMessage> EnrolExpertAsync(Guid sessionId, Guid expertId) =>
        http.PostAsJsonAsync($"/training-sessions/{sessionId}/enrolments", new { expertId });

    public Task<HttpResponseMessage> EnrolExternalAsync(Guid sessionId, string name = "Amina Otieno", string? email = null, string country = "KE") =>
        http.PostAsJsonAsync($"/training-sessions/{sessionId}/enrolments",
            new { participant = new { name, email = email ?? $"{Guid.NewGuid():N}@ke-cirt.go.ke", country } });

    public async Task<EnrolmentView> EnrolledAsync(Task<HttpResponseMessage> enrol) => await CreatedAsync<EnrolmentView>(await enrol);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return http.SendAsync(request);
    }

    public async Task<T> GetAsync<T>(string path)
    {
        var response = await http.GetAsync(path);
        return await OkAsync<T>(response);
    }

    public async Task<SessionView> SessionAsync(Guid id) => await GetAsync<SessionView>($"/training-sessions/{id}");

    public async Task<EnrolmentView> EnrolmentAsync(Guid id) => await GetAsync<EnrolmentView>($"/enrolments/{id}");

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string path) =>
        (await http.GetFromJsonAsync<List<HistoryEntry>>(path + "/history", Json))!;

    public static async Task<T> OkAsync<T>(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
            throw new Xunit.Sdk.XunitException($"Expected 200 from {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task<T> CreatedAsync<T>(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Created)
            throw new Xunit.Sdk.XunitException($"Expected 201 from {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    /// <summary>A problem's <c>errors</c> keys (400) in order.</summary>
    public static async Task<IReadOnlyList<string>> BadFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>A 409 problem's <c>state</c> (and code).</summary>
    public static async Task<(string? State, string? Code)> ConflictAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"Expected 409, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (problem.TryGetProperty("state", out var state) ? state.GetString() : null,
            problem.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions();
        JsonDefaults.Configure(options);
        return options;
    }
}
