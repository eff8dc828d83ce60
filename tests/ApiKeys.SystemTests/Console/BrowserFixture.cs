using ApiKeys.Tests.Http;
using Microsoft.Playwright;

namespace ApiKeys.Tests.Console;

/// <summary>
/// Headless Chromium driven by Playwright: Debian's <c>chromium</c> (installed by <c>scripts/test.sh</c>), or the executable in
/// <c>APIKEYS_CHROMIUM</c>. Playwright's own browser downloads are not used.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    IPlaywright playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests leave screenshots of the main screens: <c>artifacts/screenshots</c>.</summary>
    public static string Screenshots { get; } = Path.Combine(TestMachine.RepositoryRoot, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("APIKEYS_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"No Chromium at {executable}: install Debian's chromium (apt-get install chromium) or set APIKEYS_CHROMIUM.");
        }
        Directory.CreateDirectory(Screenshots);
        playwright = await Playwright.CreateAsync();
        // No sandbox: CI runs as root, where Chromium refuses its sandbox; the pages are our own.
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser profile on the service, allowed to use the clipboard as a person clicking "Copy" would.</summary>
    public async Task<IPage> Open(Uri service, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = service.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh browser profile signed in through the console's Development form, on "My API keys".</summary>
    /// <summary>Signs in with the development form and waits for the screen whose heading is <paramref name="heading"/>.</summary>
    public async Task<IPage> SignIn(Uri service, string tenantId, string userId, int width = 1280, string heading = "My API keys")
    {
        var page = await Open(service, width);
        await page.GotoAsync("/console/");
        await page.GetByLabel("Tenant ID").FillAsync(tenantId);
        await page.GetByLabel("User ID").FillAsync(userId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading })).ToBeVisibleAsync();
        return page;
    }

    public static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}

/// <summary>A service of its own for the browser tests, so their events and usage are theirs alone.</summary>
public sealed class ConsoleApiFixture : ApiFixture;

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleApiFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "console";
}
