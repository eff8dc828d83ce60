using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ApiKeys;

/// <summary>
/// What a validation is asked for beyond "is this key good": the scopes the call needs (space-separated, as RFC 6750
/// writes them and gateways send them in <c>X-Required-Scopes</c>) and the address of the client presenting the key.
/// A key without restrictions ignores both.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.AccessRequest")]
public readonly record struct AccessRequest([property: Id(0)] string? Scopes, [property: Id(1)] IPAddress? Client)
{
    /// <summary>Each requested scope; empty entries (doubled spaces) are no scope.</summary>
    public IEnumerable<string> EachScope() => (Scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// The scopes a key grants: <c>null</c> for all (a key as Qlik has it), else 1 to 50 names of <c>[a-z0-9:._/-]</c>
/// starting with a letter, such as <c>orders:read</c> or <c>billing/invoices:write</c>. A last segment of <c>*</c>
/// (after <c>:</c>, <c>/</c> or <c>.</c>) grants every scope that starts with what comes before it: <c>orders:*</c>
/// grants <c>orders:read</c> and <c>orders:refunds:write</c>, not <c>orders</c>.
/// </summary>
public static class KeyScopes
{
    public const int MaxCount = 50;
    public const int MaxLength = 128;

    /// <summary>The scopes of this service's own API (see docs/api.md): a scoped key may call it only with these.</summary>
    public const string KeysRead = "apikeys:keys:read";
    public const string KeysWrite = "apikeys:keys:write";
    public const string Admin = "apikeys:admin";

    static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789:._/-*");

    /// <summary>Why <paramref name="scope"/> is not a scope name, or null when it is.</summary>
    public static string? Flaw(string? scope)
    {
        if (string.IsNullOrEmpty(scope) || scope.Length > MaxLength)
        {
            return $"is 1 to {MaxLength} characters";
        }
        if (scope[0] is < 'a' or > 'z')
        {
            return "starts with a lowercase letter";
        }
        if (scope.AsSpan().ContainsAnyExcept(Allowed))
        {
            return "holds only a-z, 0-9 and : . _ / - (and * as its last segment)";
        }
        var star = scope.IndexOf('*');
        if (star >= 0 && (star != scope.Length - 1 || scope[star - 1] is not (':' or '/' or '.')))
        {
            return "may use * only as its whole last segment, such as orders:*";
        }
        return null;
    }

    /// <summary>
    /// A key's scopes as given (null: unrestricted), checked and without repeats, in the order given.
    /// </summary>
    /// <param name="pointer">JSON pointer of the list, for the error.</param>
    public static IReadOnlyList<string>? Check(IReadOnlyList<string?>? scopes, string pointer)
    {
        if (scopes is null)
        {
            return null;
        }
        if (scopes.Count is 0 or > MaxCount)
        {
            throw new ApiKeysException(ProblemCode.InvalidArgument,
                $"scopes is null (unrestricted) or 1 to {MaxCount} scope names.", pointer);
        }
        for (var i = 0; i < scopes.Count; i++)
        {
            if (Flaw(scopes[i]) is { } flaw)
            {
                throw new ApiKeysException(ProblemCode.InvalidArgument, $"A scope {flaw}.", $"{pointer}/{i}");
            }
        }
        return [.. scopes.Select(s => s!).Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>
/// The client addresses a key may be used from: <c>null</c> for any, else 1 to 100 IPv4 or IPv6 ranges in CIDR
/// notation (a bare address is one address), stored normalised: <c>10.1.2.3/8</c> is kept as <c>10.0.0.0/8</c>, an
/// IPv4-mapped IPv6 range as its IPv4 range, IPv6 in its shortest form.
/// </summary>
public static class AllowedCidrs
{
    public const int MaxCount = 100;

    /// <summary>The ranges as given (null: any address), checked, normalised and without repeats.</summary>
    /// <param name="pointer">JSON pointer of the list, for the error.</param>
    public static IReadOnlyList<string>? Check(IReadOnlyList<string?>? ranges, string pointer, ProblemCode code = ProblemCode.InvalidArgument,
        bool allowEmpty = false)
    {
        if (ranges is null)
        {
            return null;
        }
        if ((ranges.Count == 0 && !allowEmpty) || ranges.Count > MaxCount)
        {
            throw new ApiKeysException(code, $"allowedCidrs is null (any address) or 1 to {MaxCount} address ranges.", pointer);
        }
        var normalised = new List<string>(ranges.Count);
        for (var i = 0; i < ranges.Count; i++)
        {
            if (!TryParse(ranges[i], out var network))
            {
                throw new ApiKeysException(code,
                    "An address range is an IPv4 or IPv6 address with an optional prefix length, such as 203.0.113.0/24 or 2001:db8::/32.",
                    $"{pointer}/{i}");
            }
            normalised.Add(network.ToString());
        }
        return [.. normalised.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Reads <c>address</c> or <c>address/prefix</c> strictly: IPv4 only as four decimal numbers (no <c>127.1</c> or hex
    /// forms, which <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> would take), IPv6 without a zone.
    /// </summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }
        var slash = text.IndexOf('/');
        var address = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(address, out var ip))
        {
            return false;
        }
        var maximum = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maximum;
        if (slash >= 0)
        {
            var digits = text.AsSpan(slash + 1);
            if (digits.Length is 0 or > 3 || digits.ContainsAnyExceptInRange('0', '9')
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maximum)
            {
                return false;
            }
        }
        if (ip.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            ip = ip.MapToIPv4();
            prefix -= 96;
        }
        network = new IPNetwork(Masked(ip, prefix), prefix);
        return true;
    }

    /// <summary>An address as a client address header or a verify body gives it, as strictly as <see cref="TryParse(string?, out IPNetwork)"/>.</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }
        var ipv4 = !text.Contains(':');
        if (ipv4 ? !IsDottedDecimal(text) : text.ContainsAnyExcept(Hex))
        {
            return false;
        }
        if (!IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }

    static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF:.");

    static bool IsDottedDecimal(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9') || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
            parts++;
        }
        return parts == 4;
    }

    static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }

    /// <summary>Whether every address of <paramref name="inner"/> is in <paramref name="outer"/>.</summary>
    public static bool Within(IPNetwork inner, IPNetwork outer) =>
        inner.BaseAddress.AddressFamily == outer.BaseAddress.AddressFamily && inner.PrefixLength >= outer.PrefixLength
        && outer.Contains(inner.BaseAddress);
}

/// <summary>
/// A key's scopes and allowed ranges made ready to check: built once from the stored lists (by the key's grain, and by
/// a front end when it caches the key's answer), then checked on every validation without allocating.
/// </summary>
public sealed class KeyAccess
{
    readonly string[]? exact;
    /// <summary>The wildcard scopes without their <c>*</c>: a scope starting with one of these is granted.</summary>
    readonly string[]? prefixes;
    readonly IPNetwork[]? networks;

    KeyAccess(IReadOnlyList<string>? scopes, IReadOnlyList<string>? allowedCidrs)
    {
        if (scopes is not null)
        {
            exact = [.. scopes.Where(s => !s.EndsWith('*'))];
            prefixes = [.. scopes.Where(s => s.EndsWith('*')).Select(s => s[..^1])];
        }
        networks = allowedCidrs?.Select(Parse).ToArray();
    }

    /// <summary>The checks for these lists, or null when the key has neither (it allows every request).</summary>
    public static KeyAccess? For(IReadOnlyList<string>? scopes, IReadOnlyList<string>? allowedCidrs) =>
        scopes is null && allowedCidrs is null ? null : new KeyAccess(scopes, allowedCidrs);

    /// <summary>Why <paramref name="request"/> is refused (the address first, then the scopes), or <see cref="ValidationCode.Valid"/>.</summary>
    public ValidationCode Check(AccessRequest request)
    {
        if (networks is not null && !AllowsAddress(request.Client))
        {
            return ValidationCode.IpNotAllowed;
        }
        if (exact is not null && request.Scopes is { } required)
        {
            var text = required.AsSpan();
            foreach (var range in text.Split(' '))
            {
                var scope = text[range];
                if (!scope.IsEmpty && !Grants(scope))
                {
                    return ValidationCode.InsufficientScope;
                }
            }
        }
        return ValidationCode.Valid;
    }

    /// <summary>The requested scopes this key does not grant.</summary>
    public IReadOnlyList<string> Missing(AccessRequest request) =>
        exact is null ? [] : [.. request.EachScope().Where(s => !Grants(s)).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether the key grants <paramref name="scope"/>: it names it, or a wildcard of it covers it. An unrestricted key grants all.</summary>
    public bool Grants(ReadOnlySpan<char> scope)
    {
        if (exact is null)
        {
            return true;
        }
        foreach (var name in exact)
        {
            if (scope.SequenceEqual(name))
            {
                return true;
            }
        }
        foreach (var prefix in prefixes!)
        {
            if (scope.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    bool AllowsAddress(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        foreach (var network in networks!)
        {
            if (network.Contains(client))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="after"/> only narrows <paramref name="before"/>: every scope it names is one the old list
    /// grants (so <c>orders:read</c> and <c>orders:refunds:*</c> narrow <c>orders:*</c>), every range lies inside an old
    /// one, and nothing restricted becomes unrestricted. What a key's owner may do without a TenantAdmin.
    /// </summary>
    public static bool Narrows((IReadOnlyList<string>? Scopes, IReadOnlyList<string>? Cidrs) before,
        (IReadOnlyList<string>? Scopes, IReadOnlyList<string>? Cidrs) after)
    {
        if ((before.Scopes is not null && after.Scopes is null) || (before.Cidrs is not null && after.Cidrs is null))
        {
            return false;
        }
        var old = For(before.Scopes, null);
        if (old is not null && after.Scopes!.Any(s => !old.Grants(s)))
        {
            return false;
        }
        if (before.Cidrs is null || after.Cidrs is null)
        {
            return true;
        }
        var oldRanges = before.Cidrs.Select(Parse).ToList();
        return after.Cidrs.All(c => oldRanges.Any(o => AllowedCidrs.Within(Parse(c), o)));
    }

    static IPNetwork Parse(string range) =>
        AllowedCidrs.TryParse(range, out var network) ? network : throw new InvalidOperationException("A stored address range does not parse.");
}
