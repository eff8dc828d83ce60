using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using ApiKeys.Api.Authentication;
using ApiKeys.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ApiKeys.Api.Apis;

/// <summary>The tenant's audit events: what happened to keys, settings and roles, and which validations failed.</summary>
public static class AuditsApi
{
    public static IEndpointRouteBuilder MapAuditsApi(this IEndpointRouteBuilder app)
    {
        var audits = app.MapGroup("/api/v1/audits")
            .WithTags("Events")
            .RequireAuthorization(CallerClaims.MemberPolicy)
            .ProducesErrors(ErrorTypes.TenantAdminRequired);

        audits.MapGet("/", List).WithName("listAudits").RequireKeyScope(KeyScopes.Admin).ProducesErrors(ErrorTypes.InvalidArgument)
            .WithSummary("List events")
            .WithDescription("TenantAdmin: the tenant's events, newest first; filter by type, keyId, userId and a time range; cursor paging.");
        audits.MapGet("/{id}", Get).WithName("getAudit").RequireKeyScope(KeyScopes.Admin).ProducesErrors(ErrorTypes.EventNotFound)
            .WithSummary("Get an event")
            .WithDescription("TenantAdmin: one event of the tenant.");
        return app;
    }

    static async Task<Ok<AuditList>> List([AsParameters] AuditListParameters parameters, HttpRequest request, ClaimsPrincipal user,
        IGrainFactory grains)
    {
        QueryText.RequireSingleValues(request);
        var page = await grains.GetGrain<IEventsGrain>(0).ListEvents(user.Caller(), parameters.ToQuery());
        return TypedResults.Ok(new AuditList(page.Events.Select(AuditEventBody.From).ToList(),
            Links.For(request, page.Events.FirstOrDefault()?.Id, page.Events.LastOrDefault()?.Id, page.HasNext, page.HasPrevious)));
    }

    static async Task<Ok<AuditEventBody>> Get(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsValid(id))
        {
            throw new ApiKeysException(ProblemCode.EventNotFound, "No such event.");
        }
        return TypedResults.Ok(AuditEventBody.From(await grains.GetGrain<IEventsGrain>(0).GetEvent(user.Caller(), id)));
    }
}

/// <summary>Query parameters of the events list, read as text so every bad value gets a precise error.</summary>
public sealed class AuditListParameters
{
    /// <summary>Only events of this type, e.g. <c>com.qlik.core.api-key.deleted</c>.</summary>
    [FromQuery(Name = "type")] public string? Type { get; init; }

    /// <summary>Only events about this key.</summary>
    [FromQuery(Name = "keyId")] public string? KeyId { get; init; }

    /// <summary>Only events caused by this user.</summary>
    [FromQuery(Name = "userId")] public string? UserId { get; init; }

    /// <summary>Only events at or after this date-time (ISO 8601).</summary>
    [FromQuery(Name = "since")] public string? Since { get; init; }

    /// <summary>Only events before this date-time (ISO 8601).</summary>
    [FromQuery(Name = "until")] public string? Until { get; init; }

    /// <summary><c>-time</c> (default, newest first) or <c>time</c> / <c>+time</c>.</summary>
    [FromQuery(Name = "sort")] public string? Sort { get; init; }

    /// <summary>1 to 100, default 20.</summary>
    [FromQuery(Name = "limit")] public string? Limit { get; init; }

    /// <summary>Cursor: the page after this event id.</summary>
    [FromQuery(Name = "startingAfter")] public string? StartingAfter { get; init; }

    /// <summary>Cursor: the page before this event id. Not with startingAfter.</summary>
    [FromQuery(Name = "endingBefore")] public string? EndingBefore { get; init; }

    public EventQuery ToQuery()
    {
        var limit = Paging.ParseLimit(Limit);
        Paging.Check(limit, StartingAfter, EndingBefore);
        var descending = (Sort?.Trim() ?? "-time") switch
        {
            "-time" => true,
            "time" or "+time" => false,
            _ => throw Invalid("sort", "sort is -time (newest first) or time."),
        };
        if (Type is not null && !EventTypes.All.Contains(Type))
        {
            throw Invalid("type", "type is one of: " + string.Join(", ", EventTypes.All) + ".");
        }
        foreach (var (name, value) in new[] { ("keyId", KeyId), ("userId", UserId), ("startingAfter", StartingAfter), ("endingBefore", EndingBefore) })
        {
            if (value is not null)
            {
                Ids.Check(value, name);
            }
        }
        return new EventQuery(Type, KeyId, UserId, Time("since", Since), Time("until", Until), descending, limit, StartingAfter, EndingBefore);
    }

    static DateTimeOffset? Time(string name, string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw Invalid(name, $"{name} is an ISO 8601 date-time such as 2026-11-26T14:00:00Z.");

    static ApiKeysException Invalid(string parameter, string detail) => new(ProblemCode.InvalidArgument, detail, parameter);
}

public sealed record AuditList(IReadOnlyList<AuditEventBody> Data, Links Links);

/// <summary>An event as a CloudEvent: the core attributes, our extension attributes in lowercase, and the data object.</summary>
public sealed record AuditEventBody(
    string Id,
    string Specversion,
    string Type,
    string Source,
    DateTimeOffset Time,
    string Datacontenttype,
    string? Tenantid,
    string? Userid,
    string? Keyid,
    JsonElement Data)
{
    public static AuditEventBody From(AuditEvent e) =>
        new(e.Id, AuditEvent.SpecVersion, e.Type, e.Source, e.Time, "application/json", e.TenantId, e.UserId, e.KeyId,
            JsonDocument.Parse(e.Data).RootElement.Clone());
}
