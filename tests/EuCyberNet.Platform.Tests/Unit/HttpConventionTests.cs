using EuCyberNet.Contracts.Vocabularies;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace EuCyberNet.Platform.Tests.Unit;

public sealed class HttpConventionTests
{
    [Fact]
    public void The_validator_reports_every_bad_field_at_once()
    {
        var v = new Validator();
        v.Text("name", "  ", 10);
        v.Text("bio", new string('x', 11), 10);
        v.Email("email", "ana@");
        v.EuMemberState("citizenship", "NO");
        v.Country("country", "ZZ");
        v.Slugs<EcsfRole>("roles", ["ciso", "hacker", null]);
        v.Range("percent", 0, 1, 100);
        v.Period("to", new DateOnly(2027, 3, 10), new DateOnly(2027, 3, 1));

        Assert.False(v.IsValid);
        Assert.Equal(["bio", "citizenship", "country", "email", "name", "percent", "roles[1]", "roles[2]", "to"], v.Errors.Keys.Order());
    }

    [Fact]
    public void Valid_values_come_back_normalised()
    {
        var v = new Validator();
        Assert.Equal("ana.novak@cert.si", v.Email("email", " Ana.Novak@CERT.si "));
        Assert.Equal("SI", v.EuMemberState("citizenship", "si"));
        Assert.Equal([EcsfRole.PenetrationTester, EcsfRole.ChiefInformationSecurityOfficer],
            v.Slugs<EcsfRole>("roles", ["penetration-tester", "ciso", "penetration-tester"]));
        Assert.True(v.IsValid);
    }

    [Theory]
    [InlineData(null, true, null)]
    [InlineData("*", true, null)]
    [InlineData("\"3\"", true, 3L)]
    [InlineData("W/\"12\"", true, 12L)]
    [InlineData("7", true, 7L)]
    [InlineData("\"0\"", false, null)]
    [InlineData("\"abc\"", false, null)]
    public void If_match_is_a_stream_version(string? header, bool valid, long? version)
    {
        var http = new DefaultHttpContext();
        if (header is not null) http.Request.Headers.IfMatch = header;
        Assert.Equal(valid, http.Request.TryGetExpectedVersion(out var parsed));
        Assert.Equal(version, parsed);
    }

    [Fact]
    public void Name_based_ids_are_RFC_9562_version_5_uuids()
    {
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), StreamIds.NameBased(dns, "www.example.com"));
    }

    [Fact]
    public void An_idempotency_key_always_maps_to_the_same_stream_and_none_to_a_fresh_one()
    {
        var withKey = new DefaultHttpContext();
        withKey.Request.Headers[StreamIds.IdempotencyKeyHeader] = "abc-123";
        Assert.Equal(StreamIds.ForCreate(withKey.Request, "experts"), StreamIds.ForCreate(withKey.Request, "experts"));
        Assert.NotEqual(StreamIds.ForCreate(withKey.Request, "experts"), StreamIds.ForCreate(withKey.Request, "projects"));

        var without = new DefaultHttpContext();
        Assert.NotEqual(StreamIds.ForCreate(without.Request, "experts"), StreamIds.ForCreate(without.Request, "experts"));
    }

    [Fact]
    public void A_decision_is_events_or_a_rejection()
    {
        Decision rejected = DomainError.InvalidTransition("accept", "rejected");
        Assert.True(rejected.IsRejected);
        Assert.Equal("rejected", rejected.Error!.State);
        Assert.Empty(Decision.Nothing.Events);
        Assert.Equal(2, Decision.Emit(new object(), new object()).Events.Count);
    }
}
