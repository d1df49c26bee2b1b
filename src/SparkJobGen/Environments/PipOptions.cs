using System;
using System.Collections.Generic;
using System.Linq;

namespace SparkJobGen.Environments;

/// <summary>
/// Carries <c>pip install</c> options to the pip that micromamba, mamba and conda run for an environment file's <c>pip:</c>
/// section. Those tools start <c>&lt;prefix&gt;/bin/python -m pip install -r &lt;their requirements file&gt;</c> themselves, with
/// this process's environment and no way to add arguments, so each option becomes the <c>PIP_&lt;OPTION&gt;</c> variable pip
/// reads as the default of <c>--option</c>. An option that cannot be carried that way is refused, never dropped.
/// </summary>
/// <remarks>
/// pip reads a variable through the option's action: a value option takes the value; an append option (repeatable) splits
/// it on whitespace; a <c>store_true</c> flag is set by <c>1</c>; a <c>store_false</c> flag (<c>--no-build-isolation</c>,
/// <c>--no-compile</c>, <c>--no-warn-*</c>) sets its destination to the value, so <c>0</c> is what the flag means.
/// </remarks>
internal static class PipOptions
{
    private enum Kind
    {
        Value,
        Append,
        TrueFlag,
        FalseFlag,
    }

    private static readonly Dictionary<string, Kind> Supported = new(StringComparer.Ordinal)
    {
        ["index-url"] = Kind.Value,
        ["extra-index-url"] = Kind.Append,
        ["find-links"] = Kind.Append,
        ["trusted-host"] = Kind.Append,
        ["constraint"] = Kind.Append,
        ["cert"] = Kind.Value,
        ["client-cert"] = Kind.Value,
        ["proxy"] = Kind.Value,
        ["timeout"] = Kind.Value,
        ["retries"] = Kind.Value,
        ["cache-dir"] = Kind.Value,
        ["only-binary"] = Kind.Value,
        ["no-binary"] = Kind.Value,
        ["progress-bar"] = Kind.Value,
        ["upgrade-strategy"] = Kind.Value,
        ["no-index"] = Kind.TrueFlag,
        ["pre"] = Kind.TrueFlag,
        ["prefer-binary"] = Kind.TrueFlag,
        ["no-deps"] = Kind.TrueFlag,
        ["require-hashes"] = Kind.TrueFlag,
        ["no-input"] = Kind.TrueFlag,
        ["disable-pip-version-check"] = Kind.TrueFlag,
        ["no-cache-dir"] = Kind.TrueFlag,
        ["no-build-isolation"] = Kind.FalseFlag,
        ["no-compile"] = Kind.FalseFlag,
        ["no-warn-script-location"] = Kind.FalseFlag,
        ["no-warn-conflicts"] = Kind.FalseFlag,
    };

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["-i"] = "index-url",
        ["-f"] = "find-links",
        ["-c"] = "constraint",
    };

    /// <summary>The <c>PIP_*</c> variables meaning <paramref name="arguments"/>, in the order the options came.</summary>
    /// <param name="arguments">pip install options, each option and its value in one argument (<c>--find-links=/wheels</c>) or two.</param>
    /// <param name="tool">The tool's name, for the error message.</param>
    /// <exception cref="EnvironmentCreationException">An argument is not an option pip reads from the environment, or its value cannot be carried.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ToEnvironment(IReadOnlyList<string> arguments, string tool)
    {
        var values = new List<KeyValuePair<string, List<string>>>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            string name;
            string? value = null;
            if (argument.StartsWith("--", StringComparison.Ordinal))
            {
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                name = equals < 0 ? argument[2..] : argument[2..equals];
                value = equals < 0 ? null : argument[(equals + 1)..];
            }
            else if (ShortNames.TryGetValue(argument, out var longName))
            {
                name = longName;
            }
            else
            {
                throw Refused(argument, tool, "it is not a pip option");
            }

            if (!Supported.TryGetValue(name, out var kind))
            {
                throw Refused(argument, tool, "sparkjobgen cannot pass it to the pip that " + tool + " runs");
            }

            if (kind is Kind.Value or Kind.Append)
            {
                if (value is null)
                {
                    if (i + 1 >= arguments.Count)
                    {
                        throw Refused(argument, tool, "it needs a value");
                    }

                    value = arguments[++i];
                }

                if (kind == Kind.Append && value.Any(char.IsWhiteSpace))
                {
                    throw Refused($"{argument} {value}", tool, "pip splits the value of a repeatable option on whitespace when it comes from the environment");
                }
            }
            else if (value is not null)
            {
                throw Refused(argument, tool, "it is a flag and takes no value");
            }

            var variable = "PIP_" + name.ToUpperInvariant().Replace('-', '_');
            var text = kind switch
            {
                Kind.TrueFlag => "1",
                Kind.FalseFlag => "0",
                _ => value!,
            };
            var index = values.FindIndex(v => v.Key == variable);
            if (index < 0)
            {
                values.Add(new(variable, [text]));
            }
            else if (kind == Kind.Append)
            {
                values[index].Value.Add(text);
            }
            else
            {
                values[index].Value[0] = text;
            }
        }

        if (values.Exists(static v => v.Key == "PIP_ONLY_BINARY") && values.Exists(static v => v.Key == "PIP_NO_BINARY"))
        {
            // On the command line the later of the two wins for a package both name; variables have no order.
            throw Refused("--only-binary … --no-binary", tool, "together their meaning depends on their order, which PIP_* variables do not keep; use one of them");
        }

        return values.Select(static v => new KeyValuePair<string, string>(v.Key, string.Join(" ", v.Value))).ToArray();
    }

    private static EnvironmentCreationException Refused(string argument, string tool, string why) => new(
        $"--pip-arg '{argument}' cannot be used with {tool}: {why}. {tool} runs pip itself, so pip options reach it only as PIP_* variables; " +
        $"supported: {string.Join(", ", Supported.Keys.Select(static k => "--" + k))} (and -i, -f, -c). For anything else set pip's own " +
        "configuration for the run (PIP_CONFIG_FILE or PIP_* variables), or use the venv route for pip-only environments.");
}
