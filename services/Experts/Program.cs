using EuCyberNet.Experts;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddExperts();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapExpertsApi();
app.Run();

