namespace ApiKeys.Tests;

public static class Expect
{
    /// <summary>Asserts the call is refused by the product rule named by <paramref name="code"/>.</summary>
    public static async Task<ApiKeysException> Refused(ProblemCode code, Func<Task> call)
    {
        var refusal = await Assert.ThrowsAsync<ApiKeysException>(call);
        Assert.Equal(code, refusal.Code);
        return refusal;
    }
}
