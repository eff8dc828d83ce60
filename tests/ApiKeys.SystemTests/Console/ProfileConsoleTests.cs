using System.Net.Http.Json;
using System.Text.Json;
using ApiKeys.Tests.Http;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>A developer's own keys in the console, in headless Chromium against the real service.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProfileConsoleTests(ConsoleApiFixture api, BrowserFixture browser)
{
    [Fact]
    public async Task A_developer_generates_a_key_copies_it_once_reaches_the_limit_renames_deletes_and_deletes_all()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_keys_per_user", 2);
        var page = await SignIn(tenant.Id, "dev");

        await Generate(page, "ci deploy");
        var token = await page.GetByLabel("New API key").InputValueAsync();
        await Expect(page.Locator(".token-once .warning")).ToContainTextAsync("shown only this once");
        await BrowserFixture.Screenshot(page, "profile-key-shown-once");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        Assert.Equal(token, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        Assert.True(await Valid(token));
        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        await Expect(page.Locator("table.keys")).ToContainTextAsync("ci deploy");
        Assert.DoesNotContain(token, await page.ContentAsync());
        // The row of the key just shown says so, and shows the start of its id, which is in the token too.
        var keyId = token.Split('_')[1];
        await Expect(page.Locator("tr.new")).ToContainTextAsync("just generated");
        await Expect(page.Locator("tr.new")).ToContainTextAsync(keyId[..8]);
        await Expect(page.Locator("tr.new code.key-id")).ToHaveAttributeAsync("aria-label", keyId);

        await Generate(page, "nightly export");
        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        // At the limit generating is disabled, with the reason, before anyone types a description in vain.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" })).ToBeDisabledAsync();
        await Expect(page.GetByText("You have 2 of 2 active keys")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "profile-limit-reached");

        // By id: while renaming, the description is in an input rather than the row's text.
        var row = page.Locator($"tr[data-key-id='{await page.Locator("tr", new() { HasText = "ci deploy" }).GetAttributeAsync("data-key-id")}']");
        var before = (await row.BoundingBoxAsync())!;
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        // While renaming, the row's own actions step aside, and nothing in the table reflows.
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Rename" })).ToBeHiddenAsync();
        var editing = (await row.BoundingBoxAsync())!;
        Assert.True(Math.Abs(editing.Height - before.Height) < 1 && Math.Abs(editing.Width - before.Width) < 1,
            $"the row was {before.Width}×{before.Height} and is {editing.Width}×{editing.Height} while renaming");
        await BrowserFixture.Screenshot(page, "profile-renaming");
        await page.GetByLabel("New description").FillAsync("ci deploy (main)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("table.keys")).ToContainTextAsync("ci deploy (main)");

        await page.Locator("tr", new() { HasText = "nightly export" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        // The dialog is titled by what it does, and Cancel has the focus, so Enter does not delete.
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Delete key?" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await BrowserFixture.Screenshot(page, "profile-confirm-delete");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete key" }).ClickAsync();
        await Expect(page.Locator("table.keys")).Not.ToContainTextAsync("nightly export");
        await BrowserFixture.Screenshot(page, "profile-keys");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete all my keys" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete all my keys" }).ClickAsync();
        await Expect(page.GetByText("You have no API keys yet.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete all my keys" })).ToHaveCountAsync(0);
        Assert.False(await Valid(token));
    }

    [Fact]
    public async Task A_developer_rotates_a_key_sees_the_new_one_once_and_the_old_one_until_its_grace_ends()
    {
        var tenant = await HttpTenant.Create(api);
        var old = await tenant.Generate(description: "payments webhook");
        var page = await SignIn(tenant.Id, "dev");
        var oldRow = page.Locator($"tr[data-key-id='{old.Id}']");

        await oldRow.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate key?" });
        // Offered up to the tenant's longest grace (P7D by default), "now" for a leaked key among them.
        var grace = dialog.GetByLabel("The old key keeps working for");
        Assert.Equal(["Not at all: stop it now (a leaked key)", "1 hour", "1 day", "7 days"],
            await grace.Locator("option").AllInnerTextsAsync());
        await grace.SelectOptionAsync("PT1H");
        await BrowserFixture.Screenshot(page, "profile-rotate");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();

        await Expect(page.Locator(".token-once h2")).ToHaveTextAsync("Key \"payments webhook\" rotated: its new key");
        var token = await page.GetByLabel("New API key").InputValueAsync();
        Assert.True(await Valid(token));
        Assert.True(await Valid(old.Token));
        await Expect(oldRow).ToContainTextAsync("replaced; stops in 1 hour");
        await Expect(page.GetByText("1 of 5 active keys allowed")).ToBeVisibleAsync();
        await Expect(oldRow.GetByRole(AriaRole.Button, new() { Name = "Rotate" })).ToHaveCountAsync(0);
        await BrowserFixture.Screenshot(page, "profile-rotated");
        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        Assert.DoesNotContain(token, await page.ContentAsync());

        // The new key rotates again, at once this time: the leak case.
        var newRow = page.Locator("tr.new");
        await newRow.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("The old key keeps working for").SelectOptionAsync("PT0S");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();
        await Expect(page.Locator(".token-once h2")).ToContainTextAsync("rotated");
        Assert.False(await Valid(token));
    }

    [Fact]
    public async Task Generating_is_disabled_and_explained_while_the_tenant_has_keys_turned_off()
    {
        var tenant = await HttpTenant.Create(api, enableKeys: false);
        var page = await SignIn(tenant.Id, "dev");

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" })).ToBeDisabledAsync();
        await Expect(page.GetByText("API keys are turned off for this tenant")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_console_follows_the_systems_dark_mode_and_has_a_favicon()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Generate(description: "night shift");
        var page = await SignIn(tenant.Id, "dev");

        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        var light = await page.EvaluateAsync<string>("getComputedStyle(document.documentElement).backgroundColor");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        var dark = await page.EvaluateAsync<string>("getComputedStyle(document.documentElement).backgroundColor");

        Assert.Equal("rgb(243, 245, 247)", light);
        Assert.Equal("rgb(18, 25, 32)", dark);
        await BrowserFixture.Screenshot(page, "profile-dark");
        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        using var favicon = await api.Anonymous().GetAsync($"/console/{icon}");
        Assert.Equal(System.Net.HttpStatusCode.OK, favicon.StatusCode);
        Assert.Equal("image/svg+xml", favicon.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Keys_of_a_tenant_that_turned_keys_off_say_they_are_refused()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Generate(description: "kept but refused");
        await tenant.Configure("/api_keys_enabled", false);
        var page = await SignIn(tenant.Id, "dev");

        await Expect(page.Locator("tr", new() { HasText = "kept but refused" })).ToContainTextAsync("refused while API keys are off");
        await BrowserFixture.Screenshot(page, "profile-keys-off");
    }

    [Fact]
    public async Task The_console_reads_on_a_narrow_screen_and_signs_out()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Generate(description: "phone key");
        var page = await SignIn(tenant.Id, "dev", width: 390);

        await Expect(page.Locator("td[data-label='Description']")).ToContainTextAsync("phone key");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await BrowserFixture.Screenshot(page, "profile-narrow");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_in_to_a_tenant_one_is_not_in_stays_on_the_form_and_says_why()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Generate(description: "not for strangers");
        var page = await browser.Open(api.BaseAddress);
        await page.GotoAsync("/console/");

        foreach (var (tenantId, userId) in new[] { ("nosuchtenant", "alice"), (tenant.Id, "stranger") })
        {
            await page.GetByLabel("Tenant ID").FillAsync(tenantId);
            await page.GetByLabel("User ID").FillAsync(userId);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Tenant \"{tenantId}\" has no member \"{userId}\"");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Tenant ID")).ToHaveValueAsync(tenantId);
            await Expect(page.GetByLabel("Tenant ID")).ToBeFocusedAsync();
            await Expect(page.Locator("#nav")).ToBeHiddenAsync();
            await Expect(page.Locator("#who")).ToBeEmptyAsync();
        }
        Assert.DoesNotContain("not for strangers", await page.ContentAsync());
        await BrowserFixture.Screenshot(page, "sign-in-not-a-member");

        await tenant.SetRoles("stranger", "Developer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My API keys" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_member_removed_while_signed_in_is_told_so_and_shown_nothing()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.AddUser("leaver", "Developer");
        await tenant.Generate(tenant.User("leaver"), description: "left behind");
        var page = await SignIn(tenant.Id, "leaver");
        await Expect(page.Locator("table.keys")).ToContainTextAsync("left behind");

        using (var removed = await tenant.Admin.DeleteAsync("/api/v1/users/leaver"))
        {
            Assert.True(removed.IsSuccessStatusCode, $"removing the user answered {removed.StatusCode}");
        }
        await page.ReloadAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are not a member of this tenant" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Ask one of the tenant's admins to add you")).ToBeVisibleAsync();
        await Expect(page.Locator("#nav")).ToBeHiddenAsync();
        Assert.DoesNotContain("left behind", await page.ContentAsync());
        await BrowserFixture.Screenshot(page, "not-a-member");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    Task<IPage> SignIn(string tenantId, string userId, int width = 1280) => browser.SignIn(api.BaseAddress, tenantId, userId, width);

    static async Task Generate(IPage page, string description, bool expectToken = true)
    {
        await page.GetByLabel("Description").FillAsync(description);
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" }).ClickAsync();
        if (expectToken)
        {
            await Expect(page.GetByLabel("New API key")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^qlk_"));
        }
    }

    async Task<bool> Valid(string token)
    {
        using var response = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("valid").GetBoolean();
    }
}
