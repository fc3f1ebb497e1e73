using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Messaging;
using EuCyberNet.Training.Certificates;
using EuCyberNet.Training.Courses;
using EuCyberNet.Training.Enrolments;
using EuCyberNet.Training.ExpertFacts;
using EuCyberNet.Training.Sessions;
using EuCyberNet.Training.TrainingRequests;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Weasel.Core;

namespace EuCyberNet.Training;

/// <summary>The Training service: catalogue, sessions and their seats, enrolments, certificates, training requests.</summary>
public static class TrainingModule
{
    public const string ServiceName = "training";

    public static WebApplicationBuilder AddTraining(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(new TrainingCalendar(TimeProvider.System));
        builder.Services.AddSingleton<SessionGates>();

        builder.AddEventStore("trainingdb", options =>
            {
                options.Projections.Snapshot<Course>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<TrainingSession>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Enrolment>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<TrainingRequest>(SnapshotLifecycle.Inline);

                // Searches: containment on roles and themes (GIN), and the lookups the rules make.
                options.Schema.For<Course>().GinIndexJsonData();
                options.Schema.For<TrainingSession>().GinIndexJsonData().Index(s => s.CourseId).Index(s => s.StartDate);
                options.Schema.For<Enrolment>()
                    .Index(e => e.SessionId)
                    .Index(e => e.ExpertId!)
                    .UniqueIndex(UniqueIndexType.Computed, "uix_enrolment_certificate_number", e => e.CertificateNumber!);
                options.Schema.For<TrainingRequest>().GinIndexJsonData();
                options.Schema.For<ExpertFact>();
            })
            .PublishIntegrationEvents<TrainingIntegrationEvents>();

        builder.AddMessaging(ServiceName, bus =>
        {
            bus.AddConsumer<NoteExpertJoinedPool>();
            bus.AddConsumer<NoteExpertStatusChanged>();
            bus.AddConsumer<NoteExpertSuspended>();
            bus.AddConsumer<NoteExpertReinstated>();
            bus.AddConsumer<NoteExpertLeftPool>();
        });
        return builder;
    }

    public static WebApplication MapTrainingApi(this WebApplication app)
    {
        app.MapCoursesApi();
        app.MapSessionsApi();
        app.MapEnrolmentsApi();
        app.MapCertificatesApi();
        app.MapTrainingRequestsApi();
        return app;
    }
}

/// <summary>This service's assembly, for hosting it in tests (<c>WebApplicationFactory&lt;TrainingService&gt;</c>).</summary>
public sealed class TrainingService
{
    private TrainingService()
    {
    }
}
