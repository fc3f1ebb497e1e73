using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.Contracts;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Overlaps;
using EuCyberNet.Coordination.Recording;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Coordination.Timeline;

/// <summary>One fact of a story: what happened, where, when (at its source and when Coordination heard it), who and why.</summary>
public sealed record TimelineEntry(
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    long Sequence,
    string Subject,
    string Service,
    string Type,
    string? User,
    string? CorrelationId,
    string? CausationId,
    string? Reason,
    object Data);

public sealed record TimelineView(string? CorrelationId, string? Subject, IReadOnlyList<string> Subjects, IReadOnlyList<TimelineEntry> Items, long Total);

/// <summary>
/// The cross-service story, straight from Coordination's event store (which is the record of what it
/// heard): by correlation id, every event of one story; by subject, the subject's own events and those
/// of the subjects it belongs with (a deployment: its request and project, the expert, and the
/// expert's training; a request: its project and deployments; …). Ordered by when things happened at
/// their source, then by when Coordination recorded them.
/// </summary>
public static class TimelineApi
{
    private const int MaxEvents = 10_000;

    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/coordination").WithTags("Coordination")
            .MapGet("/timeline", Get)
            .WithSummary("The story across services, in order: ?correlationId= or ?subject= (e.g. deployment/{id})")
            .AllowRoles(Roles.Coordinator, Roles.Auditor);
        return app;
    }

    private static async Task<Results<Ok<TimelineView>, ValidationProblem, ProblemHttpResult>> Get(
        string? correlationId, string? subject, int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var v = new Validator();
        var paging = Paging.From(page, pageSize, v);
        var correlation = v.OptionalText("correlationId", correlationId, 128);
        var subjectText = v.OptionalText("subject", subject, 200);
        if (correlation is null == subjectText is null)
            v.Add(correlation is null ? "correlationId" : "subject", "give exactly one of correlationId and subject");
        var parsedKind = "";
        var subjectId = Guid.Empty;
        if (subjectText is not null && !Subjects.TryParse(subjectText, out parsedKind, out subjectId))
            v.Add("subject", "must be a subject such as deployment/3f2b…, project/…, expert/…");
        if (!v.IsValid) return v.ToProblem();

        IReadOnlyList<IEvent> events;
        IReadOnlyList<string> subjects;
        if (correlation is not null)
        {
            events = await session.Events.QueryAllRawEvents()
                .Where(e => e.CorrelationId == correlation)
                .OrderBy(e => e.Sequence).Take(MaxEvents).ToListAsync(ct);
            subjects = [.. events.Select(SubjectOf).Distinct()];
        }
        else
        {
            var story = await StoryAsync(session, parsedKind, subjectId, ct);
            events = await session.Events.QueryAllRawEvents()
                .Where(e => story.Contains(e.StreamId))
                .OrderBy(e => e.Sequence).Take(MaxEvents).ToListAsync(ct);
            if (!events.Any(e => e.StreamId == subjectId))
                return Problems.NotFound($"Coordination has heard nothing about {subjectText}.");
            subjects = [.. events.Select(SubjectOf).Distinct()];
        }

        var ordered = events.OrderBy(OccurredAt).ThenBy(e => e.Sequence).ToList();
        var items = ordered.Skip(paging.Skip).Take(paging.PageSize).Select(ToEntry).ToList();
        return TypedResults.Ok(new TimelineView(correlation, subjectText, subjects, items, ordered.Count));
    }

    /// <summary>The streams of a subject's story: itself and the subjects it belongs with.</summary>
    private static async Task<List<Guid>> StoryAsync(IQuerySession session, string kind, Guid id, CancellationToken ct)
    {
        var story = new List<Guid> { id };
        void Add(Guid? other)
        {
            if (other is { } value && value != Guid.Empty && !story.Contains(value)) story.Add(value);
        }

        async Task AddExpertAsync(Guid expert)
        {
            Add(expert);
            foreach (var enrolment in await session.Query<Enrolment>().Where(e => e.ExpertId == expert).ToListAsync(ct)) Add(enrolment.Id);
        }

        switch (kind)
        {
            case "overlap":
                if (await session.LoadAsync<OverlapAlert>(id, ct) is { } alert)
                    foreach (var s in new[] { alert.ActivityA, alert.ActivityB })
                        if (Subjects.TryParse(s, out _, out var activityId)) Add(activityId);
                break;
            case "expert":
                await AddExpertAsync(id);
                foreach (var deployment in await session.Query<Activity>().Where(a => a.ExpertId == id).ToListAsync(ct)) Add(deployment.Id);
                break;
            case "enrolment":
                if (await session.LoadAsync<Enrolment>(id, ct) is { } seat) Add(seat.SessionId);
                break;
            default:
                if (await session.LoadAsync<Activity>(id, ct) is not { } activity) break;
                foreach (var link in activity.Links()) Add(link);
                if (activity.ExpertId is { } expertId) await AddExpertAsync(expertId);
                var children = await session.Query<Activity>()
                    .Where(a => a.RequestId == id || a.ProjectId == id || a.SessionId == id)
                    .Take(500).ToListAsync(ct);
                foreach (var child in children) Add(child.Id);
                break;
        }
        return story;
    }

    private static TimelineEntry ToEntry(IEvent e)
    {
        var history = History.ToEntry(e);
        var service = e.Data is IIntegrationEvent
            ? HeaderText(e, PlatformHeaders.SourceService) ?? HeardEvents.PublisherOf(e.EventType)
            : "coordination";
        return new TimelineEntry(OccurredAt(e), e.Timestamp, e.Sequence, SubjectOf(e), service, history.Type,
            history.User, history.CorrelationId, history.CausationId, history.Reason, e.Data);
    }

    private static string? HeaderText(IEvent e, string key) => e.GetHeader(key) switch
    {
        string s => s,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } json => json.GetString(),
        _ => null,
    };

    private static DateTimeOffset OccurredAt(IEvent e) => e.Data is IIntegrationEvent heard ? heard.OccurredAt : e.Timestamp;

    private static string SubjectOf(IEvent e) => e.Data switch
    {
        IIntegrationEvent heard => heard.Subject,
        OverlapRaised or OverlapAcknowledged or OverlapResolved or OverlapDismissed => Subjects.OverlapAlert(e.StreamId),
        _ => e.StreamId.ToString(),
    };
}
