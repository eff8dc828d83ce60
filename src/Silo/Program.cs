using ApiKeys;
using ApiKeys.Grains.Hosting;

// A silo of the key cluster. It serves no API, only the health checks orchestrators probe.
var builder = WebApplication.CreateBuilder(args);
builder.AddApiKeysSilo();

var app = builder.Build();
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" }));
// Ready once a grain call round-trips through the cluster and its storage.
app.MapGet("/health/ready", async (IGrainFactory grains) =>
{
    await grains.GetGrain<ITenantGrain>("health").Get();
    return TypedResults.Ok(new { status = "ready" });
});
app.Run();
