namespace EuCyberNet.Testing;

/// <summary>Waits for an asynchronous outcome (a message crossing services) without fixed sleeps.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what ?? "Condition"} not reached in time; last value: {last}");
            await Task.Delay(100);
            last = await probe();
        }
        return last;
    }
}
