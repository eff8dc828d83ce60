using ApiKeys.Api.Apis;
using ApiKeys.Api.Hosting;
using ApiKeys.Hosting;
using ApiKeys.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
// Embedded mode co-hosts a silo; in cluster mode a front end is a client of the silos (Orleans:Client=true).
if (builder.Configuration.GetValue<bool>("Orleans:Client"))
{
    builder.AddApiKeysClient();
}
else
{
    builder.AddApiKeysSilo();
}
builder.AddServiceDefaults();
builder.AddApiKeysFrontEnd();

var app = builder.Build();
app.UseApiKeysFrontEnd();
app.MapDefaultEndpoints();
app.MapServiceApi();
app.MapTenantsApi();
app.MapApiKeysApi();
app.MapConfigsApi();
app.MapUsersApi();
app.MapVerifyApi();
app.MapLeakedKeysApi();
app.MapAuditsApi();
app.MapUsageApi();
app.MapClusterDashboard(app.Configuration);
app.UseConsole();
if (app.Environment.IsDevelopment())
{
    app.MapDevApi();
}
app.Run();

/// <summary>Named so tests can start this application.</summary>
public partial class Program;
