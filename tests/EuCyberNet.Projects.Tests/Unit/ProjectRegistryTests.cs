using System.Text;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Projects.PartnerIntake;
using EuCyberNet.Projects.Projects;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using static EuCyberNet.Projects.Tests.Unit.Given;

namespace EuCyberNet.Projects.Tests.Unit;

/// <summary>Projects registered by staff and reported by partner systems.</summary>
public sealed class ProjectRegistryTests
{
    private static readonly Guid PartnerA = Guid.NewGuid();
    private static readonly Guid PartnerB = Guid.NewGuid();

    public static ProjectDetails Details(string title = "Cyber resilience for Moldova") => new(
        title, "European Commission (FPI)", ["e-Governance Academy"], ["MD"], [CcbTheme.PolicyAndStrategy], [Pillar.NationalStrategicFramework],
        2_500_000m, new DateOnly(2027, 1, 1), new DateOnly(2028, 12, 31), ProjectStatus.Ongoing);

    private static PartnerEvent Event(PartnerEventType type, string projectRef = "MD-2027-01", ProjectDetails? project = null, Guid? projectId = null) =>
        new($"evt-{Guid.NewGuid():N}", type, Start, projectRef, projectId, project, null, type == PartnerEventType.ProjectClosed ? new DateOnly(2028, 12, 31) : null, null);

    [Fact]
    public void Validation_reports_every_bad_field_at_once()
    {
        var v = new Validator();
        ProjectRules.Validate(new ProjectRequest("", null, [new string('x', 201)], ["ZZ"], ["hacking"], ["nope"], -1, "2027-13-01", "2026-01-01", "paused"), v);
        Assert.Equal(["beneficiaryCountries[0]", "budgetEur", "funder", "implementers[0]", "pillars[0]", "startDate", "status", "themes[0]", "title"],
            v.Errors.Keys.Order(StringComparer.Ordinal));

        var period = new Validator();
        ProjectRules.Validate(new ProjectRequest("t", "f", null, ["UA"], null, null, null, "2027-02-01", "2027-01-01", null), period);
        Assert.Equal(["endDate"], period.Errors.Keys);
    }

    [Fact]
    public void Staff_change_a_staff_project_naming_the_changed_fields()
    {
        var project = Fold<Project>(Guid.NewGuid(), new ProjectRegistered(Details()));
        Assert.Equal(Project.StaffSource, project.Source);
        var e = Assert.IsType<ProjectDetailsChanged>(Assert.Single(ProjectRules.Change(project, Details("Cyber resilience for Moldova II") with { BudgetEur = 3_000_000m }).Events));
        Assert.Equal(["title", "budgetEur"], e.ChangedFields);
        Assert.Equal(Decision.Nothing, ProjectRules.Change(project, Details()));
    }

    [Fact]
    public void A_partner_reported_project_changes_only_through_its_partner()
    {
        var project = Fold<Project>(Guid.NewGuid(), new ProjectReportedByPartner(Details(), PartnerA, "MD-2027-01", "evt-1"));
        Assert.Equal(PartnerA.ToString(), project.Source);
        Assert.Equal("partner-maintained", ProjectRules.Change(project, Details("x")).Error!.Code);
    }

    [Fact]
    public void A_partner_reports_a_project_under_an_id_derived_from_its_own_reference()
    {
        Assert.Equal(PartnerProjectDecisions.ProjectIdFor(PartnerA, "MD-2027-01"), PartnerProjectDecisions.ProjectIdFor(PartnerA, "MD-2027-01"));
        Assert.NotEqual(PartnerProjectDecisions.ProjectIdFor(PartnerA, "MD-2027-01"), PartnerProjectDecisions.ProjectIdFor(PartnerB, "MD-2027-01"));

        var (decision, _) = PartnerProjectDecisions.Decide(null, Event(PartnerEventType.ProjectReported, project: Details()), PartnerA);
        var reported = Assert.IsType<ProjectReportedByPartner>(Assert.Single(decision.Events));
        Assert.Equal((PartnerA, "MD-2027-01"), (reported.PartnerId, reported.ProjectRef));
    }

    [Fact]
    public void Partner_rules_name_the_field_they_are_about()
    {
        var id = PartnerProjectDecisions.ProjectIdFor(PartnerA, "MD-2027-01");
        var project = Fold<Project>(id, new ProjectReportedByPartner(Details(), PartnerA, "MD-2027-01", "evt-1"));

        Assert.Equal(("already-reported", "projectRef"), Rule(project, Event(PartnerEventType.ProjectReported, project: Details()), PartnerA));
        Assert.Equal(("unknown-project", "projectRef"), Rule(null, Event(PartnerEventType.ProjectUpdated, project: Details()), PartnerA));
        Assert.Equal(("not-your-project", "projectId"), Rule(project, Event(PartnerEventType.ProjectUpdated, project: Details(), projectId: id), PartnerB));
        var staffProject = Fold<Project>(Guid.NewGuid(), new ProjectRegistered(Details()));
        Assert.Equal(("not-your-project", "projectId"), Rule(staffProject, Event(PartnerEventType.ProjectClosed, projectId: staffProject.Id), PartnerA));
        Assert.Equal(("reference-mismatch", "projectRef"), Rule(project, Event(PartnerEventType.ProjectClosed, "OTHER", projectId: id), PartnerA));

        var closed = Fold<Project>(id, new ProjectReportedByPartner(Details(), PartnerA, "MD-2027-01", "evt-1"), new ProjectClosedByPartner(new DateOnly(2028, 1, 1), null, "evt-2"));
        Assert.Equal(ProjectStatus.Closed, closed.Details.Status);
        Assert.Equal(("project-closed", "type"), Rule(closed, Event(PartnerEventType.ProjectUpdated, project: Details()), PartnerA));
    }

    [Fact]
    public void Updates_activities_and_closing_by_the_reporting_partner()
    {
        var id = PartnerProjectDecisions.ProjectIdFor(PartnerA, "MD-2027-01");
        var project = Fold<Project>(id, new ProjectReportedByPartner(Details(), PartnerA, "MD-2027-01", "evt-1"));

        var update = PartnerProjectDecisions.Decide(project, Event(PartnerEventType.ProjectUpdated, project: Details() with { Status = ProjectStatus.Planned }), PartnerA).Decision;
        Assert.Equal(["status"], Assert.IsType<ProjectUpdatedByPartner>(Assert.Single(update.Events)).ChangedFields);
        Assert.Equal(Decision.Nothing, PartnerProjectDecisions.Decide(project, Event(PartnerEventType.ProjectUpdated, project: Details()), PartnerA).Decision);

        var activity = new ReportedActivity("W-1", "National CSIRT workshop", ActivityType.Training, "MD", [CcbTheme.CultureAndSkills],
            new DateOnly(2027, 5, 10), new DateOnly(2027, 5, 12));
        var report = Event(PartnerEventType.ActivityReported) with { Activity = activity };
        var reported = PartnerProjectDecisions.Decide(project, report, PartnerA).Decision;
        var withActivity = Fold<Project>(id, new ProjectReportedByPartner(Details(), PartnerA, "MD-2027-01", "evt-1"), reported.Events[0]);
        Assert.Equal("W-1", Assert.Single(withActivity.Activities).ActivityRef);
        var sameAgain = report with { Activity = activity with { Themes = [CcbTheme.CultureAndSkills] } };
        Assert.Equal(Decision.Nothing, PartnerProjectDecisions.Decide(withActivity, sameAgain, PartnerA).Decision);

        var closing = PartnerProjectDecisions.Decide(project, Event(PartnerEventType.ProjectClosed), PartnerA).Decision;
        Assert.IsType<ProjectClosedByPartner>(Assert.Single(closing.Events));
    }

    private static (string Code, string Field) Rule(Project? project, PartnerEvent e, Guid partner)
    {
        var (decision, field) = PartnerProjectDecisions.Decide(project, e, partner);
        return (decision.Error!.Code, field);
    }
}

/// <summary>The partner event schema, enforced field by field.</summary>
public sealed class PartnerEventParserTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private const string Reported = """
        {
          "eventId": "evt-0001",
          "type": "project-reported",
          "occurredAt": "2027-03-01T09:00:00Z",
          "projectRef": "MD-2027-01",
          "project": {
            "title": "Cyber resilience for Moldova",
            "funder": "European Commission (FPI)",
            "implementers": ["e-Governance Academy"],
            "beneficiaryCountries": ["MD"],
            "themes": ["policy-and-strategy"],
            "pillars": ["national-strategic-framework"],
            "budgetEur": 2500000,
            "startDate": "2027-01-01",
            "endDate": "2028-12-31",
            "status": "ongoing"
          }
        }
        """;

    private static (PartnerEvent? Event, IReadOnlyList<RejectionReason> Reasons) Parse(string json) => PartnerEventParser.Parse(Encoding.UTF8.GetBytes(json), Now);

    private static string[] Fields(string json) => [.. Parse(json).Reasons.Select(r => r.Field).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void A_valid_report_parses()
    {
        var (e, reasons) = Parse(Reported);
        Assert.Empty(reasons);
        Assert.Equal((PartnerEventType.ProjectReported, "MD-2027-01", 2_500_000m), (e!.Type, e.ProjectRef, e.Project!.BudgetEur));
        Assert.Equal([CcbTheme.PolicyAndStrategy], e.Project.Themes);
    }

    [Fact]
    public void Every_other_type_parses()
    {
        Assert.Empty(Parse("""{"eventId":"e2","type":"project-updated","occurredAt":"2027-03-01T10:00:00+02:00","projectRef":"MD-2027-01","project":{"title":"t","funder":"f","beneficiaryCountries":["MD"],"startDate":"2027-01-01","endDate":"2027-12-31"}}""").Reasons);
        Assert.Empty(Parse("""{"eventId":"e3","type":"activity-reported","occurredAt":"2027-03-01T10:00:00Z","projectRef":"MD-2027-01","activity":{"activityRef":"W-1","title":"Workshop","activityType":"training","country":"MD","themes":["culture-and-skills"],"startDate":"2027-05-10","endDate":"2027-05-12"}}""").Reasons);
        Assert.Empty(Parse("""{"eventId":"e4","type":"project-closed","occurredAt":"2027-03-01T10:00:00Z","projectId":"0191c0de-0000-7000-8000-000000000001","closedOn":"2027-03-01","reason":"done"}""").Reasons);
    }

    [Fact]
    public void Malformed_json_is_one_reason()
    {
        var reason = Assert.Single(Parse("""{"eventId": "e1", "type": """).Reasons);
        Assert.Equal("body", reason.Field);
        Assert.StartsWith("is not valid JSON", reason.Message, StringComparison.Ordinal);
        Assert.Equal(["body"], Fields("[1,2]"));
        Assert.Equal(["body"], Fields(""));
        Assert.Equal(["body"], Fields("""{"eventId":"a"} {"eventId":"b"}"""));
    }

    [Fact]
    public void An_oversized_message_is_refused_before_parsing()
    {
        var reason = Assert.Single(PartnerEventParser.Parse(new byte[PartnerEventParser.MaxBytes + 1], Now).Reasons);
        Assert.Equal("body", reason.Field);
        Assert.Contains("at most 65536 bytes", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_field_is_reported_with_its_path()
    {
        const string bad = """
            {
              "eventId": "evt 1!",
              "type": "project-reported",
              "occurredAt": "2027-03-01 09:00",
              "projectId": "not-a-guid",
              "colour": "blue",
              "project": {
                "title": 42,
                "funder": "",
                "beneficiaryCountries": ["MD", "XX"],
                "themes": ["policy-and-strategy", "hacking"],
                "pillars": "cyber-diplomacy",
                "budgetEur": "lots",
                "startDate": "2027-01-01",
                "endDate": "2026-12-31",
                "status": "closed",
                "extra": true
              },
              "activity": {}
            }
            """;
        Assert.Equal(
            ["activity", "colour", "eventId", "occurredAt", "project.beneficiaryCountries[1]", "project.budgetEur", "project.endDate", "project.extra",
             "project.funder", "project.pillars", "project.status", "project.themes[1]", "project.title", "projectId", "projectRef"],
            Fields(bad));
    }

    [Fact]
    public void Types_dates_and_clocks_are_checked()
    {
        Assert.Equal(["type"], Fields("""{"eventId":"e","type":"project-deleted","occurredAt":"2027-03-01T09:00:00Z","projectRef":"r"}"""));
        Assert.Equal(["occurredAt"], Fields(Reported.Replace("2027-03-01T09:00:00Z", "2027-03-02T09:00:00Z", StringComparison.Ordinal)));
        Assert.Equal(["project"], Fields("""{"eventId":"e","type":"project-updated","occurredAt":"2027-03-01T09:00:00Z","projectRef":"r"}"""));
        Assert.Equal(["closedOn", "projectRef"], Fields("""{"eventId":"e","type":"project-closed","occurredAt":"2027-03-01T09:00:00Z","closedOn":"2027-02-30"}"""));
        Assert.Equal(["eventId"], Fields("""{"eventId":"e","eventId":"f","type":"project-closed","occurredAt":"2027-03-01T09:00:00Z","projectRef":"r","closedOn":"2027-02-28"}"""));
    }

    [Fact]
    public void Every_example_in_the_partner_guide_is_a_valid_event()
    {
        var guide = File.ReadAllText(Path.Combine(EuCyberNet.Testing.TestEnvironment.RepositoryRoot, "docs", "partner-events.md"));
        var examples = guide.Split("<!-- partner-event-example -->")[1..]
            .Select(part => part[(part.IndexOf("```json", StringComparison.Ordinal) + 7)..part.IndexOf("```", part.IndexOf("```json", StringComparison.Ordinal) + 7, StringComparison.Ordinal)])
            .ToList();
        Assert.Equal(4, examples.Count);
        Assert.All(examples, example => Assert.Empty(Parse(example).Reasons));
        Assert.Equal(Enum.GetValues<PartnerEventType>(), examples.Select(e => Parse(e).Event!.Type));
    }

    [Fact]
    public void Routing_keys_follow_the_type() =>
        Assert.Equal(["project.reported", "project.updated", "project.activity-reported", "project.closed"],
            Enum.GetValues<PartnerEventType>().Select(PartnerEventParser.RoutingKeyOf));
}
