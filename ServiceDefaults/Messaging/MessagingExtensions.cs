using EuCyberNet.Contracts;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EuCyberNet.ServiceDefaults.Messaging;

public sealed class MessagingOptions
{
    /// <summary>In-process retries before a message goes to the error queue.</summary>
    public int RetryLimit { get; set; } = 8;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages fetched ahead per queue; also bounds concurrent handling.</summary>
    public int PrefetchCount { get; set; } = 32;
}

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ (connection string "rabbitmq"): one durable quorum queue per consumer,
    /// named <c>{service}-{consumer}</c>, with exponential retries and then the consumer's
    /// <c>_error</c> queue. Retries run concurrently with other messages, so a poison message never
    /// blocks its queue; a kill switch pauses a queue whose messages keep failing (a database
    /// outage) instead of draining it into the error queue.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not configured.");
        var options = builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        builder.Services.Configure<RelayOptions>(o => o.ServiceName = serviceName);
        builder.Services.Configure<RelayOptions>(builder.Configuration.GetSection("Relay"));

        var consumerQueues = new ConsumerQueues();
        builder.Services.AddSingleton(consumerQueues);
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ErrorQueues>(sp, connectionString));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ErrorQueues>());

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            consumers?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                consumerQueues.Add(name);
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval,
                    TimeSpan.FromMilliseconds(Math.Max(50, options.RetryMinInterval.TotalMilliseconds))));
                endpoint.UseKillSwitch(kill => kill
                    .SetActivationThreshold(20)
                    .SetTripThreshold(0.5)
                    .SetRestartTimeout(s: 15));
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                    rabbit.PrefetchCount = options.PrefetchCount;
                }
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString), host => host.ConnectionName(serviceName));
                // MassTransit writes its JSON envelope indented by default: whitespace in every
                // message to write, send, store and parse, for nobody to read.
                rabbit.ConfigureJsonSerializerOptions(json =>
                {
                    json.WriteIndented = false;
                    return json;
                });
                // Integration events are published as their concrete records; no exchange for the marker interface.
                rabbit.Publish<IIntegrationEvent>(p => p.Exclude = true);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// Relays this service's domain events, mapped by <typeparamref name="TMapper"/>, to RabbitMQ: the
    /// relay subscription (<see cref="IntegrationEventRelay"/>) and its prompt path (<see cref="PromptRelay"/>).
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression PublishIntegrationEvents<TMapper>(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
        where TMapper : class, IIntegrationEventMapper
    {
        marten.Services.AddSingleton<IIntegrationEventMapper, TMapper>();
        // The prompt path publishes each command transaction's events right after its commit; the relay publishes the rest.
        marten.Services.AddSingleton<PromptRelay>();
        marten.Services.AddSingleton<EventSourcing.ICommittedEvents>(sp => sp.GetRequiredService<PromptRelay>());
        return marten.AddSubscriptionWithServices<IntegrationEventRelay>(ServiceLifetime.Singleton);
    }
}
