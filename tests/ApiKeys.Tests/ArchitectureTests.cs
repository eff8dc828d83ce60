using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ApiKeys.Tests;

/// <summary>
/// The dependency rule, as docs/architecture.md writes it down: each project references only the projects on its row.
/// Checked twice: the project references every <c>src/*/*.csproj</c> declares, and the assemblies each compiled
/// project actually references, which also catches a type used through a transitive reference (the front end sees the
/// grains' assembly through Hosting, and must not use it).
/// </summary>
public sealed partial class ArchitectureTests
{
    static readonly string Root = TestMachine.RepositoryRoot;

    [Fact]
    public void Every_source_project_has_a_row_and_each_project_reference_is_allowed()
    {
        var allowed = AllowedReferences();
        var projects = Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.Equal(allowed.Keys.Order(), projects.Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var project in projects)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            foreach (var reference in ProjectReferences(project))
            {
                Assert.True(allowed[name].Contains(reference), $"{name} references {reference}, which its row in docs/architecture.md does not allow");
            }
        }
    }

    [Theory]
    [InlineData("ApiKeys.Abstractions")]
    [InlineData("ApiKeys.Grains")]
    [InlineData("ApiKeys.ServiceDefaults")]
    [InlineData("ApiKeys.Hosting")]
    [InlineData("ApiKeys.Api")]
    public void The_compiled_assembly_uses_only_the_projects_its_row_allows(string project)
    {
        var allowed = AllowedReferences()[project];
        var used = Assembly.Load(project).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("ApiKeys.", StringComparison.Ordinal));
        Assert.All(used, reference => Assert.True(allowed.Contains(reference), $"{project} uses {reference}, which its row in docs/architecture.md does not allow"));
    }

    [Fact]
    public void The_rule_forbids_the_arrows_the_layers_exist_to_prevent()
    {
        var allowed = AllowedReferences();
        Assert.DoesNotContain("ApiKeys.Grains", allowed["ApiKeys.Api"]);
        Assert.Empty(allowed["ApiKeys.ServiceDefaults"]);
        Assert.Equal(["ApiKeys.Abstractions"], allowed["ApiKeys.Grains"]);
        Assert.Empty(allowed["ApiKeys.Abstractions"]);
    }

    /// <summary>The table under "The dependency rule" in docs/architecture.md.</summary>
    static Dictionary<string, HashSet<string>> AllowedReferences()
    {
        var document = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));
        var section = document[document.IndexOf("## The dependency rule", StringComparison.Ordinal)..];
        var rows = Row().Matches(section).Select(m => (Project: m.Groups[1].Value, References: m.Groups[2].Value)).ToList();
        Assert.NotEmpty(rows);
        return rows.ToDictionary(r => r.Project,
            r => r.References.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }

    static IEnumerable<string> ProjectReferences(string project) =>
        XDocument.Load(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));

    [GeneratedRegex(@"^\| (ApiKeys\.\w+) \|([^|\n]*)\|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
