namespace ApiKeys.Grains.Storage;

/// <summary>
/// Keyset paging shared by the catalog and the audit log: a page is read with one row more than asked for, in the
/// walking direction; reading backwards (endingBefore) walks the order in reverse from the cursor and is then flipped.
/// </summary>
public static class Keyset
{
    /// <summary>Trims the extra row and says whether pages exist on either side.</summary>
    public static (List<T> Rows, bool HasNext, bool HasPrevious) Page<T>(List<T> rows, int limit, bool backwards, bool hasCursor)
    {
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        if (!backwards)
        {
            return (rows, more, hasCursor);
        }
        rows.Reverse();
        return (rows, true, more);
    }
}
