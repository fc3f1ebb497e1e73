using System.Collections.Concurrent;
using EuCyberNet.ServiceDefaults.EventSourcing;
using JasperFx.Events.Projections;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EuCyberNet.Platform.Tests.GroupCommit;

/// <summary>
/// What Marten logs when a statement fails, through <see cref="MartenFailureLog"/>, on a real
/// PostgreSQL: a write that lost a race is not an error, a real failure is, and neither carries the
/// statement's parameter values.
/// </summary>
public sealed class MartenFailureLogTests : IAsyncLifetime
{
    private const string Category = "Marten.IDocumentStore";
    private readonly CapturedLogs _logs = new();
    private EventStoreHost _host = null!;

    private IDocumentStore Store => _host.Store;

    public async Task InitializeAsync() => _host = await EventStoreHost.StartAsync("failurelogdb",
        options => options.Projections.Snapshot<Tally>(SnapshotLifecycle.Inline),
        host => host.Logging.ClearProviders().AddFilter(Category, LogLevel.Debug).AddProvider(new CapturingLoggerProvider(_logs)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_append_that_lost_a_race_is_logged_at_debug_without_parameter_values()
    {
        var id = await OpenTallyAsync("contested-tally-name");
        await using var first = Store.LightweightSession();
        await using var second = Store.LightweightSession();
        (await first.Events.FetchForWriting<Tally>(id)).AppendOne(new TallyCounted(1));
        (await second.Events.FetchForWriting<Tally>(id)).AppendOne(new TallyCounted(2));
        await first.SaveChangesAsync();
        _logs.Clear();

        await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());

        var logged = _logs.Entries.Where(e => e.Category == Category && e.Exception is not null).ToList();
        Assert.NotEmpty(logged);
        Assert.All(logged, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Contains(logged, e => e.Message.Contains("MT003", StringComparison.Ordinal) && e.Message.Contains("mt_quick_append_events", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, e => e.Message.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_repeated_create_is_logged_at_debug()
    {
        var id = await OpenTallyAsync("first");
        _logs.Clear();

        await using var again = Store.LightweightSession();
        again.Events.StartStream<Tally>(id, new TallyOpened("again"));
        await Assert.ThrowsAnyAsync<Exception>(() => again.SaveChangesAsync());

        var logged = _logs.Entries.Where(e => e.Category == Category && e.Exception is not null).ToList();
        Assert.NotEmpty(logged);
        Assert.All(logged, e => Assert.Equal(LogLevel.Debug, e.Level));
    }

    [Fact]
    public async Task A_real_failure_stays_an_error_with_its_sql_and_code_but_not_its_parameter_values()
    {
        _logs.Clear();
        await using var session = Store.LightweightSession();
        session.QueueSqlCommand("select length(?) / 0", "jane.doe@example.eu");

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.DivisionByZero, Assert.IsType<PostgresException>(thrown is MartenCommandException { InnerException: { } inner } ? inner : thrown).SqlState);
        // One entry per statement of the failed batch; each names PostgreSQL's code, the failing one its SQL.
        var errors = _logs.Entries.Where(e => e.Category == Category && e.Level == LogLevel.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains(PostgresErrorCodes.DivisionByZero, e.Message, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("select length(", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("jane.doe", StringComparison.Ordinal));
    }

    [Fact]
    public void Lost_races_are_recognised_through_wrapping_exceptions_and_nothing_else_is()
    {
        var versionMismatch = new PostgresException("Stream version mismatch", "ERROR", "ERROR", "MT003");
        var duplicate = new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
        var disk = new PostgresException("could not extend file", "ERROR", "ERROR", PostgresErrorCodes.DiskFull);

        Assert.True(MartenFailureLog.IsLostRace(versionMismatch));
        Assert.True(MartenFailureLog.IsLostRace(new InvalidOperationException("wrapped", duplicate)));
        Assert.False(MartenFailureLog.IsLostRace(disk));
        Assert.False(MartenFailureLog.IsLostRace(new TimeoutException()));
    }

    /// <summary>A new tally stream, committed; its id.</summary>
    private async Task<Guid> OpenTallyAsync(string name)
    {
        var id = Guid.NewGuid();
        await using var open = Store.LightweightSession();
        open.Events.StartStream<Tally>(id, new TallyOpened(name));
        await open.SaveChangesAsync();
        return id;
    }

    private sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturedLogs
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyCollection<Entry> Entries => _entries;

        public void Clear() => _entries.Clear();

        public void Add(Entry entry) => _entries.Enqueue(entry);
    }

    private sealed class CapturingLoggerProvider(CapturedLogs logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, logs);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, CapturedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Add(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
