using EuCyberNet.ServiceDefaults.Telemetry;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EuCyberNet.Platform.Tests.Unit;

/// <summary>
/// A gauge is telemetry: nothing it throws may escape <see cref="DomainGauges"/>, whose background
/// loop would otherwise stop the service's host. Seen in the postgres-kill drill: during crash
/// recovery Marten wrapped PostgreSQL's 57P03 in a MartenCommandException, which the gauge did not
/// expect, and Experts, Projects and Coordination stopped.
/// </summary>
public sealed class DomainGaugeTests
{
    [Fact]
    public async Task A_gauge_that_throws_keeps_its_last_value_and_the_others_are_still_counted()
    {
        // Sessions are opened but never used by these gauges: the store never connects.
        using var store = DocumentStore.For("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none");
        var recovering = false;
        var gauges = new DomainGauges(
        [
            new DomainGauge("recovering", "{x}", "", (_, _) => recovering
                ? throw new MartenCommandException(new NpgsqlCommand("select 1"),
                    new PostgresException("the database system is not yet accepting connections", "FATAL", "FATAL", "57P03"))
                : Task.FromResult(3L)),
            new DomainGauge("broken", "{x}", "", (_, _) => throw new InvalidCastException("a bug in a count")),
            new DomainGauge("fine", "{x}", "", (_, _) => Task.FromResult(7L)),
        ], store, NullLogger<DomainGauges>.Instance);

        await gauges.RefreshAsync(CancellationToken.None);
        recovering = true;
        await gauges.RefreshAsync(CancellationToken.None);

        Assert.Equal(3, gauges.Current["recovering"]);
        Assert.False(gauges.Current.ContainsKey("broken"));
        Assert.Equal(7, gauges.Current["fine"]);
    }

    [Fact]
    public async Task Stopping_still_stops_the_count()
    {
        using var store = DocumentStore.For("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none");
        using var stopping = new CancellationTokenSource();
        var gauges = new DomainGauges(
            [new DomainGauge("slow", "{x}", "", async (_, ct) => { await stopping.CancelAsync(); ct.ThrowIfCancellationRequested(); return 1L; })],
            store, NullLogger<DomainGauges>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gauges.RefreshAsync(stopping.Token));
    }
}
