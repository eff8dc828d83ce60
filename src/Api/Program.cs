using ApiKeys.Api.Apis;
using ApiKeys.Api.Hosting;
using ApiKeys.Grains.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddApiKeysSilo();
builder.AddApiKeysFrontEnd();

var app = builder.Build();
app.UseApiKeysFrontEnd();
app.MapServiceApi();
app.MapTenantsApi();
app.MapApiKeysApi();
app.MapConfigsApi();
app.MapUsersApi();
app.MapVerifyApi();
app.MapAuditsApi();
app.MapUsageApi();
if (app.Environment.IsDevelopment())
{
    app.MapDevApi();
}
app.Run();

/// <summary>Named so tests can start this application.</summary>
public partial class Program;
