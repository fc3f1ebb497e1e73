using System.Text.Json;
using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.Experts.Erasure;
using EuCyberNet.Experts.Pool;

namespace EuCyberNet.Experts.Tests.Unit;

public sealed class PersonalDataTests
{
    private static readonly string[] Personal = ["Ana Novak", "ana.novak@cert.si", "SI-CERT", "Incident response in partner countries", "Incident handler since 2015", "CERT-123"];

    private static readonly TrainingRecord Training = new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "CTI basics", [EcsfRole.CyberThreatIntelligenceSpecialist], "CERT-123", Given.Start);

    [Fact]
    public void Masking_removes_every_personal_field_of_every_event_and_keeps_the_rest()
    {
        var events = Given.Wrap(
        [
            .. Given.RoadTo(ExpertStatus.Accepted),
            new ExpertProfileUpdated(ExpertStatus.Accepted, Given.Profile(), false),
            new ExpertTrainingCompleted(Training),
            new ExpertSuspended(ExpertStatus.Accepted, "SI", "Clearance lapsed"),
        ]);

        var masked = events.Where(PersonalData.TryMask).Select(e => e.EventType.Name).ToList();

        Assert.Equal(["ExpertApplied", "ExpertProfileSubmitted", "ExpertProfileUpdated", "ExpertTrainingCompleted"], masked);
        var json = JsonSerializer.Serialize(events.Select(e => e.Data), JsonSerializerOptions.Web);
        foreach (var datum in Personal) Assert.DoesNotContain(datum, json, StringComparison.Ordinal);
        Assert.Contains("\"citizenship\":\"SI\"", json, StringComparison.Ordinal);
        Assert.Contains("Clearance lapsed", json, StringComparison.Ordinal); // decisions and their reasons stay
        Assert.Contains("Incident response", json, StringComparison.Ordinal); // skills are competences, not personal data
        Assert.Equal(Given.Fold(events).Profile!.Roles, Given.Profile().Roles);
    }

    [Fact]
    public void Every_event_type_is_either_masked_or_known_to_hold_no_personal_data()
    {
        Type[] withoutPersonalData =
        [
            typeof(ExpertAcknowledged), typeof(ExpertAccepted), typeof(ExpertRejected), typeof(ExpertSuspended), typeof(ExpertReinstated),
            typeof(ExpertWithdrawn), typeof(ExpertErased), typeof(ExpertAvailabilityDeclared), typeof(ExpertConsentGiven),
            typeof(ExpertConsentWithdrawn), typeof(ExpertDeploymentRecorded),
        ];
        Type[] masked = [typeof(ExpertApplied), typeof(ExpertProfileSubmitted), typeof(ExpertProfileUpdated), typeof(ExpertTrainingCompleted)];
        var eventTypes = typeof(Expert).GetMethods()
            .Where(m => m is { IsStatic: true, Name: "Apply" or "Create" })
            .Select(m => m.GetParameters()[0].ParameterType)
            .Select(t => t.IsGenericType ? t.GetGenericArguments()[0] : t)
            .Distinct();

        foreach (var type in eventTypes)
            Assert.True(withoutPersonalData.Contains(type) || masked.Contains(type), $"{type.Name}: decide whether erasure masks it (Erasure/PersonalData)");
        foreach (var type in masked)
        {
            var sample = Given.Wrap(type == typeof(ExpertApplied) ? Given.Application()
                : type == typeof(ExpertProfileSubmitted) ? new ExpertProfileSubmitted(ExpertStatus.Acknowledged, "SI", Given.Profile())
                : type == typeof(ExpertProfileUpdated) ? new ExpertProfileUpdated(ExpertStatus.Accepted, Given.Profile(), true)
                : new ExpertTrainingCompleted(Training))[0];
            Assert.True(PersonalData.TryMask(sample), type.Name);
        }
    }

    [Fact]
    public void Masking_is_idempotent()
    {
        var e = Given.Wrap(Given.Application())[0];
        PersonalData.TryMask(e);
        var once = JsonSerializer.Serialize(e.Data);
        PersonalData.TryMask(e);
        Assert.Equal(once, JsonSerializer.Serialize(e.Data));
    }

    [Fact]
    public void The_erasure_decision_itself_carries_no_personal_data()
    {
        var decision = Lifecycle.Erase(Given.Expert(ExpertStatus.Accepted), byExpert: true);
        var json = JsonSerializer.Serialize(decision.Events[0], JsonSerializerOptions.Web);
        Assert.Equal("""{"from":"accepted","citizenship":"SI","byExpert":true}""", json);
    }
}
