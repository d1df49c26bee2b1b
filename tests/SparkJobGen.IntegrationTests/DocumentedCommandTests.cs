using System.Text.RegularExpressions;

namespace SparkJobGen.IntegrationTests;

/// <summary>The README's and docs' <c>dotnet run --project</c> commands run as written, and the docs state current facts.</summary>
[Collection(RealBuildCollection.Name)]
public sealed partial class DocumentedCommandTests
{
    [Fact]
    public void Every_documented_dotnet_run_of_a_multi_targeted_project_names_its_framework()
    {
        var documents = new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "docs"), "*.md").Select(p => Path.GetRelativePath(RepositoryLayout.Root, p)));
        var commands = documents.SelectMany(d => DotnetRunCommand().Matches(File.ReadAllText(Path.Combine(RepositoryLayout.Root, d))).Select(m => (Document: d, Command: m.Value))).ToList();
        Assert.NotEmpty(commands);
        foreach (var (document, command) in commands)
        {
            var project = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
            var projectFile = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, project), "*.csproj").Single();
            if (File.ReadAllText(projectFile).Contains("<TargetFrameworks>", StringComparison.Ordinal))
            {
                Assert.True(Regex.IsMatch(command, @"\s(-f|--framework)\s+net"), $"{document}: `{command}` fails: {project} targets several frameworks, so dotnet run needs -f.");
            }
        }
    }

    [Fact]
    public void Readme_command_for_the_tool_from_a_checkout_runs_as_written()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        var command = DotnetRunCommand().Matches(readme).Select(m => m.Value.Trim()).Single(c => c.Contains("src/SparkJobGen.Cli", StringComparison.Ordinal));
        var output = DotnetCli.RunOk(RepositoryLayout.Root, command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray());
        foreach (var verb in new[] { "run", "submit", "pack", "env", "jobs" })
        {
            Assert.Matches(@"(?m)^\s+" + verb + @"\s", output);
        }
    }

    [Fact]
    public void Readme_and_docs_state_current_facts_not_a_diary()
    {
        var documents = new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "docs"), "*.md", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(RepositoryLayout.Root, p)));
        var diary = documents
            .SelectMany(d => File.ReadAllLines(Path.Combine(RepositoryLayout.Root, d)).Select((line, i) => (Where: $"{d}:{i + 1}", Line: line)))
            .Where(l => DiaryWording().IsMatch(l.Line))
            .Select(l => l.Where + ": " + l.Line.Trim())
            .ToList();
        Assert.True(diary.Count == 0, "History belongs in git, not in the docs:\n" + string.Join("\n", diary));
    }

    /// <summary>A <c>dotnet run --project path …</c> command up to the end of its line or a comment.</summary>
    [GeneratedRegex(@"dotnet run --project [\w./-]+[^\n#`]*")]
    private static partial Regex DotnetRunCommand();

    /// <summary>Numbered sessions or rounds of work, and other engineers: how a figure was reached, not what it is.</summary>
    [GeneratedRegex(@"(?i)\bsession \d|\b(another|the other) engineer|\bround \d+ of work")]
    private static partial Regex DiaryWording();
}
