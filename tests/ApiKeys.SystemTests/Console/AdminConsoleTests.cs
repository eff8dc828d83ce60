using System.Net.Http.Json;
using ApiKeys.Tests.Http;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiKeys.Tests.Console;

/// <summary>A tenant admin's screens in the console, in headless Chromium against the real service.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AdminConsoleTests(ConsoleApiFixture api, BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_enables_keys_and_changes_the_limits()
    {
        var tenant = await HttpTenant.Create(api, enableKeys: false);
        var page = await SignIn(tenant.Id, "#/admin/settings");

        await page.GetByLabel("Enable API keys for this tenant").CheckAsync();
        // Durations are written as people write them, and the form says what the text means before it is sent.
        await page.GetByLabel("Maximum expiry of a key").FillAsync("30 days");
        await Expect(page.Locator("output[for='max_api_key_expiry']")).ToHaveTextAsync("= 30 days (P30D)");
        await page.GetByLabel("Maximum active keys per user").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Settings saved.");
        await BrowserFixture.Screenshot(page, "admin-settings");

        var config = await tenant.Admin.GetFromJsonAsync<ApiKeysConfigView>($"/api/v1/api-keys/configs/{tenant.Id}");
        Assert.Equal(new ApiKeysConfigView(true, "P30D", 7), config);

        await page.GetByLabel("Maximum active keys per user").FillAsync("1001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByLabel("Maximum active keys per user")).ToHaveJSPropertyAsync("validity.valid", false);
        await page.GetByLabel("Maximum expiry of a key").FillAsync("P30X");
        await page.GetByLabel("Maximum active keys per user").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Maximum expiry of a key: \"P30X\" is not a duration");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ISO 8601 duration such as PT24H or P30D");
        // Nothing typed is lost when the API refuses.
        await Expect(page.GetByLabel("Maximum expiry of a key")).ToHaveValueAsync("P30X");
        await BrowserFixture.Screenshot(page, "admin-settings-refused");
    }

    [Fact]
    public async Task An_admin_searches_by_name_id_and_owner_and_revokes_one_and_several()
    {
        var tenant = await HttpTenant.Create(api);
        var ana = await tenant.AddUser("ana", "Developer");
        var deploy = await tenant.Generate(description: "deploy pipeline");
        var metrics = await tenant.Generate(ana, "metrics scraper");
        var backup = await tenant.Generate(ana, "backup job");
        var page = await SignIn(tenant.Id, "#/admin/keys");
        var search = page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" });
        var rows = page.Locator("table.keys tbody tr");

        await search.FillAsync("PIPELINE");
        await search.PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("deploy pipeline");
        await search.FillAsync(metrics.Id);
        await search.PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("metrics scraper");
        await search.FillAsync("ana");
        await search.PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(2);
        await BrowserFixture.Screenshot(page, "admin-keys-search");
        // The search is in the URL: a reload shows the same list, and Back the search before it.
        Assert.EndsWith("#/admin/keys?q=ana&sort=-created", page.Url);
        await page.ReloadAsync();
        await Expect(search).ToHaveValueAsync("ana");
        await Expect(rows).ToHaveCountAsync(2);
        await page.GoBackAsync();
        await Expect(search).ToHaveValueAsync(metrics.Id);
        await Expect(rows).ToHaveCountAsync(1);

        await search.FillAsync("");
        await search.PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(3);
        await page.Locator($"tr[data-key-id='{deploy.Id}']").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(page.Locator($"tr[data-key-id='{deploy.Id}'] .status")).ToHaveTextAsync("revoked");
        await Expect(page.Locator($"tr[data-key-id='{deploy.Id}']").GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke selected" })).ToBeDisabledAsync();

        await page.GetByLabel("Select metrics scraper").CheckAsync();
        await page.GetByLabel("Select backup job").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke selected (2)" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke keys" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Revoked 2 keys.");
        foreach (var key in new[] { metrics, backup })
        {
            await Expect(page.Locator($"tr[data-key-id='{key.Id}'] .status")).ToHaveTextAsync("revoked");
        }
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("active");
        await Expect(page.GetByText("No keys match.")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "admin-keys-revoked");
    }

    [Fact]
    public async Task An_admin_suspends_a_key_with_a_reason_it_is_refused_and_resuming_lets_it_through()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "nightly export");
        var page = await SignIn(tenant.Id, "#/admin/keys");
        var row = page.Locator($"tr[data-key-id='{key.Id}']");

        await row.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason (optional, recorded in the event)").FillAsync("odd traffic at 3 am");
        await BrowserFixture.Screenshot(page, "admin-keys-suspend");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Suspend key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Suspended \"nightly export\".");
        await Expect(row.Locator(".status")).ToHaveTextAsync("suspended");
        Assert.Equal("suspended", (await Verify(key.Token)).GetProperty("code").GetString());
        // Still revocable, and found by its status.
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToBeEnabledAsync();
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("suspended");
        await Expect(page.Locator("table.keys tbody tr")).ToHaveCountAsync(1);
        await BrowserFixture.Screenshot(page, "admin-keys-suspended");

        await page.GotoAsync($"/console/#/keys/{key.Id}");
        await Expect(page.GetByText("odd traffic at 3 am; refused until resumed")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Resume key" }).ClickAsync();
        await Expect(page.Locator("dd .status")).ToHaveTextAsync("active");
        Assert.True((await Verify(key.Token)).GetProperty("valid").GetBoolean());
        await Expect(page.Locator("ul.events")).ToContainTextAsync("Key \"nightly export\" suspended by admin: odd traffic at 3 am");
        await Expect(page.Locator("ul.events")).ToContainTextAsync("Key \"nightly export\" resumed by admin");
    }

    [Fact]
    public async Task A_key_reported_leaked_is_found_through_the_events_and_its_page_says_why_it_stopped()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "pasted in a ticket");
        using var reported = await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/actions/report-leak", new { token = key.Token });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, reported.StatusCode);
        var page = await SignIn(tenant.Id, "#/admin/events");

        await page.GetByLabel("Type").SelectOptionAsync(new SelectOptionValue { Label = "Key reported leaked" });
        await Expect(page.GetByText("Key \"pasted in a ticket\" reported leaked by someone; revoked")).ToBeVisibleAsync();

        await page.GotoAsync($"/console/#/keys/{key.Id}");
        await Expect(page.Locator("dd .status")).ToHaveTextAsync("revoked");
        await Expect(page.Locator("dd", new() { HasText = "revoked by the service" })).ToContainTextAsync(": leaked");
        await BrowserFixture.Screenshot(page, "key-detail-leaked");
    }

    [Fact]
    public async Task An_admin_pages_through_the_keys_and_revokes_a_whole_page_but_one()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_keys_per_user", 30);
        var keys = new List<GeneratedKey>();
        for (var i = 1; i <= 23; i++)
        {
            keys.Add(await tenant.Generate(description: $"fleet key {i}"));
        }
        var page = await SignIn(tenant.Id, "#/admin/keys");
        var rows = page.Locator("table.keys tbody tr");
        var position = page.Locator(".pager .position");

        await Expect(position).ToHaveTextAsync("Page 1 · 1–20");
        await Expect(rows).ToHaveCountAsync(20);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(position).ToHaveTextAsync("Page 2 · 21–23");
        await Expect(rows).ToHaveCountAsync(3);
        Assert.Contains("page=2", page.Url);
        // The position is in the URL with the cursor: a reload stays on page 2, Back returns to page 1.
        await page.ReloadAsync();
        await Expect(position).ToHaveTextAsync("Page 2 · 21–23");
        await page.GoBackAsync();
        await Expect(position).ToHaveTextAsync("Page 1 · 1–20");
        await page.GoForwardAsync();
        await Expect(rows).ToHaveCountAsync(3);

        // Newest first: page 2 holds the three oldest keys.
        var selectAll = page.GetByLabel("Select all on this page that can be revoked");
        await selectAll.CheckAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke selected (3)" })).ToBeEnabledAsync();
        await page.GetByLabel("Select fleet key 2", new() { Exact = true }).UncheckAsync();
        await Expect(selectAll).ToHaveJSPropertyAsync("indeterminate", true);
        var heading = await page.GetByRole(AriaRole.Heading, new() { Name = "Keys in this tenant" }).BoundingBoxAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke selected (2)" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke keys" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Revoked 2 keys.");
        await Expect(position).ToHaveTextAsync("Page 2 · 21–23");
        // The message neither moves the page nor covers its title, and stays within the content's width.
        var message = (await page.GetByRole(AriaRole.Alert).BoundingBoxAsync())!;
        var content = (await page.Locator("main").BoundingBoxAsync())!;
        Assert.Equal(heading!.Y, (await page.GetByRole(AriaRole.Heading, new() { Name = "Keys in this tenant" }).BoundingBoxAsync())!.Y);
        Assert.True(message.Y > heading.Y + heading.Height, $"the message at y={message.Y} covers the title");
        Assert.True(message.X >= content.X && message.X + message.Width <= content.X + content.Width,
            $"the message spans x={message.X}..{message.X + message.Width}, the content {content.X}..{content.X + content.Width}");
        await BrowserFixture.Screenshot(page, "admin-keys-page-two");

        var statuses = new Dictionary<string, string>();
        foreach (var key in keys.Take(3))
        {
            var body = await tenant.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/api-keys/{key.Id}");
            statuses[body.GetProperty("description").GetString()!] = body.GetProperty("status").GetString()!;
        }
        Assert.Equal(new Dictionary<string, string> { ["fleet key 1"] = "revoked", ["fleet key 2"] = "active", ["fleet key 3"] = "revoked" }, statuses);
    }

    [Fact]
    public async Task Each_action_shows_in_the_events_with_details_and_a_copyable_key_id()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate(description: "audited key");
        using (await tenant.Developer.PatchAsync($"/api/v1/api-keys/{key.Id}",
                   HttpTenant.Json(new[] { new { op = "replace", path = "/description", value = "audited key 2" } }))) { }
        using (await tenant.Admin.PostAsync($"/api/v1/api-keys/{key.Id}/actions/revoke", null)) { }
        var page = await SignIn(tenant.Id, "#/admin/events");

        // The five filters and the button fill two even rows, none left alone on a row of its own.
        async Task<float> Bottom(ILocator control) => (await control.BoundingBoxAsync()) is { } box ? box.Y + box.Height : float.NaN;
        var firstRow = await Task.WhenAll(new[] { "Type", "Key ID", "User" }.Select(label => Bottom(page.GetByLabel(label, new() { Exact = true }))));
        var secondRow = await Task.WhenAll(new[] { page.GetByLabel("Since"), page.GetByLabel("Until"), page.GetByRole(AriaRole.Button, new() { Name = "Show events" }) }.Select(Bottom));
        Assert.All(firstRow, y => Assert.Equal(firstRow[0], y, 2f));
        Assert.True(secondRow[0] > firstRow[0] && secondRow.All(y => Math.Abs(y - secondRow[0]) < 2), $"rows at {string.Join(", ", firstRow.Concat(secondRow))}");

        await page.GetByLabel("Key ID").FillAsync(key.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        var events = page.Locator("ul.events > li");
        await Expect(events).ToHaveCountAsync(3);
        foreach (var type in new[] { "com.qlik.core.api-key.created", "com.qlik.core.api-key.updated", "com.qlik.core.api-key.deleted" })
        {
            await Expect(page.Locator($"li[data-event-type='{type}']")).ToHaveCountAsync(1);
        }
        var revoked = page.Locator("li[data-event-type='com.qlik.core.api-key.deleted']");
        // Each event reads as what happened, to which key, by whom; the raw type is in the details.
        await Expect(revoked.Locator("summary")).ToContainTextAsync("Key \"audited key 2\" revoked by admin");
        await Expect(revoked.Locator("summary")).ToContainTextAsync(key.Id[..8]);
        await Expect(page.Locator("li[data-event-type='com.qlik.core.api-key.updated'] summary"))
            .ToContainTextAsync("Key \"audited key 2\" renamed by dev (was \"audited key\")");
        await Expect(page.Locator("li[data-event-type='com.qlik.core.api-key.created'] summary")).ToContainTextAsync("Key \"audited key\" created by dev");
        await revoked.Locator("summary").ClickAsync();
        await Expect(revoked).ToContainTextAsync("com.qlik.core.api-key.deleted");
        await Expect(revoked.Locator(".event-data")).ToContainTextAsync("revoked");
        await revoked.GetByRole(AriaRole.Button, new() { Name = "Copy key ID" }).ClickAsync();
        Assert.Equal(key.Id, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await BrowserFixture.Screenshot(page, "admin-events");

        await page.GetByLabel("Type").SelectOptionAsync("com.qlik.core.api-key.updated");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
        await Expect(events).ToHaveCountAsync(1);
        // The filters are in the URL: a reload keeps them.
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Key ID")).ToHaveValueAsync(key.Id);
        await Expect(page.GetByLabel("Type")).ToHaveValueAsync("com.qlik.core.api-key.updated");
        await Expect(events).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Usage_shows_the_validations_of_each_key_and_a_chart_over_time()
    {
        var tenant = await HttpTenant.Create(api);
        var busy = await tenant.Generate(description: "busy key");
        var quiet = await tenant.Generate(description: "quiet key");
        for (var i = 0; i < 7; i++)
        {
            using (await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = busy.Token })) { }
        }
        using (await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = quiet.Token })) { }
        await api.FlushUsage(busy.Id, quiet.Id);
        var page = await SignIn(tenant.Id, "#/admin/usage");

        var busyRow = page.Locator($"tr[data-key-id='{busy.Id}']");
        await Expect(busyRow.Locator("td[data-label='Successful']")).ToHaveTextAsync("7");
        await Expect(page.Locator($"tr[data-key-id='{quiet.Id}'] td[data-label='Successful']")).ToHaveTextAsync("1");
        await busyRow.GetByRole(AriaRole.Button, new() { Name = "Chart" }).ClickAsync();
        await Expect(page.Locator(".chart h2")).ToHaveTextAsync("busy key: 7 successful, 0 failed");
        await Expect(page.Locator(".chart svg rect.ok")).ToHaveCountAsync(1);
        // A scale and a time axis, and the same figures as a table.
        await Expect(page.Locator(".chart text.axis")).ToHaveCountAsync(5);
        await page.GetByText("Show as a table").ClickAsync();
        await Expect(page.Locator("table.usage-buckets td[data-label='Successful']")).ToHaveTextAsync("7");
        await BrowserFixture.Screenshot(page, "admin-usage");
    }

    [Fact]
    public async Task An_admin_adds_a_user_changes_roles_and_removes_a_user()
    {
        var tenant = await HttpTenant.Create(api);
        var page = await SignIn(tenant.Id, "#/admin/users");

        await page.GetByLabel("User ID").FillAsync("carol");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add or update user" }).ClickAsync();
        await Expect(page.Locator("tr[data-user-id='carol']")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Developer for carol")).ToBeCheckedAsync();
        var carol = page.Locator("tr[data-user-id='carol']");
        var save = carol.GetByRole(AriaRole.Button, new() { Name = "Save roles" });
        // Nothing to save until a role differs from what is stored; the row then says it has unsaved changes.
        await Expect(save).ToBeDisabledAsync();
        await page.GetByLabel("Tenant admin for carol").CheckAsync();
        await Expect(carol).ToContainTextAsync("unsaved changes");
        await save.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Roles of carol saved.");
        await Expect(page.GetByLabel("Tenant admin for carol")).ToBeCheckedAsync();
        await Expect(page.Locator("tr[data-user-id='carol']").GetByRole(AriaRole.Button, new() { Name = "Save roles" })).ToBeDisabledAsync();
        await Expect(page.Locator("tr[data-user-id='admin']").GetByRole(AriaRole.Button, new() { Name = "Remove" })).ToBeDisabledAsync();
        await BrowserFixture.Screenshot(page, "admin-users");

        await page.Locator("tr[data-user-id='dev']").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove user" }).ClickAsync();
        await Expect(page.Locator("tr[data-user-id='dev']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_developer_sees_no_administration_and_is_told_why_at_its_address()
    {
        var tenant = await HttpTenant.Create(api);
        var page = await browser.SignIn(api.BaseAddress, tenant.Id, "dev");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToBeHiddenAsync();
        await page.GotoAsync("/console/#/admin/keys");
        await Expect(page.GetByText("These screens need the TenantAdmin role.")).ToBeVisibleAsync();
    }

    async Task<System.Text.Json.JsonElement> Verify(string token) =>
        await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token }));

    async Task<IPage> SignIn(string tenantId, string screen)
    {
        var page = await browser.SignIn(api.BaseAddress, tenantId, "admin");
        await page.GotoAsync($"/console/{screen}");
        return page;
    }

    sealed record ApiKeysConfigView(
        [property: System.Text.Json.Serialization.JsonPropertyName("api_keys_enabled")] bool Enabled,
        [property: System.Text.Json.Serialization.JsonPropertyName("max_api_key_expiry")] string MaxExpiry,
        [property: System.Text.Json.Serialization.JsonPropertyName("max_keys_per_user")] int MaxKeys);
}
