using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace ApiKeys;

/// <summary>
/// The token a developer is shown once: <c>qlk_&lt;key id&gt;_&lt;secret&gt;&lt;crc&gt;</c>.
/// The prefix lets secret scanners find leaked keys; the key id routes validation straight to the key's grain;
/// the secret is 256 bits from a CSPRNG; the CRC32 lets the front end drop typos and random strings without a grain call.
/// </summary>
public static class ApiKeyToken
{
    public const string Prefix = "qlk_";
    public const int KeyIdLength = 24;
    const int SecretBytes = 32;
    const int SecretLength = SecretBytes * 2;
    const int ChecksumLength = 8;
    public const int Length = 4 + KeyIdLength + 1 + SecretLength + ChecksumLength;

    /// <summary>A new key id: 96 random bits as 24 lowercase hex digits, the shape of Qlik's ids.</summary>
    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));

    /// <summary>A new token for <paramref name="keyId"/> and the hash of its secret, the only part that is stored.</summary>
    public static (string Token, byte[] SecretHash) Issue(string keyId)
    {
        if (!IsKeyId(keyId))
        {
            throw new ArgumentException("Not a key id.", nameof(keyId));
        }
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        var body = $"{Prefix}{keyId}_{Convert.ToHexStringLower(secret)}";
        var token = body + Checksum(body);
        return (token, HashSecret(token.AsSpan(Prefix.Length + KeyIdLength + 1, SecretLength)));
    }

    /// <summary>Reads a presented token without any I/O; false for anything malformed or failing the checksum.</summary>
    public static bool TryParse(ReadOnlySpan<char> token, out string keyId, out byte[] secretHash)
    {
        var hash = new byte[SecretHashLength];
        if (!TryParse(token, out var id, hash))
        {
            keyId = "";
            secretHash = [];
            return false;
        }
        keyId = id.ToString();
        secretHash = hash;
        return true;
    }

    /// <summary>The length of a secret's hash, for <see cref="TryParse(ReadOnlySpan{char}, out ReadOnlySpan{char}, Span{byte})"/>.</summary>
    public const int SecretHashLength = SHA256.HashSizeInBytes;

    /// <summary>
    /// The same reading without allocating: the key id as a slice of <paramref name="token"/>, and the secret's hash
    /// written to <paramref name="secretHash"/> (<see cref="SecretHashLength"/> bytes). Validation's cache hits use it.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> token, out ReadOnlySpan<char> keyId, Span<byte> secretHash)
    {
        keyId = default;
        if (token.Length != Length || !token.StartsWith(Prefix, StringComparison.Ordinal) || token[Prefix.Length + KeyIdLength] != '_')
        {
            return false;
        }
        var id = token.Slice(Prefix.Length, KeyIdLength);
        var secret = token.Slice(Prefix.Length + KeyIdLength + 1, SecretLength);
        Span<char> checksum = stackalloc char[ChecksumLength];
        WriteChecksum(token[..^ChecksumLength], checksum);
        if (!IsLowerHex(id) || !IsLowerHex(secret) || !token[^ChecksumLength..].SequenceEqual(checksum))
        {
            return false;
        }
        keyId = id;
        HashSecret(secret, secretHash);
        return true;
    }

    /// <summary>
    /// True when <paramref name="text"/> holds a key anywhere: a key id, '_' and a secret with its checksum, in any letter
    /// case and whatever comes before the key id, so a key with its prefix cut off, changed or upper-cased is found too
    /// (lower-casing it and putting the prefix back gives a working key). The checksum keeps ordinary text from matching.
    /// Every stored field and every URL is screened with this.
    /// </summary>
    public static bool Appears(ReadOnlySpan<char> text)
    {
        const int body = KeyIdLength + 1 + SecretLength + ChecksumLength;
        Span<char> candidate = stackalloc char[Length];
        Prefix.CopyTo(candidate);
        for (var separator = text.IndexOf('_'); separator >= 0; separator = Next(text, separator))
        {
            var start = separator - KeyIdLength;
            if (start < 0 || text.Length - start < body)
            {
                continue;
            }
            var found = text.Slice(start, body);
            if (found.ContainsAnyExcept(HexOrSeparator) || found.Count('_') != 1)
            {
                continue;
            }
            found.ToLowerInvariant(candidate[Prefix.Length..]);
            if (TryParse(candidate, out _, out _))
            {
                return true;
            }
        }
        return false;
    }

    static int Next(ReadOnlySpan<char> text, int separator)
    {
        var next = text[(separator + 1)..].IndexOf('_');
        return next < 0 ? -1 : separator + 1 + next;
    }

    static readonly SearchValues<char> HexOrSeparator = SearchValues.Create("0123456789abcdefABCDEF_");

    /// <summary>True for a well-formed key id; lets callers refuse other ids before touching a grain.</summary>
    public static bool IsKeyId(ReadOnlySpan<char> id) => id.Length == KeyIdLength && IsLowerHex(id);

    /// <summary>Ids that cannot be key ids are answered without a grain call; they are as absent as unknown ones.</summary>
    /// <exception cref="ApiKeysException"><see cref="ProblemCode.KeyNotFound"/> unless <see cref="IsKeyId"/>.</exception>
    public static string RequireKeyId(string id) =>
        IsKeyId(id) ? id : throw new ApiKeysException(ProblemCode.KeyNotFound, "No such key.");

    // SHA-256 of a 256-bit random secret cannot be reversed or brute-forced offline, so no pepper or slow hash is needed.
    static byte[] HashSecret(ReadOnlySpan<char> secret)
    {
        var hash = new byte[SecretHashLength];
        HashSecret(secret, hash);
        return hash;
    }

    static void HashSecret(ReadOnlySpan<char> secret, Span<byte> hash)
    {
        Span<byte> ascii = stackalloc byte[SecretLength];
        Encoding.ASCII.GetBytes(secret, ascii);
        SHA256.HashData(ascii, hash);
    }

    static string Checksum(ReadOnlySpan<char> body)
    {
        Span<char> checksum = stackalloc char[ChecksumLength];
        WriteChecksum(body, checksum);
        return checksum.ToString();
    }

    /// <summary>The CRC32 of the token's body as 8 lowercase hex digits.</summary>
    static void WriteChecksum(ReadOnlySpan<char> body, Span<char> checksum)
    {
        Span<byte> ascii = stackalloc byte[Length];
        var bytes = ascii[..Encoding.ASCII.GetBytes(body, ascii)];
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(bytes));
        Convert.TryToHexStringLower(crc, checksum, out _);
    }

    static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
