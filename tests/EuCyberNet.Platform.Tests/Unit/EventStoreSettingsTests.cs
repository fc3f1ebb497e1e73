using EuCyberNet.ServiceDefaults.EventSourcing;
using Npgsql;

namespace EuCyberNet.Platform.Tests.Unit;

public sealed class EventStoreSettingsTests
{
    private const string Plain = "Host=127.0.0.1;Port=5432;Database=projectsdb;Username=postgres";

    [Fact]
    public void Statements_are_auto_prepared_by_default()
    {
        var settings = new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithAutoPrepare(Plain, EventStoreExtensions.DefaultMaxAutoPrepare));

        Assert.Equal(EventStoreExtensions.DefaultMaxAutoPrepare, settings.MaxAutoPrepare);
        Assert.Equal(2, settings.AutoPrepareMinUsages);
        Assert.Equal("projectsdb", settings.Database); // the rest of the connection string is kept
    }

    [Fact]
    public void A_connection_string_that_sets_auto_prepare_itself_wins()
    {
        var own = Plain + ";Max Auto Prepare=5;Auto Prepare Min Usages=7";

        var settings = new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithAutoPrepare(own, EventStoreExtensions.DefaultMaxAutoPrepare));

        Assert.Equal(5, settings.MaxAutoPrepare);
        Assert.Equal(7, settings.AutoPrepareMinUsages);
    }

    [Fact]
    public void Zero_turns_auto_prepare_off()
    {
        Assert.Equal(Plain, EventStoreExtensions.WithAutoPrepare(Plain, 0));
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(EventStoreExtensions.WithAutoPrepare(Plain, 0)).MaxAutoPrepare);
    }
}
