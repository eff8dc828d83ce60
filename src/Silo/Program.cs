using ApiKeys.Hosting;
using ApiKeys.ServiceDefaults;

// A silo of the key cluster. It serves no API, only health checks and metrics.
var builder = WebApplication.CreateBuilder(args);
builder.AddApiKeysSilo();
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
