using System.CommandLine;

namespace SparkJobGen.Cli.Tests;

/// <summary>
/// A usage error names the verb's full command line (<c>sparkjobgen store prune --help</c>), and that command shows the
/// verb's own help, for every verb of the tree, nested or not.
/// </summary>
public sealed class UsageHintTests
{
    private static RootCommand Root() => CliApplication.BuildRootCommand(new CliIO(TextWriter.Null, TextWriter.Null, Styled: false));

    /// <summary>Every verb below the root, as its path of names ("store prune").</summary>
    public static TheoryData<string> EveryVerb() => new(VerbPaths());

    private static List<string> VerbPaths()
    {
        var data = new List<string>();
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                var subPath = path.Length == 0 ? sub.Name : path + " " + sub.Name;
                data.Add(subPath);
                Walk(sub, subPath);
            }
        }

        Walk(Root(), "");
        return data;
    }

    [Fact]
    public void The_tree_has_the_nested_verbs_the_hint_must_name_in_full()
    {
        var verbs = VerbPaths();
        Assert.Contains("store prune", verbs);
        Assert.Contains("store ls", verbs);
        Assert.Contains("env create", verbs);
        Assert.Contains("jobs list", verbs);
    }

    [Theory]
    [MemberData(nameof(EveryVerb))]
    public async Task A_usage_error_names_the_full_command_whose_help_is_the_verbs_own(string path)
    {
        // A usage error for this verb: its required input missing, else an unknown option (verbs with a free positional
        // argument take an unknown option as that argument, so they get the first form).
        var words = path.Split(' ');
        string[][] attempts = [words, [.. words, "--no-such-option-xyz"]];
        var bad = attempts.First(args => Root().Parse(args) is { Errors.Count: > 0 } parse && parse.CommandResult.Command.Name == words[^1]);
        var error = new StringWriter();
        var code = await CliApplication.InvokeAsync(Root(), bad, new CliIO(TextWriter.Null, error, Styled: false));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"Run `sparkjobgen {path} --help` for usage.", error.ToString(), StringComparison.Ordinal);

        // The hinted command (without the tool's name) shows this verb's help, not the top-level help.
        var root = Root();
        var verb = words.Aggregate((Command)root, static (command, name) => command.Subcommands.Single(c => c.Name == name));
        var output = new StringWriter();
        var help = await CliApplication.InvokeAsync(root, [.. words, "--help"], new CliIO(output, TextWriter.Null, Styled: false));
        Assert.Equal(0, help);
        var text = output.ToString();
        Assert.Contains(verb.Description!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(root.Description!, text, StringComparison.Ordinal);
        var usage = text.Split('\n').SkipWhile(static l => !l.StartsWith("Usage:", StringComparison.Ordinal)).Skip(1).First();
        Assert.Contains(" " + path, usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_hints_store_prune_in_full_when_older_than_is_missing()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "store", "prune", "file:///x/");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Run `sparkjobgen store prune --help` for usage.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Run `sparkjobgen prune --help`", stderr, StringComparison.Ordinal);
    }
}
