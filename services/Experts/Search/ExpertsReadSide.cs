using Npgsql;

namespace EuCyberNet.Experts.Search;

/// <summary>
/// Connections for search and matching: plain autocommit reads of the search tables, without the
/// transaction a Marten session would open around them (one round trip per statement, not three).
/// </summary>
public sealed class ExpertsReadSide(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
