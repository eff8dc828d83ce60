using System.Net.Http.Json;
using ApiKeys.Tests.Http;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>One key's page (#/keys/{id}) in headless Chromium: what it is, its state and why, its usage and events.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class KeyDetailConsoleTests(ConsoleApiFixture api, BrowserFixture browser)
{
    [Fact]
    public async Task The_owner_opens_a_key_from_the_list_and_sees_its_facts_usage_and_an_expiry_warning()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "short-lived key", body: new { description = "short-lived key", expiry = "PT2H" });
        for (var i = 0; i < 3; i++)
        {
            using (await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token })) { }
        }
        await api.FlushUsage(key.Id);
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "dev");

        await page.GetByRole(AriaRole.Link, new() { Name = "short-lived key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "short-lived key", Level = 1 })).ToBeVisibleAsync();
        Assert.EndsWith($"#/keys/{key.Id}", page.Url);
        var facts = page.GetByRole(AriaRole.Region, new() { Name = "About this key" });
        await Expect(facts).ToContainTextAsync(key.Id);
        await Expect(facts).ToContainTextAsync("dev");
        await Expect(facts.Locator(".status")).ToHaveTextAsync("active");
        await Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("This key expires in 2 hours");
        await Expect(page.Locator(".chart h2")).ToHaveTextAsync("Usage, last 24 hours: 3 successful, 0 failed");
        await Expect(page.Locator(".chart text.axis")).ToHaveCountAsync(5);
        await page.GetByText("Show as a table").ClickAsync();
        await Expect(page.Locator("table.usage-buckets td[data-label='Successful']")).ToHaveTextAsync("3");
        // A member sees no events here (they are a TenantAdmin's), and may rename and delete their own key.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Events" })).ToHaveCountAsync(0);
        await Expect(facts.GetByRole(AriaRole.Button, new() { Name = "Rename" })).ToBeVisibleAsync();
        await Expect(facts.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
        Assert.DoesNotContain("null", await page.Locator("main").InnerTextAsync());
        await BrowserFixture.Screenshot(page, "key-detail");

        await facts.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My API keys" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_sees_who_revoked_a_key_and_its_events_and_no_rename_on_it()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "leaked key");
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "admin");
        await page.GotoAsync($"/console/#/keys/{key.Id}");
        var facts = page.GetByRole(AriaRole.Region, new() { Name = "About this key" });

        await facts.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();

        await Expect(facts.Locator(".status")).ToHaveTextAsync("revoked");
        await Expect(facts).ToContainTextAsync("by admin");
        await Expect(facts.GetByRole(AriaRole.Button)).ToHaveCountAsync(1); // Copy key ID: no rename, no revoke on a revoked key
        var events = page.Locator("ul.events > li");
        await Expect(events.First).ToContainTextAsync("Key \"leaked key\" revoked by admin");
        await Expect(events).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Another_members_key_is_not_shown()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "not yours");
        await tenant.AddUser("eve", "Developer");
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "eve");

        await page.GotoAsync($"/console/#/keys/{key.Id}");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No such key");
        Assert.DoesNotContain("not yours", await page.ContentAsync());
    }
}
