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

    public static string Activities => $"{Schema}.mt_doc_coordination_activity";

    public static string Experts => $"{Schema}.mt_doc_coordination_expert";

    public static string Enrolments => $"{Schema}.mt_doc_coordination_enrolment";

    public static string OverlapTracks => $"{Schema}.mt_doc_coordination_overlap_track";

    public static string Events => $"{Schema}.mt_events";

    public static Overview.OverviewStore Overview { get; } = new(Schema);

    /// <summary>Documents, indexes and the overview tables, on the store's options.</summary>
    public static void Configure(StoreOptions options)
    {
        options.DatabaseSchemaName = Schema;
        options.Schema.For<Activity>().DocumentAlias("coordination_activity")
            .Index(a => a.Kind)
            .Index(a => a.Countries, i => i.Method = IndexMethod.gin);
        options.Schema.For<ExpertRecord>().DocumentAlias("coordination_expert");
        options.Schema.For<Enrolment>().DocumentAlias("coordination_enrolment").Index(e => e.ExpertId);
        options.Schema.For<OverlapAlertTrack>().DocumentAlias("coordination_overlap_track");
        options.Schema.For<OverlapAlert>().DocumentAlias("coordination_overlap_alert")
            .Index(a => a.ActivityA)
            .Index(a => a.ActivityB);
        foreach (var table in Overview.Tables()) options.Storage.ExtendedSchemaObjects.Add(table);
    }
}
