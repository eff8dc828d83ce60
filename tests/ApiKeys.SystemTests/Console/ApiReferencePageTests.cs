using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>The API reference page (/docs/) in headless Chromium, as a self-hosted product's page.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ApiReferencePageTests(ConsoleApiFixture api, BrowserFixture browser)
{
    [Fact]
    public async Task The_reference_renders_our_document_with_nothing_fetched_from_the_internet_and_no_hosted_services_buttons()
    {
        var page = await browser.Open(api.BaseAddress);
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            var host = new Uri(request.Url).Host;
            if (request.Url.StartsWith("http", StringComparison.Ordinal) && host is not ("127.0.0.1" or "localhost"))
            {
                elsewhere.Add(request.Url);
            }
        };

        await page.GotoAsync("/docs/");
        await Expect(page.GetByText("Generate a key").First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Empty(elsewhere);
        Assert.Equal("ApiKeys API reference", await page.TitleAsync());
        foreach (var button in new[] { "Developer Tools", "Ask AI", "Generate SDK", "Deploy" })
        {
            Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = button }).CountAsync());
        }
        // The first screen only: the whole reference is many screens long.
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "api-reference.png") });
    }
}
