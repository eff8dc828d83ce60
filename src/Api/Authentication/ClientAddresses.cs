using System.Net;

namespace ApiKeys.Api.Authentication;

/// <summary>How the front end learns a client's address behind a gateway, bound from the <c>Verify</c> section.</summary>
public sealed class VerifyOptions
{
    public const string Section = "Verify";

    public const string ForwardedFor = "X-Forwarded-For";
    public const string RealIp = "X-Real-IP";

    /// <summary>
    /// Address ranges of the proxies whose client address header is believed; from anywhere else the header is ignored
    /// and the connection's own address is the client's. Loopback when unset.
    /// </summary>
    public string[]? TrustedProxies { get; set; }

    /// <summary>
    /// <c>X-Forwarded-For</c> (its first entry) or <c>X-Real-IP</c>. The proxy must set it, not append to what the client
    /// sent: nginx <c>proxy_set_header X-Forwarded-For $remote_addr</c>, not <c>$proxy_add_x_forwarded_for</c>.
    /// </summary>
    public string ClientAddressHeader { get; set; } = ForwardedFor;

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem()
    {
        if (!ClientAddressHeader.Equals(ForwardedFor, StringComparison.OrdinalIgnoreCase)
            && !ClientAddressHeader.Equals(RealIp, StringComparison.OrdinalIgnoreCase))
        {
            return $"Verify:ClientAddressHeader is {ForwardedFor} or {RealIp}.";
        }
        return TrustedProxies?.FirstOrDefault(p => !AllowedCidrs.TryParse(p, out _)) is { } bad
            ? $"Verify:TrustedProxies holds address ranges such as 10.0.0.0/8; '{bad}' is not one."
            : null;
    }
}

/// <summary>
/// The address of the client presenting a key: the connection's, or, when the connection comes from a trusted proxy
/// and carries the configured header, the address the proxy names there. A header from anyone else is ignored, so a
/// client cannot claim an allowed address by sending one. A header from a trusted proxy that names no address
/// gives no address at all, which a key with allowed ranges refuses.
/// </summary>
public sealed class ClientAddresses
{
    readonly IPNetwork[] proxies;
    readonly string header;
    readonly bool forwardedFor;

    public ClientAddresses(Microsoft.Extensions.Options.IOptions<VerifyOptions> options)
    {
        var verify = options.Value;
        proxies = (verify.TrustedProxies ?? ["127.0.0.0/8", "::1/128"])
            .Select(p => AllowedCidrs.TryParse(p, out var network) ? network : throw new InvalidOperationException(verify.Problem())).ToArray();
        header = verify.ClientAddressHeader;
        forwardedFor = header.Equals(VerifyOptions.ForwardedFor, StringComparison.OrdinalIgnoreCase);
    }

    public IPAddress? Of(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return null;
        }
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }
        if (!Trusted(remote))
        {
            return remote;
        }
        var values = context.Request.Headers[header];
        if (values.Count == 0)
        {
            return remote;
        }
        var named = (values[0] ?? "").AsSpan();
        if (forwardedFor && named.IndexOf(',') is >= 0 and var comma)
        {
            named = named[..comma];
        }
        return AllowedCidrs.TryParseAddress(named.Trim(), out var client) ? client : null;
    }

    bool Trusted(IPAddress address)
    {
        foreach (var proxy in proxies)
        {
            if (proxy.Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}
