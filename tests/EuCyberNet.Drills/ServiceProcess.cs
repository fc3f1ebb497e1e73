using System.Diagnostics;
using System.Globalization;

namespace EuCyberNet.Drills;

/// <summary>
/// One replica of a service as a real OS process (<c>dotnet EuCyberNet.X.dll</c>), configured the
/// way the AppHost configures it, so that a drill can SIGKILL it and start it again.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _dll;
    private readonly string _logFile;
    private Process? _process;

    public ServiceProcess(string service, int replica, string dll, int port, Dictionary<string, string> environment, string logDirectory)
    {
        Service = service;
        Replica = replica;
        _dll = dll;
        Port = port;
        _environment = environment;
        _logFile = Path.Combine(logDirectory, $"{service}-{replica}.log");
    }

    public string Service { get; }

    public int Replica { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public bool IsRunning => _process is { HasExited: false };

    public int Starts { get; private set; }

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Service}#{Replica} already runs.");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
        };
        start.ArgumentList.Add(_dll);
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/');
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_dll}.");
        var log = new StreamWriter(_logFile, append: true) { AutoFlush = true };
        log.WriteLine($"===== start {++Starts} at {DateTimeOffset.UtcNow:O}, pid {process.Id}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Write(log, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Write(log, e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Watch(process.Id);
    }

    /// <summary>A watchdog that SIGKILLs the service if the drill process dies first (it ends by itself when the service does).</summary>
    private static void Watch(int servicePid)
    {
        var watchdog = new ProcessStartInfo("bash") { UseShellExecute = false };
        watchdog.ArgumentList.Add("-c");
        watchdog.ArgumentList.Add("while kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null; do sleep 2; done; kill -KILL \"$2\" 2>/dev/null; exit 0");
        watchdog.ArgumentList.Add("watch");
        watchdog.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        watchdog.ArgumentList.Add(servicePid.ToString(CultureInfo.InvariantCulture));
        Process.Start(watchdog)?.Dispose();
    }

    private static void Write(StreamWriter log, string line)
    {
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Waits until /health answers 200: the database answers and every receive endpoint is ready.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!IsRunning) throw new InvalidOperationException($"{Service}#{Replica} exited while starting; see {_logFile}:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync("health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Service}#{Replica} not healthy in {timeout}; see {_logFile}:\n{Tail()}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no acks, no goodbye to the broker or the database.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: false); // SIGKILL on Linux
        await _process.WaitForExitAsync();
    }

    /// <summary>Graceful stop (SIGTERM), then SIGKILL if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await term!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }
}
