using System.Collections.Concurrent;
using ApiKeys.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>An Api front end (cluster client) of an existing cluster on PostgreSQL.</summary>
public sealed class FrontEnd(string connectionString) : ApiFixture
{
    protected override void ConfigureMode(IWebHostBuilder builder) => ClientOf(builder, connectionString);
}

/// <summary>
/// A silo on PostgreSQL, two Api front ends, and in front of them a load balancer that sends each request to the next
/// front end in turn, with no affinity: what the console must work behind.
/// </summary>
public sealed class LoadBalancedFixture : IAsyncLifetime
{
    IHost silo = null!;
    WebApplication balancer = null!;
    int next;

    public FrontEnd[] FrontEnds { get; private set; } = [];

    /// <summary>How many requests for the API each front end answered.</summary>
    public ConcurrentDictionary<int, int> ApiCalls { get; } = new();

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabase();
        silo = await Cluster.PostgresClusterNodes.StartSilo(connectionString);
        FrontEnds = [new FrontEnd(connectionString), new FrontEnd(connectionString)];
        foreach (var frontEnd in FrontEnds)
        {
            await frontEnd.InitializeAsync();
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        balancer = builder.Build();
        var clients = FrontEnds.Select(f => new HttpClient { BaseAddress = f.BaseAddress }).ToArray();
        balancer.Run(context => Forward(context, clients));
        await balancer.StartAsync();
        Address = new Uri(balancer.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    async Task Forward(HttpContext context, HttpClient[] clients)
    {
        var target = Interlocked.Increment(ref next) % clients.Length;
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            ApiCalls.AddOrUpdate(target, 1, (_, n) => n + 1);
        }
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        request.Headers.Host = null;
        using var response = await clients[target].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async Task DisposeAsync()
    {
        await balancer.DisposeAsync();
        foreach (var frontEnd in FrontEnds)
        {
            await ((IAsyncLifetime)frontEnd).DisposeAsync();
        }
        await silo.StopAsync();
        silo.Dispose();
    }
}

public sealed class LoadBalancedConsoleTests(LoadBalancedFixture cluster, BrowserFixture browser)
    : IClassFixture<LoadBalancedFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_console_works_behind_two_front_ends_without_sticky_sessions()
    {
        var tenant = await HttpTenant.Create(cluster.FrontEnds[0]);
        var page = await browser.SignIn(cluster.Address, tenant.Id, "dev");

        foreach (var description in new[] { "first", "second" })
        {
            await page.GetByLabel("Description").FillAsync(description);
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" }).ClickAsync();
            await Expect(page.GetByLabel("New API key")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^qlk_"));
            await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        }
        await page.Locator("tr", new() { HasText = "first" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete key" }).ClickAsync();

        await Expect(page.Locator("table.keys tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.keys")).ToContainTextAsync("second");
        Assert.All(cluster.FrontEnds.Select((_, i) => cluster.ApiCalls.GetValueOrDefault(i)), calls => Assert.True(calls >= 3, $"{calls} API calls"));
    }
}
