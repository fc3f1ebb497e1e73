using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.ReadModels;
using Marten;
using Npgsql;

namespace EuCyberNet.Coordination.Overlaps;

/// <summary>
/// The overlap detector's copy of what <see cref="OverlapRule"/> reads of every activity (kind,
/// status, countries, themes, funder, implementers, period, links), indexed by country and actor
/// (<see cref="CandidateIndex"/>), so that a page's candidates are found in memory instead of by a
/// query that, for a page of activities spread over many countries, read and decoded most of the
/// activity table every time.
/// <para>
/// It follows the read models, never runs ahead of them: the copy is as of a sequence <c>P</c> up to
/// which every event was committed when it was last brought up to date (the read models commit with
/// the events they fold, so the documents read are at least as new as <c>P</c>). To come up to date
/// with a newer <c>P'</c>, it reloads the activities whose streams got events in <c>(P, P']</c>: the
/// projection changes an activity only for events recorded on that activity's own stream (its
/// subject's GUID), so no other document can have changed. It loads everything again on first use
/// and after a rebuild in this process (<see cref="ReadModelGate.Rebuilds"/>).
/// </para>
/// <para>Not thread-safe: the detector's pages come one at a time.</para>
/// </summary>
public sealed class ActivityIndex(ReadModelGate gate)
{
    private readonly CandidateIndex _candidates = new();
    private long _progress = -1; // the sequence the copy reflects; -1 before the first load
    private int _rebuilds = -1;

    /// <summary>Brings the copy up to <paramref name="progress"/>, a sequence up to which every event is committed.</summary>
    public async Task RefreshAsync(IQuerySession session, long progress, CancellationToken ct)
    {
        var rebuilds = gate.Rebuilds;
        if (_progress < 0 || rebuilds != _rebuilds)
        {
            _candidates.Clear();
            foreach (var activity in await LoadAsync(session, null, ct)) _candidates.Put(activity);
            (_progress, _rebuilds) = (progress, rebuilds);
            return;
        }
        if (progress <= _progress) return;

        var streams = await StreamsWithEventsAsync(session, _progress, progress, ct);
        if (streams.Count > 0)
            foreach (var activity in await LoadAsync(session, streams, ct)) _candidates.Put(activity);
        _progress = progress;
    }

    public Activity? Find(Guid id) => _candidates.Find(id);

    /// <summary>
    /// Every activity sharing a beneficiary country with <paramref name="activity"/>, except those of
    /// the same funder with an implementer in common, which the rule rejects (it checks the rest).
    /// </summary>
    public IEnumerable<Activity> Neighbours(Activity activity) => _candidates.Neighbours(activity);

    /// <summary>The streams that got an event with a sequence in <c>(after, upTo]</c>.</summary>
    private static async Task<List<Guid>> StreamsWithEventsAsync(IQuerySession session, long after, long upTo, CancellationToken ct)
    {
        var command = new NpgsqlCommand($"select distinct stream_id from {Tables.Events} where seq_id > $1 and seq_id <= $2")
        {
            Parameters = { new() { Value = after }, new() { Value = upTo } },
        };
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        var streams = new List<Guid>();
        while (await reader.ReadAsync(ct)) streams.Add(reader.GetGuid(0));
        return streams;
    }

    /// <summary>What the rule reads of the activities <paramref name="ids"/> (all of them when null).</summary>
    private static async Task<IEnumerable<Activity>> LoadAsync(IQuerySession session, List<Guid>? ids, CancellationToken ct)
    {
        var query = session.Query<Activity>().AsQueryable();
        if (ids is not null) query = query.Where(a => a.Id.IsOneOf(ids));
        var rows = await query
            .Select(a => new Candidate(a.Id, a.Kind, a.Status, a.Countries, a.Themes, a.Funder, a.Implementers, a.From, a.To,
                a.ProjectId, a.RequestId, a.SessionId, a.SnapshotVersion))
            .ToListAsync(ct);
        return rows.Select(c => c.ToActivity());
    }

    /// <summary>What the overlap rule reads of an activity.</summary>
    private sealed record Candidate(
        Guid Id, ActivityKind Kind, string Status, IReadOnlyList<string> Countries, IReadOnlyList<Contracts.Vocabularies.CcbTheme> Themes,
        string? Funder, IReadOnlyList<string> Implementers, DateOnly? From, DateOnly? To, Guid? ProjectId, Guid? RequestId, Guid? SessionId,
        long SnapshotVersion)
    {
        public Activity ToActivity() => new()
        {
            Id = Id, Kind = Kind, Status = Status, Countries = Countries ?? [], Themes = Themes ?? [], Funder = Funder,
            Implementers = Implementers ?? [], From = From, To = To, ProjectId = ProjectId, RequestId = RequestId, SessionId = SessionId,
            SnapshotVersion = SnapshotVersion,
        };
    }
}
