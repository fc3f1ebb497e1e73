using System.Diagnostics;

namespace EuCyberNet.Testing;

/// <summary>
/// A server started from one of deploy/local's scripts, supervised so that it dies with the test
/// process even when that process is killed (the supervisor polls its parent).
/// </summary>
public sealed class LocalServerProcess : IAsyncDisposable
{
    private const string Supervisor = """
        "$@" > "$SERVER_LOG" 2>&1 &
        child=$!
        trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT
        while kill -0 "$WATCHED_PID" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
        kill -TERM $child 2>/dev/null
        wait $child
        """;

    private readonly string _script;
    private readonly string[] _args;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    public LocalServerProcess(string script, string logFile, params string[] args)
        : this(script, logFile, new Dictionary<string, string>(), args)
    {
    }

    /// <param name="environment">Extra environment for the server script (e.g. EUCYBERNET_PG_FAST=0 for a durable PostgreSQL).</param>
    public LocalServerProcess(string script, string logFile, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        _environment = environment;
        _script = script;
        _args = args;
        LogFile = logFile;
    }

    public string LogFile { get; }

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException("Already running.");
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Supervisor);
        start.ArgumentList.Add("supervise");
        start.ArgumentList.Add(_script);
        foreach (var arg in _args) start.ArgumentList.Add(arg);
        start.Environment["WATCHED_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SERVER_LOG"] = LogFile;
        start.Environment["EUCYBERNET_PG_FAST"] = "1";
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_script}.");
    }

    /// <summary>Graceful stop (SIGTERM through the supervisor), waiting for the server to exit.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Waits for the supervised server to exit by itself (after a signal sent to it directly).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null || _process.HasExited) return;
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            _process?.Kill(entireProcessTree: true);
        }
        _process?.Dispose();
    }
}
