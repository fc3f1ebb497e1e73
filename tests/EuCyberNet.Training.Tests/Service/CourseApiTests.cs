using System.Net;
using System.Net.Http.Json;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Courses;

namespace EuCyberNet.Training.Tests.Service;

[Collection(TrainingServiceGroup.Name)]
public sealed class CourseApiTests(TrainingFixture fixture)
{
    private readonly TrainingApi _api = new(fixture.Client(), fixture.Clock);

    [Fact]
    public async Task A_course_is_created_read_revised_with_if_match_and_keeps_its_history()
    {
        var response = await _api.Http.PostAsJsonAsync("/courses", new
        {
            title = "Cyber threat intelligence fundamentals", provider = "ENISA", format = "online", language = "en",
            roles = new[] { "cyber-threat-intelligence-specialist" }, themes = new[] { "incident-management-and-cip" }, durationDays = 2,
            prerequisites = new object[] { new { description = "ENISA e-learning: CTI basics" } },
        });
        var created = await TrainingApi.CreatedAsync<CourseView>(response);
        Assert.Equal($"/courses/{created.Id}", response.Headers.Location?.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);

        var stale = await PutAsync(created.Id, "Cyber threat intelligence, revised", ifMatch: "\"7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(0, await fixture.EventsAsync("course_revised", created.Id));

        var revised = await TrainingApi.OkAsync<CourseView>(await PutAsync(created.Id, "Cyber threat intelligence, revised", ifMatch: "\"1\""));
        var again = await TrainingApi.OkAsync<CourseView>(await PutAsync(created.Id, "Cyber threat intelligence, revised"));

        Assert.Equal((2L, "Cyber threat intelligence, revised"), (revised.Version, revised.Title));
        Assert.Equal(2, again.Version);
        var history = await _api.HistoryAsync($"/courses/{created.Id}");
        Assert.Equal(["CourseCatalogued", "CourseRevised"], history.Select(h => h.Type));
        Assert.All(history, h => Assert.Equal("tm.lena", h.User));
        var first = await _api.GetAsync<CourseView>($"/courses/{created.Id}?asOf={Uri.EscapeDataString(history[0].OccurredAt.ToString("O"))}");
        Assert.Equal("Cyber threat intelligence fundamentals", first.Title);
    }

    [Fact]
    public async Task A_bad_course_lists_every_bad_field_and_writes_nothing()
    {
        var before = await fixture.EventsAsync("course_catalogued");

        var response = await _api.Http.PostAsJsonAsync("/courses", new
        {
            title = "", format = "webinar", language = "english", roles = Array.Empty<string>(), themes = new[] { "cyberwar" },
            durationDays = 0, prerequisites = new object[] { new { courseId = Guid.NewGuid() } },
        });

        Assert.Equal(["durationDays", "format", "language", "prerequisites[0].courseId", "provider", "roles", "themes[0]", "title"],
            await TrainingApi.BadFieldsAsync(response));
        Assert.Equal(before, await fixture.EventsAsync("course_catalogued"));
    }

    [Fact]
    public async Task Prerequisites_refer_to_courses_of_the_catalogue_and_never_form_a_cycle()
    {
        var basics = await _api.AddCourseAsync("Network security basics");
        var advanced = await _api.AddCourseAsync("Advanced network defence", prerequisites: [new { courseId = basics.Id }]);

        var cycle = await _api.Http.PutAsJsonAsync($"/courses/{basics.Id}", Body("Network security basics", new { courseId = advanced.Id }));
        var self = await _api.Http.PutAsJsonAsync($"/courses/{basics.Id}", Body("Network security basics", new { courseId = basics.Id }));

        Assert.Equal(["prerequisites[0].courseId"], await TrainingApi.BadFieldsAsync(cycle));
        Assert.Equal(["prerequisites[0].courseId"], await TrainingApi.BadFieldsAsync(self));
        Assert.Equal(basics.Id, Assert.Single(advanced.Prerequisites).CourseId);
    }

    [Fact]
    public async Task The_catalogue_is_searched_by_role_theme_format_language_and_title()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var forensics = await _api.AddCourseAsync($"Forensics {marker}", roles: ["digital-forensics-investigator"], themes: ["cybercrime"], format: "blended", language: "fr");
        var policy = await _api.AddCourseAsync($"Policy {marker}", roles: ["cyber-legal-policy-compliance-officer", "ciso"], themes: ["policy-and-strategy"],
            format: "online", language: "en");

        async Task<IReadOnlyList<Guid>> Search(string query) =>
            [.. (await _api.GetAsync<Page<CourseView>>($"/courses?q={marker}&{query}")).Items.Select(c => c.Id)];

        Assert.Equal([forensics.Id], await Search("role=digital-forensics-investigator"));
        Assert.Equal([policy.Id], await Search("role=ciso"));
        Assert.Equal([forensics.Id], await Search("theme=cybercrime"));
        Assert.Equal([policy.Id], await Search("format=online"));
        Assert.Equal([forensics.Id], await Search("language=fr&format=blended"));
        Assert.Empty(await Search("role=ciso&theme=cybercrime"));
        Assert.Equal(2, (await _api.GetAsync<Page<CourseView>>($"/courses?q={marker.ToUpperInvariant()}&pageSize=1")).Total);
        Assert.Equal(["format", "pageSize", "role"], await TrainingApi.BadFieldsAsync(await _api.Http.GetAsync("/courses?role=hacker&format=vr&pageSize=500")));
    }

    [Fact]
    public async Task Unknown_courses_are_not_found_and_a_retried_create_is_one_course()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.GetAsync($"/courses/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.PutAsJsonAsync($"/courses/{Guid.NewGuid()}", Body("x"))).StatusCode);

        var client = fixture.Client();
        client.DefaultRequestHeaders.Add("Idempotency-Key", $"course-{Guid.NewGuid():N}");
        var first = await TrainingApi.CreatedAsync<CourseView>(await client.PostAsJsonAsync("/courses", Body("Retried course")));
        var second = await TrainingApi.CreatedAsync<CourseView>(await client.PostAsJsonAsync("/courses", Body("Retried course")));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await fixture.EventsAsync("course_catalogued", first.Id));
    }

    private Task<HttpResponseMessage> PutAsync(Guid id, string title, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/courses/{id}") { Content = JsonContent.Create(Body(title)) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _api.Http.SendAsync(request);
    }

    private static object Body(string title, params object[] prerequisites) => new
    {
        title, provider = "ENISA", format = "online", language = "en", roles = new[] { "cyber-threat-intelligence-specialist" },
        themes = new[] { "incident-management-and-cip" }, durationDays = 2, prerequisites = prerequisites.Length == 0
            ? new object[] { new { description = "ENISA e-learning: CTI basics" } }
            : prerequisites,
    };
}
