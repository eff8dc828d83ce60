namespace ApiKeys.Grains.Storage;

/// <summary>Names of the storage providers grains persist to.</summary>
public static class StorageNames
{
    public const string Default = "apikeys";
}
