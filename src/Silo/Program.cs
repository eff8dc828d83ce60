using ApiKeys.Grains.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddApiKeysSilo();
await builder.Build().RunAsync();
