using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using SparkJobGen.Environments;

namespace SparkJobGen.Cli.Commands;

/// <summary>Options shared by several verbs, created once per verb (System.CommandLine symbols belong to one parent).</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: one JSON document on stdout, human output on stderr.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Write one JSON document to stdout for scripting; progress goes to stderr." };

    /// <summary><c>--project</c>.</summary>
    public static Option<string?> Project() => new("--project", "-p")
    {
        Description = "The project (.csproj or its directory) whose built assembly declares the jobs. Default: the current directory.",
        HelpName = "csproj-or-dir",
    };

    /// <summary><c>--assembly</c>.</summary>
    public static Option<string?> Assembly() => new("--assembly", "-a")
    {
        Description = "A built assembly that declares the jobs (read without loading it). Wins over --project.",
        HelpName = "dll",
    };

    /// <summary><c>--configuration</c>.</summary>
    public static Option<string> Configuration() => new("--configuration", "-c")
    {
        Description = "The build configuration used to build or locate the project.",
        DefaultValueFactory = static _ => "Debug",
    };

    /// <summary><c>--no-build</c>.</summary>
    public static Option<bool> NoBuild() => new("--no-build") { Description = "Do not build the project; use its existing build output." };

    /// <summary>The job name argument.</summary>
    public static Argument<string> Job() => new("job") { Description = "The job name (SparkJob Name) or its class name." };

    /// <summary>The job's own arguments after <c>--</c>.</summary>
    public static Argument<string[]> JobArguments() => new("job-arguments")
    {
        Description = "Arguments for the job's script, after `--`; passed verbatim (a value beginning with -- stays a value).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary><c>--tool</c> for environment creation.</summary>
    public static Option<EnvironmentTool> Tool()
    {
        var option = new Option<EnvironmentTool>("--tool")
        {
            Description = "The environment tool: auto (micromamba, mamba, conda, else venv for pip-only environments), micromamba, mamba, conda or venv.",
            DefaultValueFactory = static _ => EnvironmentTool.Auto,
            CustomParser = static result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                foreach (var tool in ToolNames)
                {
                    if (string.Equals(text, tool.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        return tool.Value;
                    }
                }

                result.AddError($"'{text}' is not an environment tool: use {string.Join(", ", ToolNames.Select(static t => t.Name))}.");
                return EnvironmentTool.Auto;
            },
        };
        option.CompletionSources.Add(ToolNames.Select(static t => t.Name).ToArray());
        return option;
    }

    /// <summary>The values of <c>--tool</c> as the command line spells them.</summary>
    private static readonly (string Name, EnvironmentTool Value)[] ToolNames =
    [
        ("auto", EnvironmentTool.Auto), ("micromamba", EnvironmentTool.Micromamba), ("mamba", EnvironmentTool.Mamba),
        ("conda", EnvironmentTool.Conda), ("venv", EnvironmentTool.Venv),
    ];

    /// <summary><c>--tool-path</c>.</summary>
    public static Option<string?> ToolPath() => new("--tool-path") { Description = "The executable to create the environment with: a micromamba, mamba or conda executable, or the base Python of a venv. Without --tool it also picks the route (from its file name, else from its --version output).", HelpName = "path" };

    /// <summary><c>--cache-dir</c>.</summary>
    public static Option<string?> CacheDir() => new("--cache-dir")
    {
        Description = "The cache root (environments in <dir>/envs, archives in <dir>/packs, store digests in <dir>/store-digests, preflight facts in <dir>/preflight). Default: $SPARKJOBGEN_CACHE, else $XDG_CACHE_HOME/sparkjobgen, else ~/.cache/sparkjobgen (an empty variable counts as unset).",
        HelpName = "dir",
    };

    /// <summary><c>--pip-arg</c>.</summary>
    public static Option<string[]> PipArgs() => new("--pip-arg")
    {
        Description = "An option for `pip install` (repeatable), for example --pip-arg=--no-index --pip-arg=--find-links=/wheels; with micromamba, mamba and conda it reaches their pip as a PIP_* variable.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--timeout</c>.</summary>
    public static Option<string?> Timeout() => new("--timeout")
    {
        Description = "Stop the job after this long: seconds, or 90s, 15m, 2h, or hh:mm:ss. Exit code 124.",
        HelpName = "duration",
    };

    /// <summary>Parses a <c>--timeout</c> value.</summary>
    /// <param name="text">The value.</param>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim();
        var duration = Duration(value);
        if (duration is null)
        {
            throw new ArgumentException($"'{text}' is not a duration: use seconds (600), 90s, 15m, 2h or hh:mm:ss.");
        }

        return duration > TimeSpan.Zero
            ? duration
            : throw new ArgumentException($"'{text}' is not a time limit: it must be longer than zero (600, 90s, 15m, 2h or hh:mm:ss); leave --timeout out for none.");
    }

    /// <summary>The duration <paramref name="value"/> writes (seconds, 90s, 15m, 2h or hh:mm:ss), or null when it writes none a TimeSpan holds.</summary>
    private static TimeSpan? Duration(string value)
    {
        var unit = char.ToLowerInvariant(value[^1]);
        var scale = unit switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, _ => 0.0 };
        if (double.TryParse(scale > 0 ? value[..^1] : value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            var seconds = amount * (scale > 0 ? scale : 1.0);
            return double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
