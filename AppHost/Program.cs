using EuCyberNet.AppHost;
using EuCyberNet.AppHost.Infrastructure;
using EuCyberNet.AppHost.Operations;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL and RabbitMQ: containers, the machine's own binaries, or existing servers.
var platform = builder.AddPlatformInfrastructure();
var signingKey = builder.AddJwtSigningKey(platform);

var experts = builder.AddService<Projects.EuCyberNet_Experts>("experts", platform, signingKey);
var projects = builder.AddService<Projects.EuCyberNet_Projects>("projects", platform, signingKey)
    .WithReference(experts);
var training = builder.AddService<Projects.EuCyberNet_Training>("training", platform, signingKey);
var coordination = builder.AddService<Projects.EuCyberNet_Coordination>("coordination", platform, signingKey)
    .WithReadModelRebuildCommand(signingKey.OperatorToken);

builder.AddGateway(signingKey, experts, projects, training, coordination);

builder.Build().Run();
