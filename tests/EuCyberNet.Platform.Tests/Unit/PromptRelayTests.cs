using System.Collections.Concurrent;
using System.Reflection;
using EuCyberNet.Contracts;
using EuCyberNet.ServiceDefaults.Messaging;
using JasperFx.Events;
using JasperFx.Events.Projections;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EuCyberNet.Platform.Tests.Unit;

/// <summary>
/// The relay's prompt path publishes a command transaction's events right after the commit; the
/// relay's pages then publish only what it did not have confirmed. No broker or database here: a bus
/// that records, fails or holds publishes, and a stateless mapper (the prompt path reads nothing for it).
/// </summary>
public sealed class PromptRelayTests
{
    /// <summary>An <see cref="IBus"/> that records every publish; it fails the next publish of each subject in <see cref="FailOnce"/> and holds every publish while <see cref="Hold"/> is not completed.</summary>
    public class RecordingBus : RelayBus<Announced>
    {
        public ConcurrentQueue<string> Published { get; } = new();

        public ConcurrentDictionary<string, byte> FailOnce { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource Hold { get; set; } = CompletedHold();

        public int Attempts(string subject) => Published.Count(p => p == subject);

        private static TaskCompletionSource CompletedHold()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }

        protected override async Task PublishAsync(Announced message)
        {
            await Hold.Task;
            Published.Enqueue(message.Subject);
            if (FailOnce.TryRemove(message.Subject, out _)) throw new InvalidOperationException("broker refused");
        }
    }

    private static (PromptRelay Prompt, IntegrationEventRelay Relay, RecordingBus Bus) Create(bool prompt = true)
    {
        var bus = DispatchProxy.Create<IBus, RecordingBus>();
        var options = Options.Create(new RelayOptions
        {
            ServiceName = "test",
            Prompt = prompt,
            PublishTimeout = TimeSpan.FromSeconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            PromptTimeout = TimeSpan.FromSeconds(5),
            PromptPauseAfterFailure = TimeSpan.FromMinutes(5),
        });
        var mapper = new AnnounceEverything();
        var promptRelay = new PromptRelay(null!, mapper, bus, options, NullLogger<PromptRelay>.Instance);
        var relay = new IntegrationEventRelay(mapper, bus, NullLogger<IntegrationEventRelay>.Instance, options, promptRelay);
        return (promptRelay, relay, (RecordingBus)(object)bus);
    }

    private static List<IEvent> Events(int count, long firstSequence = 1) => RelayPages.Events(count, firstSequence);

    private static async Task RelayPageAsync(IntegrationEventRelay relay, List<IEvent> events) =>
        await relay.ProcessEventsAsync(RelayPages.Of(events), null!, null!, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60)); // bounded only so that a regression fails instead of hanging

    private static string Subject(IEvent e) => AnnounceEverything.SubjectOf(e);

    private static Task WaitForAsync(Func<bool> done) => Eventually(done, TimeSpan.FromSeconds(30));

    private static async Task Eventually(Func<bool> done, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!done()) await Task.Delay(10, deadline.Token);
    }

    [Fact]
    public async Task Events_the_prompt_path_had_confirmed_are_not_published_again_by_the_page()
    {
        var (prompt, relay, bus) = Create();
        var committed = Events(3);
        var other = Events(2, firstSequence: 4); // written outside the command writer (partner intake, another replica)

        prompt.Committed(committed);
        await WaitForAsync(() => bus.Published.Count == 3);
        await RelayPageAsync(relay, [.. committed, .. other]);

        Assert.All(committed, e => Assert.Equal(1, bus.Attempts(Subject(e))));
        Assert.All(other, e => Assert.Equal(1, bus.Attempts(Subject(e))));
        Assert.Equal(0, prompt.Remembering);
    }

    [Fact]
    public async Task A_page_that_arrives_while_the_prompt_publish_waits_for_its_confirm_waits_for_it_instead_of_publishing_twice()
    {
        var (prompt, relay, bus) = Create();
        bus.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var committed = Events(2);

        prompt.Committed(committed);
        var page = RelayPageAsync(relay, committed);
        await Task.Delay(200);
        Assert.False(page.IsCompleted); // the checkpoint cannot move before the broker confirmed

        bus.Hold.SetResult();
        await page;
        Assert.All(committed, e => Assert.Equal(1, bus.Attempts(Subject(e))));
    }

    [Fact]
    public async Task A_prompt_publish_that_fails_leaves_its_events_to_the_page_and_turns_the_prompt_path_off_for_a_while()
    {
        var (prompt, relay, bus) = Create();
        var failing = Events(2);
        bus.FailOnce[Subject(failing[0])] = 0;
        prompt.Committed(failing);
        // The page waits for the prompt path's outcome (failed), then publishes both events of the failed
        // transaction itself: the one that went through too, since the prompt path confirms a transaction
        // whole or not at all.
        await RelayPageAsync(relay, failing);

        var later = Events(2, firstSequence: 3);
        prompt.Committed(later); // paused: not attempted
        await Task.Delay(200);
        Assert.Equal(4, bus.Published.Count);

        await RelayPageAsync(relay, later);
        Assert.Equal(2, bus.Attempts(Subject(failing[0])));
        Assert.Equal(2, bus.Attempts(Subject(failing[1])));
        Assert.All(later, e => Assert.Equal(1, bus.Attempts(Subject(e))));
    }

    [Fact]
    public async Task Switched_off_it_publishes_nothing_and_the_page_publishes_everything()
    {
        var (prompt, relay, bus) = Create(prompt: false);
        var committed = Events(3);

        prompt.Committed(committed);
        await Task.Delay(200);
        Assert.Empty(bus.Published);

        await RelayPageAsync(relay, committed);
        Assert.All(committed, e => Assert.Equal(1, bus.Attempts(Subject(e))));
    }

    [Fact]
    public async Task A_page_asking_twice_for_an_event_gets_it_to_publish_the_second_time()
    {
        // A page read again (a crash before the checkpoint moved, a lost leadership) publishes everything
        // again, as it always did; consumers' inboxes drop the repeats.
        var (prompt, relay, bus) = Create();
        var committed = Events(2);
        prompt.Committed(committed);
        await WaitForAsync(() => bus.Published.Count == 2);

        await RelayPageAsync(relay, committed);
        await RelayPageAsync(relay, committed);
        Assert.All(committed, e => Assert.Equal(2, bus.Attempts(Subject(e))));
    }
}
