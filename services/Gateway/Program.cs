using EuCyberNet.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddReverseProxy()
    .LoadFromMemory(Routes.All, Routes.Clusters)
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapReverseProxy();
app.Run();

