using System.Net;
using EuCyberNet.Contracts;
using EuCyberNet.Contracts.Projects.V1;
using EuCyberNet.Coordination.Activities;
using EuCyberNet.Coordination.ReadModels;
using EuCyberNet.Coordination.Rebuild;
using EuCyberNet.ServiceDefaults.EventSourcing;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EuCyberNet.Coordination.Tests;

/// <summary>
/// Replicas writing the inline read models at once, and a store written while they were an
/// asynchronous projection: nothing a transaction folds is lost to another's.
/// </summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private CoordinationHost _coordination = null!;

    public async Task InitializeAsync() => _coordination = await CoordinationHost.StartAsync();

    public async Task DisposeAsync() => await _coordination.DisposeAsync();

    [Fact]
    public async Task Replicas_folding_the_same_activities_at_once_lose_no_update()
    {
        // Two more replicas consume the same queues; their writers are counted to show they took part.
        var gates = new[] { new CountingGate(), new CountingGate() };
        foreach (var gate in gates) await _coordination.StartReplicaAsync(services => services.AddSingleton<IWriteGate>(gate));

        // Every version of a few projects, shuffled, published at once: the replicas' groups fold into
        // the same activity documents concurrently. Each version changes the status, so a fold that
        // started from a document without another replica's newer version would show in the status and
        // in the overview's counts.
        const int projects = 12, versions = 30;
        var t0 = DateTimeOffset.UtcNow.AddDays(-1);
        var ids = Enumerable.Range(0, projects).Select(_ => Guid.NewGuid()).ToArray();
        var events = ids.SelectMany(id => Enumerable.Range(1, versions).Select(v => v == 1
                ? (IIntegrationEvent)new ProjectRegistered(id, 1, Samples.Project(country: "NA", status: "planned", title: "v1"), t0)
                : new ProjectUpdated(id, v, Samples.Project(country: "NA", status: StatusOf(v), title: $"v{v}"), t0.AddMinutes(v))))
            .ToList();
        new Random(17).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events));
        await Task.WhenAll(events.Chunk(40).Select(async chunk =>
        {
            foreach (var e in chunk) await _coordination.PublishAsync(e);
        }));
        await _coordination.WaitForEventsAsync(projects * versions);

        Assert.All(gates, gate => Assert.True(gate.Entered > 0, "each replica wrote some of the groups"));
        var activities = await _coordination.GetAsync<Page<ActivityView>>("/coordination/activities?country=NA&pageSize=100");
        Assert.Equal(projects, activities.Total);
        Assert.All(activities.Items, a => Assert.Equal(($"v{versions}", StatusOf(versions)), (a.Title, a.Status)));
        var overview = await _coordination.OverviewAsync();
        Assert.Equal(projects, overview.Projects.Total);
        Assert.Equal(new Dictionary<string, long> { [StatusOf(versions)] = projects }, overview.Projects.ByStatus);

        // And the read models are what a rebuild from the store makes of it.
        var live = await _coordination.Client.GetStringAsync("/coordination/overview");
        Assert.Equal(HttpStatusCode.OK, (await _coordination.Client.PostAsync("/coordination/admin/rebuild", null)).StatusCode);
        Assert.Equal(live, await _coordination.Client.GetStringAsync("/coordination/overview"));
    }

    [Fact]
    public async Task A_store_left_by_the_asynchronous_projection_is_rebuilt_once_at_startup()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids) await _coordination.PublishAsync(new ProjectRegistered(id, 1, Samples.Project(country: "BW"), DateTimeOffset.UtcNow));
        await _coordination.WaitForEventsAsync(ids.Length);

        // As an upgrade finds it: the async shard's progress row, and events it had not projected yet.
        await ExecuteAsync(
            $"delete from {Tables.Activities}; delete from {Tables.Overview.Changes}; delete from {Tables.Overview.Days}; " +
            $"insert into {Tables.Progression} (name, last_seq_id, last_updated) values ('{ReadModelRebuild.AsyncProgressName}', 0, now())");
        Assert.Equal(0, (await _coordination.GetAsync<Page<ActivityView>>("/coordination/activities?country=BW")).Total);

        await _coordination.StartReplicaAsync();
        await Eventually.ReturnsAsync(async () => (await _coordination.GetAsync<Page<ActivityView>>("/coordination/activities?country=BW")).Total,
            n => n == ids.Length, TimeSpan.FromSeconds(30), "the read models rebuilt at startup");
        Assert.Equal(ids.Length, (await _coordination.OverviewAsync()).Projects.Total);
        await Eventually.ReturnsAsync(() => ScalarAsync($"select count(*) from {Tables.Progression} where name = '{ReadModelRebuild.AsyncProgressName}'"),
            n => n == 0, TimeSpan.FromSeconds(10), "the old progress row gone");
    }

    private static string StatusOf(int version) => version % 2 == 0 ? "active" : "closed";

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_coordination.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_coordination.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }


    /// <summary>The replica's own gate: the same advisory lock as <see cref="ReadModelGate"/>, counting its entries.</summary>
    private sealed class CountingGate() : AdvisoryWriteGate(ReadModelGate.LockKey), IWriteGate
    {
        private int _entered;

        public int Entered => Volatile.Read(ref _entered);

        async Task IWriteGate.EnterAsync(NpgsqlConnection connection, CancellationToken ct)
        {
            Interlocked.Increment(ref _entered);
            await EnterAsync(connection, ct);
        }
    }
}
