using Marten;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// A single writer's own connection (<see cref="CommandGroupCommit"/>, <see cref="Messaging.GroupCommitInbox"/>),
/// kept open between its transactions and opened afresh after a failure. A pooled connection is reset
/// (DISCARD ALL) each time it is taken, which also throws away PostgreSQL's cached plans of Marten's
/// append function, and re-planning it cost more than the append itself; one writer needs one
/// connection anyway. Not thread-safe: it belongs to one writer loop.
/// </summary>
internal sealed class WriterConnection(IDocumentStore store) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    /// <summary>The open connection (opening a new one if there is none, or it broke).</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open } open) return open;
        await DropAsync();
        _connection = store.Storage.Database.CreateConnection();
        await _connection.OpenAsync();
        return _connection;
    }

    /// <summary>Runs <paramref name="work"/> on the connection; if it fails (a refusal or a broken connection), the next work starts on a fresh one.</summary>
    public async Task RunAsync(Func<NpgsqlConnection, Task> work)
    {
        var connection = await OpenAsync();
        try
        {
            await work(connection);
        }
        catch
        {
            await DropAsync();
            throw;
        }
    }

    /// <summary>Closes the connection; the next <see cref="OpenAsync"/> opens a new one.</summary>
    public async Task DropAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }

    public ValueTask DisposeAsync() => new(DropAsync());
}
