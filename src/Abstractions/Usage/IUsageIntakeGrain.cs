namespace ApiKeys;

/// <summary>
/// Takes the validations a front end answered from its cache for many keys in one message, and hands each key its
/// share inside the silo: a front end sends a few messages per flush instead of one per key in use.
/// </summary>
[Alias("ApiKeys.IUsageIntakeGrain")]
public interface IUsageIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the ids of the keys whose uses could not be recorded; the caller keeps those for its next flush.</summary>
    Task<IReadOnlyList<string>> RecordUses(IReadOnlyList<KeyUses> keys);
}

/// <summary>One key's cached validations, per minute.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.KeyUses")]
public sealed record KeyUses([property: Id(0)] string KeyId, [property: Id(1)] IReadOnlyList<MinuteUses> Uses);

/// <summary>Successful validations of one key in one minute (<c>Minute</c> as in usage rows), and the last of them.</summary>
[GenerateSerializer, Immutable, Alias("ApiKeys.MinuteUses")]
public sealed record MinuteUses([property: Id(0)] long Minute, [property: Id(1)] long Count, [property: Id(2)] DateTimeOffset LastUsed);
