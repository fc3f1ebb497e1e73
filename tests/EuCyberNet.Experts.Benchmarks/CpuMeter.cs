using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace EuCyberNet.Experts.Benchmarks;

/// <summary>
/// CPU time spent on the queries, independent of how busy the shared machine is: this process (the
/// service: routing, validation, JSON) plus the PostgreSQL backends serving the benchmark database,
/// read from /proc (Linux; PostgreSQL on the same machine). Latency says how long a query took on
/// the machine as it was; CPU per query says how much work it is, which is what a quiet machine's
/// latency approaches.
/// </summary>
internal sealed class CpuMeter(string connectionString, string database)
{
    private static readonly double TicksPerMs = 100 / 1000.0; // USER_HZ = 100 on Linux

    public bool Available { get; } = OperatingSystem.IsLinux() && File.Exists("/proc/self/stat");

    public async Task<(TimeSpan Service, TimeSpan Database)> SnapshotAsync()
    {
        var service = Process.GetCurrentProcess().TotalProcessorTime;
        if (!Available) return (service, TimeSpan.Zero);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pid from pg_stat_activity where datname = @db and pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", database);
        var ticks = 0L;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ticks += BackendTicks(reader.GetInt32(0));
        return (service, TimeSpan.FromMilliseconds(ticks / TicksPerMs));
    }

    private static long BackendTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // the backend ended meanwhile
        }
    }
}
