using System.Globalization;
using Npgsql;

namespace EuCyberNet.Benchmarks;

/// <summary>
/// Where a command's time goes: CPU per process (gateway, service, PostgreSQL) from /proc, and
/// PostgreSQL's per-statement timings (pg_stat_statements, which `./eucybernet bench` preloads).
/// </summary>
internal static class Profile
{
    public static double[] CpuEach(IReadOnlyList<int> roots) => [.. roots.Select(r => Cpu.TreeMs([r]))];

    /// <summary>Starts dotnet-trace (CPU sampling, speedscope format) on a process when EUCYBERNET_BENCH_TRACE names a folder.</summary>
    public static System.Diagnostics.Process? StartTrace(int pid, string name, TimeSpan duration)
    {
        if (Environment.GetEnvironmentVariable("EUCYBERNET_BENCH_TRACE") is not { Length: > 0 } folder) return null;
        Directory.CreateDirectory(folder);
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        return System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(File.Exists(tool) ? tool : "dotnet-trace",
        [
            "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time", "--format", "speedscope",
            "--duration", duration.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture), "-o", Path.Combine(folder, name + ".nettrace"),
        ]) { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false });
    }

    public static async Task<bool> ResetStatementsAsync(string admin)
    {
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("create extension if not exists pg_stat_statements; select pg_stat_statements_reset();", connection);
            await create.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false; // not preloaded: the profile goes without statement timings
        }
    }

    /// <summary>The statements of <paramref name="database"/> that took the most time, per operation (a command, an event).</summary>
    public static async Task<List<string>> TopStatementsAsync(string admin, string database, long operations, int top = 8, string unit = "command")
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            select s.calls, s.total_exec_time, s.rows, left(regexp_replace(s.query, '\s+', ' ', 'g'), 110)
            from pg_stat_statements s join pg_database d on d.oid = s.dbid
            where d.datname = @db order by s.total_exec_time desc limit @top
            """, connection);
        query.Parameters.AddWithValue("db", database);
        query.Parameters.AddWithValue("top", top);
        var lines = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var calls = reader.GetInt64(0);
            var total = reader.GetDouble(1);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{calls / (double)operations:F2} calls/{unit}, {total / Math.Max(1, calls):F3} ms/call, {total / operations:F3} ms/{unit}: `{reader.GetString(3).Replace('|', '/').Replace('`', '\'')}`"));
        }
        return lines;
    }
}
