using EuCyberNet.Coordination;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCoordination();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapCoordinationApi();
app.Run();

