using EuCyberNet.Projects;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProjects();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProjectsApi();
app.Run();

