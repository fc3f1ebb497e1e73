using System.Globalization;
using EuCyberNet.Drills;
using EuCyberNet.Testing;

// ./eucybernet drill [name...] [--operations N] [--clients N] [--report docs/reliability.md] [--list]
var names = new List<string>();
var operations = 240;
var clients = 4;
var report = Path.Combine(TestEnvironment.RepositoryRoot, "docs", "reliability.md");
var list = false;
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--operations": operations = int.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--clients": clients = int.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--report": report = Path.GetFullPath(args[++a]); break;
        case "--no-report": report = ""; break;
        case "--list": list = true; break;
        default: names.Add(args[a]); break;
    }
}

var services = DrillPlatform.KnownServices.Where(s => File.Exists(DrillPlatform.DllOf(s))).ToList();
if (services.Count == 0)
{
    Console.Error.WriteLine("No built service found (services/*/bin/Debug/net10.0); build the solution first.");
    return 2;
}
var all = Drills.All(services);
if (list)
{
    foreach (var d in all) Console.WriteLine($"{d.Name,-20} {d.Fault}");
    return 0;
}
var unknown = names.Where(n => all.All(d => d.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown drill(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", all.Select(d => d.Name))}");
    return 2;
}
var selected = names.Count == 0 ? all : all.Where(d => names.Contains(d.Name)).ToList();
var settings = new DrillSettings { Operations = operations, Clients = clients };

Console.WriteLine($"Starting a durable PostgreSQL and a RabbitMQ node of our own (services: {string.Join(", ", services)})…");
var results = new List<DrillFigures>();
await using (var servers = await DrillServers.StartAsync())
{
    foreach (var drill in selected)
    {
        try
        {
            results.Add(await Drills.RunAsync(servers, settings, drill));
            WriteReport(); // after each drill, so an interrupted run keeps what it measured
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.WriteLine($"  drill {drill.Name} could not run: {e.Message}");
            var failed = new DrillFigures { Drill = drill.Name, Fault = drill.Fault };
            failed.Notes.Add($"the drill could not run: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            failed.RelaysCaughtUp = false;
            results.Add(failed);
        }
    }
}

WriteReport();
if (report.Length > 0) Console.WriteLine($"Figures written to {report}");
void WriteReport()
{
    if (report.Length == 0) return;
    ReliabilityReport.Write(report, results,
        $"{Environment.ProcessorCount} cores, {settings.Operations} operations per drill by {settings.Clients} clients, servers from local binaries");
}

var failures = results.Where(r => r.Problems().Any()).Select(r => r.Drill).ToList();
Console.WriteLine(failures.Count == 0 ? $"drills: {results.Count} passed, lost = 0" : $"drills: {results.Count - failures.Count} passed, {failures.Count} failed ({string.Join(", ", failures)})");
return failures.Count == 0 ? 0 : 1;
