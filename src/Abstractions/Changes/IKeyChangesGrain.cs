namespace ApiKeys;

/// <summary>
/// The cluster's one list of listeners, and the fan-out of changes to them. A listener renews its place every fraction
/// of a second; the answer tells it whether it may trust its cache (see <see cref="Listen"/>). Key: 0.
/// </summary>
[Alias("ApiKeys.IKeyChangesGrain")]
public interface IKeyChangesGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds or renews <paramref name="listener"/>. True when it has heard every change since its last renewal; false
    /// when it is new to this list (the list may have been lost with its silo) or a change could not reach it, so it
    /// must drop what it cached.
    /// </summary>
    Task<bool> Listen(IKeyChangeListener listener);

    /// <summary>Tells every listener, and returns once each has acknowledged or been marked as having missed it.</summary>
    Task KeysChanged(IReadOnlyList<string> keyIds);

    /// <inheritdoc cref="KeysChanged"/>
    Task TenantChanged(string tenantId);
}
