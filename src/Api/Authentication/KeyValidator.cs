namespace ApiKeys.Api.Authentication;

/// <summary>
/// The front end's one way to validate a presented key, for authentication and the validation endpoints alike: parse
/// and checksum locally, answer from the <see cref="ValidationCache"/> when it may, else ask the key's grain.
/// <list type="bullet">
/// <item>Validations answered from the cache are counted here (<see cref="CachedUses"/>) and handed to the keys at each flush.</item>
/// <item>Tokens that name no key (malformed, failing the checksum, or unknown) never reach a key grain's counts, so they
/// are counted here per minute and recorded as one aggregated failure event per front end per minute: a flood of bad
/// tokens updates one row instead of adding one per request.</item>
/// </list>
/// </summary>
public sealed partial class KeyValidator(
    IGrainFactory grains,
    ValidationCache cache,
    CachedUses cachedUses,
    ValidationMetrics metrics,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<KeyValidator> logger)
{
    /// <summary>Tells this front end's events apart from another's.</summary>
    readonly string scope = "frontend-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    readonly Lock gate = new();
    readonly FailureTally refusals = new();

    /// <summary>
    /// Validates a presented token. An answer from the cache completes at once and allocates nothing (the token is read
    /// in place, its secret hashed on the stack); only a question to the key's grain makes the key id and hash objects.
    /// </summary>
    /// <param name="request">The scopes the call needs and the client's address, for keys restricted to either.</param>
    public ValueTask<Validation> Validate(ReadOnlySpan<char> token, AccessRequest request)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Span<byte> secretHash = stackalloc byte[ApiKeyToken.SecretHashLength];
        if (!ApiKeyToken.TryParse(token, out ReadOnlySpan<char> keyId, secretHash))
        {
            Count(ValidationCode.Malformed);
            metrics.Validated(ValidationCode.Malformed, started);
            return ValueTask.FromResult(Validation.Refused(ValidationCode.Malformed));
        }
        var now = time.GetUtcNow();
        if (cache.TryGet(keyId, secretHash, now, request, out var cached))
        {
            cachedUses.Count(keyId, now);
            metrics.CacheLookup(hit: true);
            metrics.Validated(ValidationCode.Valid, started);
            return ValueTask.FromResult(cached);
        }
        if (cache.Enabled)
        {
            metrics.CacheLookup(hit: false);
        }
        return Ask(keyId.ToString(), secretHash.ToArray(), request, started);
    }

    async ValueTask<Validation> Ask(string keyId, byte[] secretHash, AccessRequest request, long started)
    {
        var asked = cache.BeforeAsking();
        var validation = await grains.GetGrain<IApiKeyGrain>(keyId).Validate(secretHash, request);
        metrics.Validated(validation.Code, started);
        if (validation.Valid)
        {
            cache.Keep(keyId, secretHash, validation, asked);
        }
        else if (validation.TenantId is null)
        {
            Count(validation.Code);
        }
        return validation;
    }

    void Count(ValidationCode code)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            refusals.Add(now, code);
        }
    }

    /// <summary>
    /// Hands the validations answered from the cache to their keys, records the refusal counts that changed since the last
    /// flush, and drops stale cached answers; runs on a timer and at shutdown. What fails is kept for the next flush.
    /// </summary>
    public async Task Flush()
    {
        cache.DropStale();
        var taken = cachedUses.Take();
        var failed = false;
        // One message at a time: in embedded mode the keys' silo shares this process's work queue with its requests.
        foreach (var batch in taken.Chunk(UsesPerMessage))
        {
            IEnumerable<KeyUses> undelivered;
            try
            {
                var notRecorded = (await grains.GetGrain<IUsageIntakeGrain>(0).RecordUses(batch)).ToHashSet();
                undelivered = batch.Where(k => notRecorded.Contains(k.KeyId));
            }
            catch (Exception e)
            {
                // The batch may have been recorded in part: giving it all back can count some uses twice, never lose them.
                undelivered = batch;
                if (!failed)
                {
                    failed = true;
                    LogUsesNotDelivered(e);
                }
            }
            foreach (var key in undelivered)
            {
                cachedUses.GiveBack(key);
            }
        }
        await FlushRefusals();
    }

    /// <summary>Keys per message to the cluster when handing over cached validations.</summary>
    const int UsesPerMessage = 500;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand validations answered from the cache to their keys; they are kept for the next flush")]
    partial void LogUsesNotDelivered(Exception exception);

    async Task FlushRefusals()
    {
        IReadOnlyList<MinuteFailures> minutes;
        lock (gate)
        {
            minutes = refusals.TakeChanged();
        }
        if (minutes.Count == 0)
        {
            return;
        }
        try
        {
            await grains.GetGrain<IEventsGrain>(0).RecordRefusals(scope, minutes);
        }
        catch
        {
            lock (gate)
            {
                refusals.GiveBack(minutes);
            }
            throw;
        }
        lock (gate)
        {
            refusals.ForgetWritten(time.GetUtcNow());
        }
    }
}

/// <summary>Flushes the front end's refusal counts on the usage flush interval and once more at shutdown.</summary>
public sealed partial class KeyValidatorFlush(KeyValidator validator, Microsoft.Extensions.Options.IOptions<ApiKeysOptions> options,
    ILogger<KeyValidatorFlush> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.UsageFlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushQuietly();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushQuietly();
    }

    async Task FlushQuietly()
    {
        try
        {
            await validator.Flush();
        }
        catch (Exception e)
        {
            LogFlushFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the front end's validation refusals; they are retried at the next flush")]
    partial void LogFlushFailed(Exception exception);
}
