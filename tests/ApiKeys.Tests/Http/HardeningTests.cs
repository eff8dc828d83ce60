using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ApiKeys.Tests.Http;

/// <summary>
/// What an outside review found by trying the service as an attacker and a careless user would (issue 15): ids in any
/// script, ids that collide across kinds, the last admin, keys pasted where no key belongs, and refusals that must stay
/// 4xx in the error format. Each test failed before its fix.
/// </summary>
public abstract class HardeningTests(ApiFixture api)
{
    /// <summary>Ids a real identity provider may issue, each of which must come through forward auth exactly.</summary>
    public static readonly string[] UnusualIds = ["josé", "用户-1", "🔑dev", "50%off", "a b", "a+b", "x%C3%A9"];

    [Fact]
    public async Task Forward_auth_carries_ids_of_any_script_percent_encoded_and_exactly()
    {
        var tenant = await HttpTenant.Create(api);
        foreach (var id in UnusualIds)
        {
            await tenant.SetRoles(Uri.EscapeDataString(id), "Developer");
            var key = await tenant.Generate(tenant.User(id), "for " + id);
            var (sub, tenantId) = await ForwardAuth(key.Token);
            Assert.Equal(id, sub);
            Assert.Equal(tenant.Id, tenantId);
        }
        var client = await tenant.Generate(tenant.Admin, body: new { description = "client", sub = "clïent", subType = "externalClient" });
        Assert.Equal("clïent", (await ForwardAuth(client.Token)).Sub);

        // An ASCII id is sent as it is.
        using var plain = await api.As((await tenant.Generate()).Token).GetAsync("/api/v1/auth/verify");
        Assert.Equal("dev", plain.Headers.GetValues("X-Sub").Single());
        Assert.Equal(tenant.Id, plain.Headers.GetValues("X-Tenant-Id").Single());
    }

    [Fact]
    public async Task Forward_auth_carries_a_tenant_id_of_any_script()
    {
        var (id, admin) = await NonAsciiTenant();
        var key = await HttpTenant.Existing(api, id).Generate(admin);
        var (sub, tenantId) = await ForwardAuth(key.Token);
        Assert.Equal(id, tenantId);
        Assert.Equal("ädmin", sub);
    }

    [Fact]
    public async Task A_tenant_with_a_non_ASCII_id_is_created_once_and_answered_with_an_encoded_Location()
    {
        var id = "rt-\u0430cme-" + Guid.NewGuid().ToString("N")[..6]; // a Cyrillic а, which looks like a Latin a
        using var created = await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { id, name = "Acme", firstAdmin = "alice" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.GetValues("Location").Single();
        Assert.Equal("/api/v1/tenants/" + Uri.EscapeDataString(id), location);
        Assert.True(Ascii.IsValid(location));
        Assert.Equal(id, (await HttpExpect.Ok(await api.Operator().GetAsync(location))).GetProperty("id").GetString());
        // What was answered is what happened: the tenant exists once.
        await HttpExpect.Error(await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { id, name = "Acme", firstAdmin = "alice" }),
            HttpStatusCode.Conflict, "APIKEYS-TENANT-EXISTS");
    }

    [Fact]
    public async Task Paging_links_are_encoded_absolute_urls_whatever_the_filter()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.SetRoles(Uri.EscapeDataString("josé"), "Developer");
        var jose = tenant.User("josé");
        var older = await tenant.Generate(jose, "older");
        await tenant.Generate(jose, "newer");

        var page = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?sub=jos%C3%A9&limit=1"));
        var next = page.GetProperty("links").GetProperty("next").GetProperty("href").GetString()!;
        Assert.True(Ascii.IsValid(next) && Uri.IsWellFormedUriString(next, UriKind.Absolute), next);
        var second = await HttpExpect.Ok(await tenant.Admin.GetAsync(next));
        Assert.Equal(older.Id, second.GetProperty("data").EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_member_whose_id_is_an_external_clients_never_owns_the_clients_keys()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_keys_per_user", 1);
        var client = await tenant.Generate(tenant.Admin, body: new { description = "ci", sub = "ci-bot", subType = "externalClient" });
        var rename = HttpTenant.Raw("""[{"op":"replace","path":"/description","value":"mine now"}]""");

        // A valid token whose sub is the client's id, of someone never added: the client's key is not theirs.
        var stranger = tenant.User("ci-bot");
        await HttpExpect.Error(await stranger.GetAsync($"/api/v1/api-keys/{client.Id}"), HttpStatusCode.Forbidden, "APIKEYS-NOT-MEMBER");

        // Nor a member's of that id.
        var member = await tenant.AddUser("ci-bot", "Developer");
        await HttpExpect.Error(await member.GetAsync($"/api/v1/api-keys/{client.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await member.PatchAsync($"/api/v1/api-keys/{client.Id}", rename), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await member.DeleteAsync($"/api/v1/api-keys/{client.Id}"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        await HttpExpect.Error(await member.GetAsync($"/api/v1/api-keys/{client.Id}/usage"), HttpStatusCode.NotFound, "APIKEYS-KEY-NOT-FOUND");
        Assert.Empty((await HttpExpect.Ok(await member.GetAsync("/api/v1/api-keys?sub=ci-bot"))).GetProperty("data").EnumerateArray());

        // The client's key counts toward the client's limit, not the member's; the member's delete-all leaves it alone.
        var own = await tenant.Generate(member, "own");
        Assert.Equal([own.Id], (await HttpExpect.Ok(await member.GetAsync("/api/v1/api-keys"))).GetProperty("data")
            .EnumerateArray().Select(k => k.GetProperty("id").GetString()));
        Assert.Equal(1, (await HttpExpect.Ok(await member.PostAsync("/api/v1/api-keys/actions/delete-mine", null))).GetProperty("deleted").GetInt32());
        await HttpExpect.NoContent(await tenant.Admin.DeleteAsync("/api/v1/users/ci-bot"));

        var kept = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/{client.Id}"));
        Assert.Equal(("active", "ci", "externalClient"),
            (kept.GetProperty("status").GetString(), kept.GetProperty("description").GetString(), kept.GetProperty("subType").GetString()));
        Assert.True((await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = client.Token })))
            .GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task The_last_TenantAdmin_can_neither_be_demoted_nor_removed()
    {
        var tenant = await HttpTenant.Create(api);
        foreach (var roles in new[] { new[] { "Developer" }, [] })
        {
            var error = await HttpExpect.Error(await tenant.Admin.PatchAsync("/api/v1/users/admin", Roles(roles)), HttpStatusCode.Conflict, "APIKEYS-LAST-ADMIN");
            Assert.Equal("/userId", error.Pointer());
        }
        await HttpExpect.Error(await tenant.Admin.DeleteAsync("/api/v1/users/admin"), HttpStatusCode.Conflict, "APIKEYS-LAST-ADMIN");
        Assert.Equal(["admin"], await Admins(tenant));
        // Keeping TenantAdmin while gaining a role is no demotion.
        await HttpExpect.NoContent(await tenant.Admin.PatchAsync("/api/v1/users/admin", Roles(["TenantAdmin", "Developer"])));

        // With a second admin, either may go.
        var bob = await tenant.AddUser("bob", "TenantAdmin");
        await HttpExpect.NoContent(await bob.PatchAsync("/api/v1/users/admin", Roles(["Developer"])));
        Assert.Equal(["bob"], await Admins(tenant, bob));
    }

    [Fact]
    public async Task Two_admins_demoting_or_removing_each_other_at_once_leave_one()
    {
        for (var round = 0; round < 4; round++)
        {
            var tenant = await HttpTenant.Create(api);
            var bob = await tenant.AddUser("bob", "TenantAdmin");
            var (first, second) = round switch
            {
                0 => (tenant.Admin.PatchAsync("/api/v1/users/bob", Roles(["Developer"])), bob.PatchAsync("/api/v1/users/admin", Roles(["Developer"]))),
                1 => (tenant.Admin.DeleteAsync("/api/v1/users/bob"), bob.DeleteAsync("/api/v1/users/admin")),
                // Each demotes themself: only one may.
                2 => (tenant.Admin.PatchAsync("/api/v1/users/admin", Roles([])), bob.PatchAsync("/api/v1/users/bob", Roles([]))),
                _ => (tenant.Admin.DeleteAsync("/api/v1/users/admin"), bob.DeleteAsync("/api/v1/users/bob")),
            };
            var statuses = (await Task.WhenAll(first, second)).Select(r => (int)r.StatusCode).Order().ToArray();
            Assert.Equal(204, statuses[0]);
            Assert.Contains(statuses[1], new[] { 403, 409 });
            Assert.Single(await Admins(tenant, asOperator: true));
        }
    }

    [Fact]
    public async Task The_operator_names_a_TenantAdmin_in_an_existing_tenant()
    {
        var tenant = await HttpTenant.Create(api);
        var named = await HttpExpect.Ok(await api.Operator().PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/actions/add-admin", new { userId = "dev" }));
        Assert.Equal(["TenantAdmin", "Developer"], named.GetProperty("assignedRoles").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(["admin", "dev"], await Admins(tenant));

        // A user never added becomes a member; the change is an event whose actor is no member (the operator).
        await HttpExpect.Ok(await api.Operator().PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/actions/add-admin", new { userId = "rescuer" }));
        await HttpExpect.Ok(await tenant.User("rescuer").GetAsync("/api/v1/users"));
        var events = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/audits?type=com.apikeys.user.roles.updated&limit=100"));
        var added = events.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("data").GetProperty("userId").GetString() == "rescuer");
        Assert.False(added.TryGetProperty("userid", out _));

        await HttpExpect.Error(await api.Operator().PostAsJsonAsync("/api/v1/tenants/no-such-tenant/actions/add-admin", new { userId = "x" }),
            HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");
        var bad = await HttpExpect.Error(await api.Operator().PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/actions/add-admin", new { userId = "a/b" }),
            HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("/userId", bad.Pointer());
        await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/actions/add-admin", new { userId = "dev" }),
            HttpStatusCode.Forbidden, "APIKEYS-FORBIDDEN");
    }

    [Theory]
    [InlineData("PT1H")]
    [InlineData("PT24H")]
    [InlineData("P1D")]
    [InlineData("P7D")]
    [InlineData("P30D")]
    [InlineData("P31D")]
    public async Task Top_keys_answer_for_every_window_the_API_documents(string window)
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        await HttpExpect.Ok(await api.As(key.Token).GetAsync("/api/v1/users/me"));
        await api.FlushUsage(key.Id);

        var top = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/usage?window={window}"));
        Assert.Equal(window, top.GetProperty("window").GetString());
        var row = top.GetProperty("data").EnumerateArray().Single();
        Assert.Equal((key.Id, 1), (row.GetProperty("key").GetProperty("id").GetString(), row.GetProperty("successes").GetInt32()));
    }

    [Fact]
    public async Task A_refused_usage_window_names_only_parameters_the_endpoint_has()
    {
        var tenant = await HttpTenant.Create(api);
        foreach (var window in new[] { "P32D", "PT30S", "P1Y" })
        {
            var error = await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/api-keys/usage?window={window}"), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal("window", error.Parameter());
        }
        var key = await tenant.Generate();
        var buckets = await HttpExpect.Error(await tenant.Admin.GetAsync($"/api/v1/api-keys/{key.Id}/usage?window=P7D"), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("bucket", buckets.Parameter());
    }

    [Fact]
    public async Task Search_ignores_case_in_every_script()
    {
        var tenant = await HttpTenant.Create(api);
        var found = new Dictionary<string, string[]>
        {
            ["Ünïcode Käse"] = ["Ünïcode", "ünïcode", "ÜNÏCODE", "käse"],
            ["ΣΟΦΊΑ ΟΔΟΣ"] = ["σοφία", "Σοφία", "οδος", "ΟΔΟΣ"],
            ["Москва Сити"] = ["москва", "МОСКВА", "сити"],
            ["İstanbul DIŞ"] = ["istanbul", "ISTANBUL", "İSTANBUL", "ıstanbul", "diş", "dış"],
            ["Straße"] = ["straße", "STRAßE", "STRAẞE"],
        };
        var ids = new Dictionary<string, string>();
        foreach (var description in found.Keys)
        {
            ids[description] = (await tenant.Generate(tenant.Admin, description, new { description, sub = "dev" })).Id;
        }
        foreach (var (description, queries) in found)
        {
            foreach (var q in queries)
            {
                var page = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=" + Uri.EscapeDataString(q)));
                Assert.True(KeyIds(page).SequenceEqual([ids[description]]), $"q={q} should find only '{description}'");
            }
        }
        // ß is one letter and "ss" two: the fold maps one character to one.
        Assert.Empty(KeyIds(await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=strasse"))));
    }

    [Fact]
    public async Task Search_text_matches_literally_and_control_characters_are_refused()
    {
        var tenant = await HttpTenant.Create(api);
        await tenant.Configure("/max_keys_per_user", 10);
        var ids = new Dictionary<string, string>();
        foreach (var description in new[] { "100% done", "a_b", @"back\slash", "plain 100 done", "aXb", "backslash" })
        {
            ids[description] = (await tenant.Generate(tenant.Admin, description, new { description, sub = "dev" })).Id;
        }
        foreach (var (q, match) in new[] { ("%", "100% done"), ("0%", "100% done"), ("_", "a_b"), ("a_", "a_b"), (@"\", @"back\slash"), (@"k\s", @"back\slash") })
        {
            var page = await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys?q=" + Uri.EscapeDataString(q)));
            Assert.True(KeyIds(page).SequenceEqual([ids[match]]), $"q={q} should find only '{match}'");
        }
        foreach (var q in new[] { "%00", "a%00", "%01", "%0A", "%7F", "%C2%85" })
        {
            var error = await HttpExpect.Error(await tenant.Admin.GetAsync("/api/v1/api-keys?q=" + q), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal("q", error.Parameter());
        }
        Assert.Equal(6, (await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys"))).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Ids_that_contain_qlk_are_ordinary_ids()
    {
        var id = "org-qlk_" + Guid.NewGuid().ToString("N")[..6];
        await HttpExpect.Ok(await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { id, name = "qlk_ co", firstAdmin = "qlk_admin" }), HttpStatusCode.Created);
        var tenant = HttpTenant.Existing(api, id);
        var admin = tenant.User("qlk_admin");
        await HttpExpect.Ok(await api.Operator().GetAsync($"/api/v1/tenants/{id}"));
        await HttpExpect.NoContent(await admin.PatchAsync($"/api/v1/api-keys/configs/{id}",
            HttpTenant.Raw("""[{"op":"replace","path":"/api_keys_enabled","value":true}]""")));
        await HttpExpect.NoContent(await admin.PatchAsync("/api/v1/users/qlk_bot", Roles(["Developer"])));
        var key = await tenant.Generate(tenant.User("qlk_bot"));
        Assert.Equal([key.Id], KeyIds(await HttpExpect.Ok(await admin.GetAsync("/api/v1/api-keys?sub=qlk_bot&q=qlk_bot"))));
        await HttpExpect.Ok(await admin.GetAsync($"/api/v1/api-keys/configs/{id}"));
    }

    [Fact]
    public async Task A_key_in_a_url_is_refused_in_any_letter_case_and_with_any_prefix()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var body = key.Token["qlk_".Length..];
        foreach (var url in new[]
        {
            $"/api/v1/api-keys/{key.Token.ToUpperInvariant()}",
            $"/api/v1/api-keys/QLK_{body}",
            $"/api/v1/users/x_{body}",
            $"/api/v1/users/{body}",
            $"/api/v1/api-keys?q=Q{key.Token[1..]}",
            $"/api/v1/api-keys?{body}=1",
            $"/api/v1/api-keys/{key.Token.Replace("_", "%5F")}",
        })
        {
            var error = await HttpExpect.Error(await tenant.Admin.GetAsync(url), HttpStatusCode.BadRequest, "APIKEYS-TOKEN-IN-URL");
            Assert.DoesNotContain(body[30..], error.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Bulk_revoke_never_echoes_a_key()
    {
        var tenant = await HttpTenant.Create(api);
        var key = await tenant.Generate();
        var other = await tenant.Generate();
        foreach (var pasted in new[] { key.Token, key.Token.ToUpperInvariant(), key.Token["qlk_".Length..], "see " + key.Token })
        {
            using var response = await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys/actions/revoke", new { ids = new[] { other.Id, pasted } });
            var error = await HttpExpect.Error(response, HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
            Assert.Equal("/ids/1", error.Pointer());
            Assert.DoesNotContain(key.Token[^40..], await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        // Nothing was revoked on the way.
        foreach (var k in new[] { key, other })
        {
            Assert.True((await HttpExpect.Ok(await api.Anonymous().PostAsJsonAsync("/api/v1/api-keys/verify", new { token = k.Token })))
                .GetProperty("valid").GetBoolean());
        }
    }

    [Fact]
    public async Task No_stored_field_takes_an_api_key()
    {
        var tenant = await HttpTenant.Create(api);
        var token = (await tenant.Generate()).Token;
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        foreach (var (body, pointer) in new (object, string)[]
        {
            (new { id, name = "leaked " + token, firstAdmin = "alice" }, "/name"),
            (new { id, name = "upper " + token.ToUpperInvariant(), firstAdmin = "alice" }, "/name"),
            (new { id, name = "Acme", firstAdmin = token }, "/firstAdmin"),
            (new { id = token, name = "Acme", firstAdmin = "alice" }, "/id"),
            (new { id = "x" + token["qlk".Length..], name = "Acme", firstAdmin = "alice" }, "/id"),
        })
        {
            using var response = await api.Operator().PostAsJsonAsync("/api/v1/tenants", body);
            Assert.Equal(pointer, (await HttpExpect.Error(response, HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT")).Pointer());
            Assert.DoesNotContain(token[^40..], await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        await HttpExpect.Error(await api.Operator().GetAsync($"/api/v1/tenants/{id}"), HttpStatusCode.NotFound, "APIKEYS-TENANT-NOT-FOUND");

        var client = await HttpExpect.Error(await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys",
            new { description = "client", sub = token, subType = "externalClient" }), HttpStatusCode.BadRequest, "APIKEYS-INVALID-ARGUMENT");
        Assert.Equal("/sub", client.Pointer());
        var description = await HttpExpect.Error(await tenant.Developer.PostAsJsonAsync("/api/v1/api-keys",
            new { description = "upper " + token.ToUpperInvariant() }), HttpStatusCode.BadRequest, "APIKEYS-INVALID-DESCRIPTION");
        Assert.Equal("/description", description.Pointer());
        Assert.Single((await HttpExpect.Ok(await tenant.Admin.GetAsync("/api/v1/api-keys"))).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Metrics_and_the_dashboard_answer_on_the_management_port_only_by_any_spelling()
    {
        foreach (var path in new[] { "/metrics", "/METRICS", "/Metrics", "/metrics/", "/./metrics", "/%6Detrics", "//metrics", "/metrics?x=1",
            "/dashboard/", "/DASHBOARD/", "/dashboard/ClusterStats", "/Dashboard/index.html" })
        {
            foreach (var client in new[] { api.Anonymous(), api.Operator() })
            {
                // Sent as written: no client-side removal of dot segments, empty segments or escapes.
                var url = new Uri(api.BaseAddress.ToString().TrimEnd('/') + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                // The Host header names the management port: routing decides by the connection's port, which no request sets.
                request.Headers.Host = $"127.0.0.1:{api.ManagementPort}";
                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                Assert.DoesNotContain("# TYPE", text);
            }
        }
        using var scrape = await api.Management().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("# TYPE", await scrape.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await api.Management(ApiFixture.OperatorToken).GetAsync("/dashboard/")).StatusCode);
        // Health answers on both: load balancers probe the public port.
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Management().GetAsync("/health/live")).StatusCode);
    }

    /// <summary>Requests Kestrel refuses before any of our code sees them: each as the README documents, and the service keeps serving.</summary>
    [Theory]
    [InlineData("non-ASCII byte in a header", "GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Name: caf\u00e9\r\n\r\n", 400)]
    [InlineData("NUL in a header", "GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Name: a\0b\r\n\r\n", 400)]
    [InlineData("CR inside a header", "GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Name: a\rb\r\n\r\n", 400)]
    [InlineData("%00 in the path", "GET /api/v1/users/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("no Host", "GET /api/v1/users/me HTTP/1.1\r\n\r\n", 400)]
    [InlineData("two Hosts", "GET /api/v1/users/me HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]
    [InlineData("a malformed request line", "GET /api/v1/users/me\r\nHost: x\r\n\r\n", 400)]
    [InlineData("an unknown HTTP version", "GET /api/v1/users/me HTTP/1.7\r\nHost: x\r\n\r\n", 505)]
    [InlineData("a URL over 8 KiB", "GET /api/v1/api-keys?q={long} HTTP/1.1\r\nHost: x\r\n\r\n", 414)]
    [InlineData("headers over 32 KiB", "GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Big: {huge}\r\n\r\n", 431)]
    public async Task Requests_Kestrel_refuses_get_the_documented_status_and_no_body(string what, string request, int status)
    {
        var text = request.Replace("{long}", new string('a', 9 * 1024)).Replace("{huge}", new string('a', 33 * 1024));
        var (answered, head, body) = await RawRequest(Encoding.Latin1.GetBytes(text));
        Assert.True(answered == status, $"{what}: {answered}\n{head}");
        Assert.Contains("Content-Length: 0", head);
        Assert.Equal("", body);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Someone_the_tenant_never_added_or_removed_learns_only_that_they_are_not_a_member()
    {
        var tenant = await HttpTenant.Create(api);
        var carol = await tenant.AddUser("carol", "Developer");
        var hers = await tenant.Generate(carol);
        await HttpExpect.NoContent(await tenant.Admin.DeleteAsync("/api/v1/users/carol"));

        foreach (var outsider in new[] { tenant.User("never-added"), carol })
        {
            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, "/api/v1/users/me"),
                (HttpMethod.Get, "/api/v1/api-keys"),
                (HttpMethod.Get, $"/api/v1/api-keys/{hers.Id}"),
                (HttpMethod.Delete, $"/api/v1/api-keys/{hers.Id}"),
                (HttpMethod.Post, "/api/v1/api-keys/actions/delete-mine"),
                (HttpMethod.Get, $"/api/v1/api-keys/configs/{tenant.Id}"),
                (HttpMethod.Get, $"/api/v1/tenants/{tenant.Id}"),
                (HttpMethod.Get, "/api/v1/api-keys/usage"),
            })
            {
                using var response = await outsider.SendAsync(new HttpRequestMessage(method, path));
                await HttpExpect.Error(response, HttpStatusCode.Forbidden, "APIKEYS-NOT-MEMBER");
            }
        }
        // The revoked key stays in the admins' view: a removed user cannot delete it.
        var kept = await HttpExpect.Ok(await tenant.Admin.GetAsync($"/api/v1/api-keys/{hers.Id}"));
        Assert.Equal("revoked", kept.GetProperty("status").GetString());
        // Adding them back is all it takes.
        await tenant.SetRoles("carol", "Developer");
        await HttpExpect.Ok(await carol.GetAsync($"/api/v1/api-keys/{hers.Id}"));
    }

    async Task<(int Status, string Head, string Body)> RawRequest(byte[] request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(api.BaseAddress.Host, api.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var head = new StringBuilder();
        var length = 0;
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            head.AppendLine(line);
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..]);
            }
        }
        var body = new char[length];
        var read = 0;
        while (read < length && await reader.ReadAsync(body.AsMemory(read)) is var n and > 0)
        {
            read += n;
        }
        var text = head.ToString();
        return (int.Parse(text.Split(' ')[1]), text, new string(body, 0, read));
    }

    async Task<(string Sub, string TenantId)> ForwardAuth(string token)
    {
        using var response = await api.As(token).GetAsync("/api/v1/auth/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("percent", response.Headers.GetValues("X-Identity-Encoding").Single());
        var sub = response.Headers.GetValues("X-Sub").Single();
        var tenant = response.Headers.GetValues("X-Tenant-Id").Single();
        Assert.True(Ascii.IsValid(sub) && Ascii.IsValid(tenant));
        return (Uri.UnescapeDataString(sub), Uri.UnescapeDataString(tenant));
    }

    /// <summary>A tenant whose id and first admin's id are not ASCII, with keys enabled and the admin a Developer too.</summary>
    async Task<(string Id, HttpClient Admin)> NonAsciiTenant()
    {
        var id = "rt-\u0430cme-" + Guid.NewGuid().ToString("N")[..6];
        using var created = await api.Operator().PostAsJsonAsync("/api/v1/tenants", new { id, name = "Acme", firstAdmin = "ädmin" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var admin = api.User(id, "ädmin");
        var path = Uri.EscapeDataString(id);
        await HttpExpect.NoContent(await admin.PatchAsync($"/api/v1/api-keys/configs/{path}",
            HttpTenant.Raw("""[{"op":"replace","path":"/api_keys_enabled","value":true}]""")));
        await HttpExpect.NoContent(await admin.PatchAsync($"/api/v1/users/{Uri.EscapeDataString("ädmin")}", Roles(["TenantAdmin", "Developer"])));
        return (id, admin);
    }

    /// <summary>The tenant's TenantAdmins, as <paramref name="asker"/> (the first admin) sees them, or as a rescuer the operator names.</summary>
    async Task<string[]> Admins(HttpTenant tenant, HttpClient? asker = null, bool asOperator = false)
    {
        asker ??= tenant.Admin;
        if (asOperator)
        {
            await HttpExpect.Ok(await api.Operator().PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/actions/add-admin", new { userId = "auditor" }));
            asker = tenant.User("auditor");
        }
        var users = await HttpExpect.Ok(await asker.GetAsync("/api/v1/users"));
        return users.GetProperty("data").EnumerateArray()
            .Where(u => u.GetProperty("assignedRoles").EnumerateArray().Any(r => r.GetProperty("name").GetString() == "TenantAdmin"))
            .Select(u => u.GetProperty("id").GetString()!)
            .Where(id => id != "auditor")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    static StringContent Roles(string[] roles) =>
        HttpTenant.Json(new[] { new { op = "replace", path = "/assignedRoles", value = roles.Select(r => new { name = r }) } });

    static string[] KeyIds(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();
}

[Collection(ApiCollection.Name)]
public sealed class HardeningOnEmbedded(ApiFixture api) : HardeningTests(api);
