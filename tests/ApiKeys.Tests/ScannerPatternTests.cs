using System.Text.RegularExpressions;

namespace ApiKeys.Tests;

/// <summary>The regular expression the README gives secret scanners finds every issued key, and nothing that is not one.</summary>
public sealed class ScannerPatternTests
{
    static readonly Regex Pattern = new(ReadmePattern());

    [Fact]
    public void It_finds_every_issued_key_whole_and_inside_text()
    {
        for (var i = 0; i < 200; i++)
        {
            var token = ApiKeyToken.Issue(ApiKeyToken.NewKeyId()).Token;
            Assert.Equal(token, Pattern.Match(token).Value);
            Assert.Equal(token, Pattern.Match($"export API_KEY={token}\n").Value);
            Assert.Equal(token, Pattern.Match($"{{\"key\":\"{token}\"}}").Value);
        }
    }

    [Fact]
    public void It_finds_no_near_miss()
    {
        var token = ApiKeyToken.Issue(ApiKeyToken.NewKeyId()).Token;
        string[] misses =
        [
            token[..^1],                          // a digit short
            token + "0",                          // a digit long
            token.ToUpperInvariant(),             // another case
            token[4..],                           // no prefix
            "x" + token,                          // inside a longer word
            token.Replace("qlk_", "qlq_"),        // another prefix
            token.Remove(28, 1).Insert(28, "-"),  // another separator
            token[..10] + "g" + token[11..],      // a letter that is not hex
        ];
        Assert.All(misses, miss => Assert.False(Pattern.IsMatch(miss), miss));
    }

    /// <summary>The first line of the README's text block under "Leaked keys": what scanners are told to use.</summary>
    static string ReadmePattern()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "README.md")))
        {
            folder = folder.Parent;
        }
        var lines = File.ReadAllLines(Path.Combine(folder!.FullName, "README.md"));
        var section = Array.FindIndex(lines, l => l == "## Leaked keys");
        var block = Array.FindIndex(lines, section, l => l.Trim() == "```text");
        return lines[block + 1].Trim();
    }
}
