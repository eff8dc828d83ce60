using System.Security.Claims;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ApiKeys.Api.Apis;

/// <summary>Qlik's <c>/api/v1/api-keys</c> endpoints, plus search, revoke, bulk revoke and delete-mine.</summary>
public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/api-keys")
            .WithTags("API keys")
            .RequireAuthorization(CallerClaims.MemberPolicy);

        keys.MapGet("/", List).WithName("listApiKeys").RequireKeyScope(KeyScopes.KeysRead).ProducesErrors(ErrorTypes.InvalidArgument)
            .WithSummary("List and search keys")
            .WithDescription("A TenantAdmin sees the tenant's keys, anyone else their own. Filters, search (q), sort and cursor paging.");
        keys.MapPost("/", Create).WithName("createApiKey").RequireKeyScope(KeyScopes.KeysWrite)
            .ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.InvalidDescription, ErrorTypes.InvalidDuration, ErrorTypes.ExpiryTooLong,
                ErrorTypes.Disabled, ErrorTypes.DeveloperRequired, ErrorTypes.TenantAdminRequired, ErrorTypes.Limit, ErrorTypes.UserNotFound)
            .WithSummary("Generate a key")
            .WithDescription("Generates a key for the caller, or as a TenantAdmin for another member or an external client. The token is in this response only.");
        keys.MapGet("/{id}", Get).WithName("getApiKey").RequireKeyScope(KeyScopes.KeysRead).ProducesErrors(ErrorTypes.KeyNotFound)
            .WithSummary("Get a key")
            .WithDescription("One key, if the caller owns it or is a TenantAdmin of its tenant.");
        keys.MapPatch("/{id}", Update).WithName("patchApiKey").RequireKeyScope(KeyScopes.KeysWrite)
            .ProducesErrors(ErrorTypes.InvalidPatch, ErrorTypes.InvalidDescription, ErrorTypes.InvalidArgument, ErrorTypes.TenantAdminRequired,
                ErrorTypes.KeyNotFound, ErrorTypes.NotActive)
            .Accepts<PatchOperation[]>("application/json", "application/json-patch+json")
            .WithSummary("Change a key")
            .WithDescription("A JSON Patch 'replace' of /description, /scopes or /allowedCidrs (null lifts the restriction). The owner " +
                "may only narrow scopes and ranges; widening or lifting them needs a TenantAdmin. No front end answers with the " +
                "old restrictions once this returns.");
        keys.MapDelete("/{id}", Delete).WithName("deleteApiKey").RequireKeyScope(KeyScopes.KeysWrite).ProducesErrors(ErrorTypes.KeyNotFound, ErrorTypes.NotActive)
            .WithSummary("Delete a key")
            .WithDescription("The owner removes their key; a TenantAdmin deleting another user's key revokes it.");
        keys.MapPost("/{id}/actions/revoke", Revoke).WithName("revokeApiKey").RequireKeyScope(KeyScopes.Admin)
            .ProducesErrors(ErrorTypes.TenantAdminRequired, ErrorTypes.KeyNotFound, ErrorTypes.NotActive)
            .WithSummary("Revoke a key")
            .WithDescription("TenantAdmin: revokes an active key. Final: a revoked key never validates again.");
        keys.MapPost("/{id}/actions/rotate", Rotate).WithName("rotateApiKey").RequireKeyScope(KeyScopes.KeysWrite)
            .ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.InvalidDescription, ErrorTypes.InvalidDuration, ErrorTypes.ExpiryTooLong,
                ErrorTypes.Disabled, ErrorTypes.DeveloperRequired, ErrorTypes.TenantAdminRequired, ErrorTypes.KeyNotFound, ErrorTypes.NotActive,
                ErrorTypes.AlreadyRotated)
            .WithSummary("Rotate a key")
            .WithDescription("The owner (Developer) or a TenantAdmin replaces an active key: 201 with the new key and its token, once, " +
                "and rotatedFrom. The old key works for gracePeriod (PT0S: not at all; at most the tenant's max_rotation_grace), " +
                "never past its own expiry, then is refused as expired; it shows rotatedTo and no longer counts toward the limit. " +
                "A key rotates once: a second call is 409 ALREADY-ROTATED.");
        keys.MapPost("/{id}/actions/suspend", Suspend).WithName("suspendApiKey").RequireKeyScope(KeyScopes.Admin)
            .ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.TenantAdminRequired, ErrorTypes.KeyNotFound, ErrorTypes.NotActive)
            .WithSummary("Suspend a key")
            .WithDescription("TenantAdmin: stops an active key until it is resumed (validation answers suspended). It keeps its " +
                "expiry and its place under the per-user limit. Body optional: {\"reason\"}.");
        keys.MapPost("/{id}/actions/resume", Resume).WithName("resumeApiKey").RequireKeyScope(KeyScopes.Admin)
            .ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.TenantAdminRequired, ErrorTypes.KeyNotFound, ErrorTypes.NotSuspended)
            .WithSummary("Resume a key")
            .WithDescription("TenantAdmin: a suspended key validates again, unless it expired meanwhile. Body optional: {\"reason\"}.");
        keys.MapPost("/actions/revoke", RevokeMany).WithName("revokeApiKeys").RequireKeyScope(KeyScopes.Admin).ProducesErrors(ErrorTypes.InvalidArgument, ErrorTypes.TenantAdminRequired)
            .WithSummary("Revoke keys in bulk")
            .WithDescription("TenantAdmin: revokes up to 100 keys, reporting each id's outcome.");
        keys.MapPost("/actions/delete-mine", DeleteMine).WithName("deleteMyApiKeys").RequireKeyScope(KeyScopes.KeysWrite)
            .WithSummary("Delete all my keys")
            .WithDescription("Removes every key the caller owns.");
        return app;
    }

    static async Task<Ok<KeyList>> List([AsParameters] KeyListParameters parameters, HttpRequest request, ClaimsPrincipal user,
        IGrainFactory grains)
    {
        QueryText.RequireSingleValues(request);
        var page = await grains.GetGrain<IKeyCatalogGrain>(0).List(user.Caller(), parameters.ToQuery());
        return TypedResults.Ok(new KeyList(page.Keys,
            Links.For(request, page.Keys.FirstOrDefault()?.Id, page.Keys.LastOrDefault()?.Id, page.HasNext, page.HasPrevious)));
    }

    static async Task<Created<ApiKeyWithToken>> Create(CreateKeyRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpResponse response)
    {
        var caller = user.Caller();
        var subType = body.SubType is null ? KeySubType.User
            : WireNames.TryParse<KeySubType>(body.SubType, out var given) ? given
            : throw new ApiKeysException(ProblemCode.InvalidArgument, $"subType is {WireNames.Choices<KeySubType>()}.", "/subType");
        if (subType == KeySubType.ExternalClient && body.Sub is null)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "An externalClient key needs the client's id in sub.", "/sub");
        }
        var owner = body.Sub ?? caller.UserId;
        Ids.Check(owner, "/sub");
        var issued = await grains.Owner(caller.TenantId, subType, owner).GenerateKey(caller,
            new KeyRequest(body.Description, body.Expiry, body.Sub, subType, body.Scopes, body.AllowedCidrs));
        // The token is shown once: no cache may keep this response.
        response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/v1/api-keys/{issued.Key.Id}", ApiKeyWithToken.From(issued));
    }

    static async Task<Ok<ApiKey>> Get(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await Key(grains, id).Read(user.Caller()));

    static async Task<NoContent> Update(string id, PatchOperation[] patch, ClaimsPrincipal user, IGrainFactory grains)
    {
        var change = new KeyChange();
        foreach (var (index, path, value) in JsonPatch.Replacements(patch, "/description", "/scopes", "/allowedCidrs"))
        {
            change = path switch
            {
                "/description" => change with { Description = JsonPatch.String(index, value) },
                "/scopes" => change with { SetsScopes = true, Scopes = JsonPatch.StringsOrNull(index, value) },
                _ => change with { SetsAllowedCidrs = true, AllowedCidrs = JsonPatch.StringsOrNull(index, value) },
            };
        }
        await Key(grains, id).Update(user.Caller(), change);
        return TypedResults.NoContent();
    }

    static async Task<NoContent> Delete(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        await grains.User(caller).DeleteKey(caller, ApiKeyToken.RequireKeyId(id));
        return TypedResults.NoContent();
    }

    static async Task<Ok<ApiKey>> Revoke(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        return TypedResults.Ok(await grains.User(caller).RevokeKey(caller, id));
    }

    static async Task<Created<ApiKeyWithToken>> Rotate(string id, RotateKeyRequest body, ClaimsPrincipal user, IGrainFactory grains,
        HttpResponse response)
    {
        var caller = user.Caller();
        // The key tells whose it is; its owner's grain rotates, and answers anyone who may not see the key as if it did not exist.
        var old = await Key(grains, id).Get() ?? throw new ApiKeysException(ProblemCode.KeyNotFound, "No such key.");
        var issued = await grains.Owner(old.TenantId, old.SubType, old.Sub).RotateKey(caller, old.Id,
            new RotationRequest(body.GracePeriod, body.Expiry, body.Description));
        response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/v1/api-keys/{issued.Key.Id}", ApiKeyWithToken.From(issued));
    }

    static async Task<Ok<ApiKey>> Suspend(string id, [FromBody] KeyActionRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await Key(grains, id).Suspend(user.Caller(), body?.Reason));

    static async Task<Ok<ApiKey>> Resume(string id, [FromBody] KeyActionRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await Key(grains, id).Resume(user.Caller(), body?.Reason));

    static async Task<Ok<RevokeResults>> RevokeMany(RevokeRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body.Ids is not { Count: > 0 and <= Paging.MaxLimit } ids)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, $"ids holds 1 to {Paging.MaxLimit} key ids.", "/ids");
        }
        var given = ids.ToList();
        var blank = given.FindIndex(string.IsNullOrEmpty);
        if (blank >= 0)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument, "Each id is a non-empty string.", $"/ids/{blank}");
        }
        // Each id is echoed in its outcome, and no answer may carry a key: refuse the call, naming the place only.
        var key = given.FindIndex(id => ApiKeyToken.Appears(id));
        if (key >= 0)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument,
                "This is an API key, not a key id (the 24 hex digits after qlk_). Treat the key as exposed: revoke it by its id.", $"/ids/{key}");
        }
        var caller = user.Caller();
        var outcomes = await grains.User(caller).RevokeKeys(caller, [.. ids.Select(id => id!)]);
        return TypedResults.Ok(new RevokeResults(outcomes.Select(o => o.Error is { } code
            ? new RevokeResult(o.Id, null, ErrorTypes.For(code).With(null))
            : new RevokeResult(o.Id, KeyStatus.Revoked, null)).ToList()));
    }

    static async Task<Ok<DeletedKeys>> DeleteMine(ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        return TypedResults.Ok(new DeletedKeys(await grains.User(caller).DeleteAllKeys(caller)));
    }

    static IApiKeyGrain Key(IGrainFactory grains, string id) => grains.GetGrain<IApiKeyGrain>(ApiKeyToken.RequireKeyId(id));
}

/// <summary>Query parameters of the list, as Qlik names them; read as text so every bad value gets a precise error.</summary>
public sealed class KeyListParameters
{
    static readonly Dictionary<string, KeySort> Sorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["created"] = KeySort.Created,
        ["createdByUser"] = KeySort.CreatedByUser,
        ["sub"] = KeySort.Sub,
        ["status"] = KeySort.Status,
        ["description"] = KeySort.Description,
    };

    /// <summary>Only keys created by this user.</summary>
    [FromQuery(Name = "createdByUser")] public string? CreatedByUser { get; init; }

    /// <summary>Only keys owned by this user or client.</summary>
    [FromQuery(Name = "sub")] public string? Sub { get; init; }

    /// <summary><c>active</c>, <c>expired</c>, <c>revoked</c> or <c>suspended</c>.</summary>
    [FromQuery(Name = "status")] public string? Status { get; init; }

    /// <summary>Search: description substring (case-insensitive in every script; %, _ and \ match themselves), exact key id, or exact owner.</summary>
    [FromQuery(Name = "q")] public string? Q { get; init; }

    /// <summary><c>created</c>, <c>createdByUser</c>, <c>sub</c>, <c>status</c> or <c>description</c>, optionally prefixed <c>+</c> or <c>-</c>; default <c>-created</c>.</summary>
    [FromQuery(Name = "sort")] public string? Sort { get; init; }

    /// <summary>1 to 100, default 20.</summary>
    [FromQuery(Name = "limit")] public string? Limit { get; init; }

    /// <summary>Cursor: the page after this key id.</summary>
    [FromQuery(Name = "startingAfter")] public string? StartingAfter { get; init; }

    /// <summary>Cursor: the page before this key id. Not with startingAfter.</summary>
    [FromQuery(Name = "endingBefore")] public string? EndingBefore { get; init; }

    public KeyQuery ToQuery()
    {
        var limit = Paging.ParseLimit(Limit);
        Paging.Check(limit, StartingAfter, EndingBefore);
        foreach (var (name, cursor) in new[] { ("startingAfter", StartingAfter), ("endingBefore", EndingBefore) })
        {
            if (cursor is not null && !ApiKeyToken.IsKeyId(cursor))
            {
                throw Invalid(name, $"{name} is a key id.");
            }
        }
        KeyStatus? status = Status is null ? null
            : WireNames.TryParse<KeyStatus>(Status, out var given) ? given
            : throw Invalid("status", $"status is {WireNames.Choices<KeyStatus>()}.");
        // A '+' typed into a URL arrives as a space.
        var sort = (Sort ?? "-created").Trim();
        var descending = sort.StartsWith('-');
        if (!Sorts.TryGetValue(sort.TrimStart('+', '-'), out var column) || sort.Length - sort.TrimStart('+', '-').Length > 1)
        {
            throw Invalid("sort", "sort is one of created, createdByUser, sub, status, description, optionally prefixed + or -.");
        }
        if (Q is { Length: > 256 })
        {
            throw Invalid("q", "q is at most 256 characters.");
        }
        // No stored text holds a control character, and a NUL would end the pattern early in SQLite, matching every key.
        if (Q?.Any(char.IsControl) == true)
        {
            throw Invalid("q", "q must not contain control characters.");
        }
        if (CreatedByUser is not null)
        {
            Ids.Check(CreatedByUser, "createdByUser");
        }
        if (Sub is not null)
        {
            Ids.Check(Sub, "sub");
        }
        return new KeyQuery(status, Sub, CreatedByUser, string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), column, descending, limit,
            StartingAfter, EndingBefore);
    }

    static ApiKeysException Invalid(string parameter, string detail) => new(ProblemCode.InvalidArgument, detail, parameter);
}

public sealed record KeyList(IReadOnlyList<ApiKey> Data, Links Links);

/// <param name="Description">Required; at most 256 characters.</param>
/// <param name="Expiry">ISO 8601 duration such as PT24H; defaults to the tenant's maximum.</param>
/// <param name="Sub">The owner; the caller when omitted. Another user, or an external client, needs TenantAdmin.</param>
/// <param name="SubType"><c>user</c> (default) or <c>externalClient</c>.</param>
/// <param name="Scopes">Ours: 1 to 50 scope names the key grants (orders:read; orders:* for all under orders:); absent or null for every scope.</param>
/// <param name="AllowedCidrs">Ours: 1 to 100 IPv4 or IPv6 ranges the key may be used from; absent for the tenant's default_allowed_cidrs, or any address.</param>
public sealed record CreateKeyRequest(string? Description, string? Expiry = null, string? Sub = null, string? SubType = null,
    IReadOnlyList<string?>? Scopes = null, IReadOnlyList<string?>? AllowedCidrs = null);

/// <summary>Qlik's <c>ApiKeyWithToken</c>: the key and, this once, its token.</summary>
public sealed record ApiKeyWithToken(
    string Id,
    string TenantId,
    string Description,
    KeyStatus Status,
    string Sub,
    KeySubType SubType,
    DateTimeOffset Expiry,
    string CreatedByUser,
    DateTimeOffset Created,
    DateTimeOffset LastUpdated,
    string Token,
    string? RotatedFrom = null,
    IReadOnlyList<string>? Scopes = null,
    IReadOnlyList<string>? AllowedCidrs = null)
{
    /// <summary>Whatever prints this record (a debugger, a log line) must not print the token.</summary>
    public override string ToString() => $"ApiKeyWithToken {{ Id = {Id}, TenantId = {TenantId}, Token = (redacted) }}";

    public static ApiKeyWithToken From(IssuedApiKey issued)
    {
        var key = issued.Key;
        return new(key.Id, key.TenantId, key.Description, key.Status, key.Sub, key.SubType, key.Expiry, key.CreatedByUser,
            key.Created, key.LastUpdated, issued.Token, key.RotatedFrom, key.Scopes, key.AllowedCidrs);
    }
}

/// <param name="GracePeriod">Required. ISO 8601 duration the old key keeps working: PT0S (stop now) to the tenant's max_rotation_grace.</param>
/// <param name="Expiry">The new key's lifetime, ISO 8601; the tenant maximum when omitted.</param>
/// <param name="Description">The new key's description; the old key's when omitted.</param>
public sealed record RotateKeyRequest(string? GracePeriod, string? Expiry, string? Description);

/// <summary>Why a TenantAdmin suspends or resumes a key; recorded in the event.</summary>
public sealed record KeyActionRequest(string? Reason);

public sealed record RevokeRequest(IReadOnlyList<string?>? Ids);

public sealed record RevokeResults(IReadOnlyList<RevokeResult> Data);

/// <summary>One id's outcome: the key's new status, or the error that kept it from being revoked.</summary>
public sealed record RevokeResult(string Id, KeyStatus? Status, Error? Error);

public sealed record DeletedKeys(int Deleted);
