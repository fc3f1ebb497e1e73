using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.ServiceDefaults.EventSourcing;

/// <summary>
/// The logger Marten writes its command failures to (<c>ILogger&lt;IDocumentStore&gt;</c>, which
/// Marten's default logger takes from the container), made fit for operators:
/// <list type="bullet">
/// <item><b>A write that lost a race is not an error.</b> An append whose stream moved on (PostgreSQL
/// <c>MT003</c>, "stream version mismatch") or an insert of a row that exists (<c>23505</c>, a repeated
/// create or delivery) is what optimistic concurrency is for: the command answers 409 or the consumer
/// is retried, and whoever cannot handle it logs it. Marten logged each at Error, once per statement
/// of the batch; after the demo the dashboard showed some 1,500 errors, none of them a fault. They go
/// to Debug.</item>
/// <item><b>No parameter values in failure logs.</b> Marten writes every parameter of the failed
/// statements (an expert's name and e-mail, a document's JSON) into the log, and the logs go to the
/// telemetry backend. The SQL is kept; the values are not.</item>
/// </list>
/// Everything else (schema changes, successes at Debug) passes through unchanged.
/// </summary>
public sealed class MartenFailureLog(ILoggerFactory factory) : ILogger<IDocumentStore>
{
    /// <summary>PostgreSQL's codes for "the write lost a race": Marten's stream version mismatch, unique violation.</summary>
    private static readonly HashSet<string> LostRace = new(StringComparer.Ordinal) { "MT003", PostgresErrorCodes.UniqueViolation };

    private readonly ILogger _inner = factory.CreateLogger(typeof(IDocumentStore).FullName!);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Error || exception is null || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        var level = IsLostRace(exception) ? LogLevel.Debug : logLevel;
        if (!_inner.IsEnabled(level)) return;
        var sql = fields.FirstOrDefault(f => f.Key == "SQL").Value;
        if (sql is null)
        {
            _inner.Log(level, eventId, state, exception, formatter);
            return;
        }
        _inner.Log(level, eventId, new Failure(sql.ToString() ?? "", (exception as PostgresException)?.SqlState), exception, static (f, _) => f.ToString());
    }

    /// <summary>True when the failure is a write that lost a race (PostgreSQL's code, on the exception or one it wraps).</summary>
    public static bool IsLostRace(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: var state } && LostRace.Contains(state)) return true;
        return false;
    }

    /// <summary>A failed statement as logged: its SQL and PostgreSQL's code, not its parameter values.</summary>
    private sealed class Failure(string sql, string? sqlState) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _fields =
        [
            new("SQL", sql),
            new("SqlState", sqlState),
            new("{OriginalFormat}", "Marten encountered an exception ({SqlState}) executing {SQL}"),
        ];

        public int Count => _fields.Length;

        public KeyValuePair<string, object?> this[int index] => _fields[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _fields.GetEnumerator();

        public override string ToString() => $"Marten encountered an exception ({_fields[1].Value ?? "no SQL state"}) executing {_fields[0].Value}";
    }
}
