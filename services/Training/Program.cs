using EuCyberNet.Training;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTraining();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapTrainingApi();
app.Run();

