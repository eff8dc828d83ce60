using System.Net.Http.Json;
using ApiKeys.Tests.Http;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>
/// axe-core (Deque's engine, as browsers' accessibility audits use it) on every screen of the console, light and dark,
/// wide and narrow: no violation of serious or critical impact. And the main flows by keyboard alone.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessibilityTests(ConsoleApiFixture api, BrowserFixture browser)
{
    static readonly (string Screen, string Heading)[] Screens =
    [
        ("#/profile", "My API keys"),
        ("#/admin/keys", "Keys in this tenant"),
        ("#/admin/settings", "API key settings"),
        ("#/admin/events", "Events"),
        ("#/admin/usage", "Usage"),
        ("#/admin/users", "Users and roles"),
    ];

    [Theory]
    [InlineData(ColorScheme.Light, 1280)]
    [InlineData(ColorScheme.Dark, 1280)]
    [InlineData(ColorScheme.Light, 390)]
    public async Task No_screen_has_a_serious_or_critical_accessibility_violation(ColorScheme scheme, int width)
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "audited by axe");
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "admin", width);
        await page.EmulateMediaAsync(new() { ColorScheme = scheme });

        var found = new List<string>();
        foreach (var (screen, heading) in Screens)
        {
            await page.GotoAsync($"/console/{screen}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            found.AddRange(Serious(await page.RunAxe()).Select(v => $"{screen}: {v}"));
        }
        await page.GotoAsync($"/console/#/keys/{key.Id}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "audited by axe", Level = 1 })).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        found.AddRange(Serious(await page.RunAxe()).Select(v => $"key page: {v}"));
        await page.GotoAsync("/console/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        found.AddRange(Serious(await page.RunAxe()).Select(v => $"sign-in: {v}"));

        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
    }

    [Fact]
    public async Task The_audit_reports_a_violation_when_a_screen_has_one()
    {
        var tenant = await HttpTenant.Create(api);
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "dev");

        // A button with no name: were axe not running, every audit above would pass whatever the screens held.
        await page.EvaluateAsync("document.querySelector('main').append(document.createElement('button'))");

        Assert.Contains(Serious(await page.RunAxe()), v => v.StartsWith("button-name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_confirm_dialog_and_a_key_shown_once_have_no_serious_violation_either()
    {
        var tenant = await HttpTenant.Create(api);
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "dev");
        await page.GetByLabel("Description").FillAsync("keyboard key");
        await page.GetByLabel("Description").PressAsync("Enter");
        await Expect(page.GetByLabel("New API key")).ToBeFocusedAsync();
        var shown = Serious(await page.RunAxe());

        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Delete key?" })).ToBeVisibleAsync();
        var dialog = Serious(await page.RunAxe());

        Assert.True(shown.Count + dialog.Count == 0, string.Join(Environment.NewLine, shown.Concat(dialog)));
    }

    [Fact]
    public async Task A_developer_generates_and_deletes_a_key_by_keyboard_alone()
    {
        var tenant = await HttpTenant.Create(api);
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "dev");

        await Tab(page, until: () => page.GetByLabel("Description"));
        await page.Keyboard.TypeAsync("typed key");
        await Tab(page, until: () => page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByLabel("New API key")).ToBeFocusedAsync();
        await Tab(page, until: () => page.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }));
        await page.Keyboard.PressAsync("Enter");

        await Tab(page, until: () => page.Locator("tr", new() { HasText = "typed key" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }));
        await page.Keyboard.PressAsync("Enter");
        // Cancel has the focus: one Tab reaches the action, Esc would leave everything as it was.
        await Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("You have no API keys yet.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_revokes_a_key_by_keyboard_alone()
    {
        var tenant = await HttpTenant.Create(api);
        // The description must not contain "revoked", or the row check below would pass before the revoke lands.
        var key = await tenant.Generate(description: "walked by keyboard");
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "admin");
        await page.GotoAsync("/console/#/admin/keys");
        var row = page.Locator("tr", new() { HasText = "walked by keyboard" });
        await Expect(row).ToBeVisibleAsync();

        await Tab(page, until: () => row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");

        await Expect(row).ToContainTextAsync("revoked");
        using var verify = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = key.Token });
        Assert.Contains("\"revoked\"", await verify.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_changes_a_setting_by_keyboard_alone()
    {
        var tenant = await HttpTenant.Create(api);
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "admin");
        await page.GotoAsync("/console/#/admin/settings");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API key settings" })).ToBeVisibleAsync();

        await Tab(page, until: () => page.GetByLabel("Maximum active keys per user"));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("3");
        await Tab(page, until: () => page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Settings saved.");
    }

    /// <summary>Presses Tab until the element has the focus, at most 60 times.</summary>
    static async Task Tab(IPage page, Func<ILocator> until)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await until().EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail("Tab never reached the element.");
    }

    static List<string> Serious(AxeResult result) => result.Violations
        .Where(v => v.Impact is "serious" or "critical")
        .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
        .ToList();
}
