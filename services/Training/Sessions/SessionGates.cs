namespace EuCyberNet.Training.Sessions;

/// <summary>
/// One gate per session in this process: commands on a session's seat ledger queue here, in memory,
/// before they take the session stream's row lock in PostgreSQL. Correctness comes from the row lock
/// (it also serialises replicas); the gate keeps a burst of enrolments into one session from
/// holding a database connection each while they wait for that lock.
/// </summary>
public sealed class SessionGates
{
    private readonly Dictionary<Guid, Gate> _gates = [];

    public async Task<IDisposable> EnterAsync(Guid sessionId, CancellationToken ct)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(sessionId, out gate!)) _gates[sessionId] = gate = new Gate();
            gate.Users++;
        }
        try
        {
            await gate.Semaphore.WaitAsync(ct);
        }
        catch
        {
            Leave(sessionId, gate, entered: false);
            throw;
        }
        return new Pass(this, sessionId, gate);
    }

    /// <summary>Sessions with someone inside or waiting (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gates) return _gates.Count;
        }
    }

    private void Leave(Guid sessionId, Gate gate, bool entered)
    {
        if (entered) gate.Semaphore.Release();
        lock (_gates)
        {
            if (--gate.Users > 0) return;
            _gates.Remove(sessionId);
        }
        gate.Semaphore.Dispose();
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Pass(SessionGates gates, Guid sessionId, Gate gate) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) gates.Leave(sessionId, gate, entered: true);
        }
    }
}
