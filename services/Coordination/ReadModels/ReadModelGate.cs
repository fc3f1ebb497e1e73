namespace EuCyberNet.Coordination.ReadModels;

/// <summary>
/// Keeps the daemon's pages of <see cref="CoordinationReadModels"/> and a bulk rebuild
/// (<see cref="Rebuild.ReadModelRebuild"/>) from writing the read models at the same time: a page
/// waits while a rebuild runs. Pages come one at a time from one shard, so they never wait on each other.
/// </summary>
public sealed class ReadModelGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private int _rebuilds;

    /// <summary>Rebuilds committed in this process: in-memory copies of the read models (<see cref="Overlaps.ActivityIndex"/>) reload when it moves.</summary>
    public int Rebuilds => Volatile.Read(ref _rebuilds);

    /// <summary>Called by the rebuild once its documents are committed.</summary>
    public void Rebuilt() => Interlocked.Increment(ref _rebuilds);

    public async Task<IDisposable> HoldAsync(CancellationToken ct)
    {
        await _semaphore.WaitAsync(ct);
        return new Release(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
        }
    }
}
