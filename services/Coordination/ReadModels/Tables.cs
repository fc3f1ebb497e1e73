using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.Experts;
using EuCyberNet.Coordination.Overlaps;
using Marten;
using Weasel.Postgresql.Tables;

namespace EuCyberNet.Coordination.ReadModels;

/// <summary>The read models' documents and tables, named so that raw SQL (gaps, timeline, overview) can reach them.</summary>
public static class Tables
{
    public const string Schema = "public";

    // Document aliases: Marten names a document's table mt_doc_{alias}, and raw SQL reaches it by that name.
    private const string ActivityAlias = "coordination_activity";
    private const string ExpertAlias = "coordination_expert";
    private const string EnrolmentAlias = "coordination_enrolment";
    private const string OverlapTrackAlias = "coordination_overlap_track";

    public static string Activities => $"{Schema}.mt_doc_{ActivityAlias}";

    public static string Experts => $"{Schema}.mt_doc_{ExpertAlias}";

    public static string Enrolments => $"{Schema}.mt_doc_{EnrolmentAlias}";

    public static string OverlapTracks => $"{Schema}.mt_doc_{OverlapTrackAlias}";

    public static string Events => $"{Schema}.mt_events";

    /// <summary>The daemon's progress per shard (and its high-water mark, row <c>HighWaterMark</c>).</summary>
    public static string Progression => $"{Schema}.mt_event_progression";

    public static Overview.OverviewStore Overview { get; } = new(Schema);

    /// <summary>Documents, indexes and the overview tables, on the store's options.</summary>
    public static void Configure(StoreOptions options)
    {
        options.DatabaseSchemaName = Schema;
        options.Schema.For<Activity>().DocumentAlias(ActivityAlias)
            .Index(a => a.Kind)
            .Index(a => a.Countries, i => i.Method = IndexMethod.gin);
        options.Schema.For<ExpertRecord>().DocumentAlias(ExpertAlias);
        options.Schema.For<Enrolment>().DocumentAlias(EnrolmentAlias).Index(e => e.ExpertId);
        options.Schema.For<OverlapAlertTrack>().DocumentAlias(OverlapTrackAlias);
        options.Schema.For<OverlapAlert>().DocumentAlias("coordination_overlap_alert")
            .Index(a => a.ActivityA)
            .Index(a => a.ActivityB);
        foreach (var table in Overview.Tables()) options.Storage.ExtendedSchemaObjects.Add(table);
    }
}
