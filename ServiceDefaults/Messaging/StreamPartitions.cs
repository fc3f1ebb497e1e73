using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EuCyberNet.ServiceDefaults.Messaging;

/// <summary>
/// One service's in-process partitions by stream, shared by every consumer added with
/// <see cref="StreamPartitionExtensions.AddConsumerByStream{TConsumer,TMessage}"/>, whatever its
/// queue: messages that change one stream are handled one at a time, messages about different
/// streams side by side (at most <see cref="Count"/> at once).
/// <para>
/// Why: consumers fetch the stream for writing, so two messages about one stream handled at once
/// race — the loser's commit fails and MassTransit retries it. That was correct but not free: each
/// lost race rolled back an append whose sequence numbers were then burned, a gap that holds the
/// service's async daemon (relay included) until Marten skips it, plus a retry logged as a warning.
/// Facts about one expert typically arrive together (accepting an expert announces
/// <c>ExpertStatusChanged</c> and <c>ExpertJoinedPool</c> at once). Replicas of a service still race
/// across processes; the retry remains for that.
/// </para>
/// </summary>
public sealed class StreamPartitions : IAsyncDisposable
{
    /// <summary>Partitions, so also the most partitioned messages handled at once in the service.</summary>
    public const int Count = 16;

    public IPartitioner Partitioner { get; } = new Partitioner(Count, new Murmur3UnsafeHashGenerator());

    public ValueTask DisposeAsync() => Partitioner.DisposeAsync();
}

public static class StreamPartitionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TConsumer"/> with its <typeparamref name="TMessage"/>s partitioned by
    /// the stream they change (<paramref name="streamOf"/>), in the partitions every such consumer of
    /// the service shares (<see cref="StreamPartitions"/>). Its endpoint is configured as usual.
    /// </summary>
    public static IConsumerRegistrationConfigurator<TConsumer> AddConsumerByStream<TConsumer, TMessage>(
        this IBusRegistrationConfigurator bus, Func<TMessage, Guid> streamOf)
        where TConsumer : class, IConsumer<TMessage>
        where TMessage : class
    {
        bus.TryAddSingleton<StreamPartitions>();
        return bus.AddConsumer<TConsumer>((context, consumer) => consumer.Message<TMessage>(message =>
            message.UsePartitioner(context.GetRequiredService<StreamPartitions>().Partitioner, c => streamOf(c.Message))));
    }
}
