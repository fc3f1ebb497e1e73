using System.Net.Http.Json;
using System.Text.Json;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Contracts.Training.V1;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EuCyberNet.Experts.Tests.Service;

/// <summary>
/// Projects' deployment events and Training's completions, published on the real broker exactly as
/// their publishers will (the contract records, through MassTransit), landing on the expert's record.
/// </summary>
public sealed class ConsumedEventsTests(ExpertsAppFixture fixture) : IClassFixture<ExpertsAppFixture>
{
    private ExpertsApp App => fixture.App;

    private IBus Bus => App.Host.Services.GetRequiredService<IBus>();

    private static DeploymentSnapshot Snapshot(Guid expertId, string status, DateOnly? end = null) => new(
        Guid.NewGuid(), Guid.NewGuid(), expertId, "MD", [EcsfRole.CyberIncidentResponder], [CcbTheme.IncidentManagementAndCip],
        new DateOnly(2027, 4, 1), end ?? new DateOnly(2027, 4, 14), status);

    private async Task<Guid> Publish<T>(T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        await Bus.Publish(message, context => context.MessageId = id);
        return id;
    }

    /// <summary>Waits until each message was consumed: its inbox entry is committed with its effect (or lack of one).</summary>
    private Task<long> ConsumedAsync(params Guid[] messageIds) => Eventually.ReturnsAsync(
        () => App.ScalarAsync<long>($"select count(*) from mt_doc_inboxentry where {string.Join(" or ", messageIds.Select(m => $"id like '%/{m:N}'"))}"),
        n => n == messageIds.Length, TimeSpan.FromSeconds(60), "the messages consumed");

    private Task<JsonElement> WaitForAsync(Guid id, Func<JsonElement, bool> done, string what) =>
        Eventually.ReturnsAsync(() => App.GetAsync(id), done, TimeSpan.FromSeconds(60), what);

    private static JsonElement OnlyDeployment(JsonElement expert) => Assert.Single(expert.GetProperty("deployments").EnumerateArray());

    [Fact]
    public async Task A_deployment_appears_on_the_expert_and_follows_its_lifecycle_to_the_evaluation()
    {
        var id = await App.AcceptedExpertAsync();
        var deploymentId = Guid.NewGuid();
        var snapshot = Snapshot(id, "confirmed");

        await Publish(new DeploymentConfirmed(deploymentId, 2, snapshot, DateTimeOffset.UtcNow));
        var confirmed = OnlyDeployment(await WaitForAsync(id, e => e.GetProperty("deployments").GetArrayLength() == 1, "the confirmed deployment"));
        Assert.Equal(deploymentId, confirmed.GetProperty("deploymentId").GetGuid());
        Assert.Equal(("confirmed", "MD", "2027-04-01"), (confirmed.GetProperty("stage").GetString(), confirmed.GetProperty("country").GetString(), confirmed.GetProperty("startDate").GetString()));

        await Publish(new DeploymentStarted(deploymentId, 3, snapshot with { Status = "started" }, DateTimeOffset.UtcNow));
        // Each event type has its own queue, so an extension published at once can be consumed before
        // the start, which then (an older snapshot) changes nothing: four recordings, not five.
        await WaitForAsync(id, e => OnlyDeployment(e).GetProperty("stage").GetString() == "started", "the start");
        await Publish(new DeploymentExtended(deploymentId, 4, snapshot with { Status = "started", EndDate = new DateOnly(2027, 4, 21) }, new DateOnly(2027, 4, 14), DateTimeOffset.UtcNow));
        await WaitForAsync(id, e => OnlyDeployment(e).GetProperty("stage").GetString() == "extended", "the extension");
        await Publish(new DeploymentCompleted(deploymentId, 5, snapshot with { Status = "completed", EndDate = new DateOnly(2027, 4, 21) }, DateTimeOffset.UtcNow));
        await WaitForAsync(id, e => OnlyDeployment(e).GetProperty("stage").GetString() == "completed", "the completion");
        await Publish(new DeploymentEvaluated(deploymentId, 6, snapshot with { Status = "evaluated", EndDate = new DateOnly(2027, 4, 21) }, 5, DateTimeOffset.UtcNow));

        var evaluated = OnlyDeployment(await WaitForAsync(id, e => OnlyDeployment(e).GetProperty("stage").GetString() == "evaluated", "the evaluation"));
        Assert.Equal(5, evaluated.GetProperty("rating").GetInt32());
        Assert.Equal("2027-04-21", evaluated.GetProperty("endDate").GetString());
        var history = await App.HistoryAsync(id);
        Assert.Equal(5, history.Count(e => e.GetProperty("type").GetString() == "ExpertDeploymentRecorded"));
    }

    [Fact]
    public async Task A_message_delivered_twice_is_recorded_once_and_an_older_snapshot_after_a_newer_one_changes_nothing()
    {
        var id = await App.AcceptedExpertAsync();
        var deploymentId = Guid.NewGuid();
        var snapshot = Snapshot(id, "completed");
        var evaluatedId = Guid.NewGuid();

        await Publish(new DeploymentEvaluated(deploymentId, 6, snapshot with { Status = "evaluated" }, 4, DateTimeOffset.UtcNow), evaluatedId);
        await Publish(new DeploymentEvaluated(deploymentId, 6, snapshot with { Status = "evaluated" }, 4, DateTimeOffset.UtcNow), evaluatedId);
        await WaitForAsync(id, e => e.GetProperty("deployments").GetArrayLength() == 1, "the evaluation");
        var completed = await Publish(new DeploymentCompleted(deploymentId, 5, snapshot, DateTimeOffset.UtcNow)); // overtaken by the evaluation
        var confirmed = await Publish(new DeploymentConfirmed(deploymentId, 2, snapshot with { Status = "confirmed" }, DateTimeOffset.UtcNow));

        // The two older snapshots were consumed without changing the record.
        await ConsumedAsync(evaluatedId, completed, confirmed);
        var deployment = OnlyDeployment(await App.GetAsync(id));
        Assert.Equal(("evaluated", 4, 6L), (deployment.GetProperty("stage").GetString(), deployment.GetProperty("rating").GetInt32(), deployment.GetProperty("sourceVersion").GetInt64()));
        Assert.Equal(1, (await App.HistoryAsync(id)).Count(e => e.GetProperty("type").GetString() == "ExpertDeploymentRecorded"));
    }

    [Fact]
    public async Task A_completed_training_lands_on_the_record_and_external_participants_are_not_ours()
    {
        var id = await App.AcceptedExpertAsync();
        var completion = new TrainingCompleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Malware analysis fundamentals", id,
            [EcsfRole.DigitalForensicsInvestigator], "EUCN-2027-0042", DateTimeOffset.UtcNow);

        var external = await Publish(completion with { ExpertId = null, EnrolmentId = Guid.NewGuid() });
        var first = await Publish(completion);
        var again = await Publish(completion); // the same completion again, as a different message

        var expert = await WaitForAsync(id, e => e.GetProperty("trainings").GetArrayLength() == 1, "the training");
        var training = Assert.Single(expert.GetProperty("trainings").EnumerateArray());
        Assert.Equal(("Malware analysis fundamentals", "EUCN-2027-0042"), (training.GetProperty("courseTitle").GetString(), training.GetProperty("certificateNumber").GetString()));
        Assert.Equal(["digital-forensics-investigator"], training.GetProperty("rolesCovered").EnumerateArray().Select(r => r.GetString()));
        await ConsumedAsync(external, first, again);
        Assert.Equal(1, (await App.HistoryAsync(id)).Count(e => e.GetProperty("type").GetString() == "ExpertTrainingCompleted"));
    }

    [Fact]
    public async Task The_certification_after_the_completion_puts_the_certificate_number_on_the_record()
    {
        // Training announces TrainingCompleted at completion (no number) and again at certification.
        var id = await App.AcceptedExpertAsync();
        var completion = new TrainingCompleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Incident handling", id,
            [EcsfRole.CyberIncidentResponder], null, DateTimeOffset.UtcNow, Version: 4);
        var certification = completion with { CertificateNumber = "EUCN-2027-0777", OccurredAt = completion.OccurredAt.AddMinutes(5), Version = 5 };

        var first = await Publish(completion);
        await WaitForAsync(id, e => e.GetProperty("trainings").GetArrayLength() == 1, "the completion");
        var second = await Publish(certification);
        var late = await Publish(completion); // a redelivered, older announcement

        var expert = await WaitForAsync(id, e => e.GetProperty("trainings").EnumerateArray()
            .Any(t => t.GetProperty("certificateNumber").GetString() == "EUCN-2027-0777"), "the certificate number");
        await ConsumedAsync(first, second, late);
        var training = Assert.Single((await App.GetAsync(id)).GetProperty("trainings").EnumerateArray());
        Assert.Equal("EUCN-2027-0777", training.GetProperty("certificateNumber").GetString());
        Assert.Equal(completion.OccurredAt, training.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal(2, (await App.HistoryAsync(id)).Count(e => e.GetProperty("type").GetString() == "ExpertTrainingCompleted"));
        Assert.Equal(1, expert.GetProperty("trainings").GetArrayLength());
    }

    [Fact]
    public async Task A_deployment_of_an_unknown_expert_goes_to_the_error_queue_and_is_not_lost()
    {
        await Publish(new DeploymentConfirmed(Guid.NewGuid(), 2, Snapshot(Guid.NewGuid(), "confirmed"), DateTimeOffset.UtcNow));

        // MassTransit declares the error queue when it first moves a message there.
        async Task<uint> ErrorQueueDepth()
        {
            try
            {
                return await RabbitMqServer.MessageCountAsync(App.Platform.VirtualHost, "experts-record-deployment-confirmed_error");
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return 0;
            }
        }
        await Eventually.ReturnsAsync(ErrorQueueDepth, n => n == 1, TimeSpan.FromSeconds(60), "the message in the error queue");
    }

    [Fact]
    public async Task A_confirmed_deployment_blocks_its_period_for_matching_and_a_cancellation_frees_it()
    {
        var id = await App.AcceptedExpertAsync(
            ExpertsApp.Application("Tomas Dvorak", "CZ"),
            ExpertsApp.Profile(roles: ["cybersecurity-educator"]),
            new { windows = new[] { new { from = "2027-04-01", to = "2027-06-30", percent = 100 } } });
        async Task<bool> Matched(string from, string to) =>
            (await App.Staff.GetFromJsonAsync<JsonElement>($"/experts/matches?role=cybersecurity-educator&from={from}&to={to}"))
            .GetProperty("items").EnumerateArray().Any(i => i.GetProperty("expertId").GetGuid() == id);
        Assert.True(await Matched("2027-04-10", "2027-04-12"));

        var deploymentId = Guid.NewGuid();
        var snapshot = Snapshot(id, "confirmed");
        await Publish(new DeploymentConfirmed(deploymentId, 2, snapshot, DateTimeOffset.UtcNow));
        await WaitForAsync(id, e => e.GetProperty("deployments").GetArrayLength() == 1, "the confirmed deployment");

        Assert.False(await Matched("2027-04-10", "2027-04-12"));
        Assert.False(await Matched("2027-03-25", "2027-04-01")); // touches its first day
        Assert.True(await Matched("2027-05-01", "2027-05-10"));

        await Publish(new DeploymentCancelled(deploymentId, 3, snapshot with { Status = "cancelled" }, "Mission postponed", DateTimeOffset.UtcNow));
        await WaitForAsync(id, e => OnlyDeployment(e).GetProperty("stage").GetString() == "cancelled", "the cancellation");
        Assert.True(await Matched("2027-04-10", "2027-04-12"));
    }
}
