using EuCyberNet.Training.Sessions;

namespace EuCyberNet.Training.Tests.Unit;

public sealed class SessionGatesTests
{
    [Fact]
    public async Task Commands_on_one_session_pass_one_at_a_time_and_other_sessions_are_not_held_up()
    {
        var gates = new SessionGates();
        var (one, other) = (Guid.NewGuid(), Guid.NewGuid());

        var first = await gates.EnterAsync(one, CancellationToken.None);
        var second = gates.EnterAsync(one, CancellationToken.None);
        var elsewhere = await gates.EnterAsync(other, CancellationToken.None);

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second).Dispose();
        elsewhere.Dispose();
        Assert.Equal(0, gates.Count);
    }

    [Fact]
    public async Task A_caller_that_gives_up_waiting_leaves_no_trace()
    {
        var gates = new SessionGates();
        var id = Guid.NewGuid();
        var holder = await gates.EnterAsync(id, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gates.EnterAsync(id, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        holder.Dispose();
        holder.Dispose();
        Assert.Equal(0, gates.Count);
    }
}
