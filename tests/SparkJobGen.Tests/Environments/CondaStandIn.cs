namespace SparkJobGen.Tests.Environments;

/// <summary>
/// A folder for PATH holding a STAND-IN environment tool (micromamba, mamba or conda): a script, not the tool, that records
/// the argv it receives and a copy of the environment file it is given, then creates the prefix with bin/python linked to
/// this machine's python3 (or, when told to fail, leaves a partial prefix and exits 1). With <c>runsPip</c> it makes the prefix a
/// real venv and installs the file's <c>pip:</c> section the way the tools do: the entries written to a requirements file and
/// <c>&lt;prefix&gt;/bin/python -m pip install</c> run with the tool's own environment (conda: <c>-U -r file --exists-action=b</c>,
/// conda/env/installers/pip.py:44-56 and env/pip_util.py:42-49; micromamba and mamba: <c>-r file --no-input</c>,
/// libmamba/src/api/utils.cpp:64-94 and :274-294). It records the PIP_*, CONDA* and MAMBA* variables it was given.
/// </summary>
internal sealed class CondaStandIn : IDisposable
{
    private readonly TempDirectory _dir = new("sjg-conda-standin");

    public CondaStandIn(string toolName, bool fail = false, int sleepSeconds = 0, bool runsPip = false)
    {
        var pipArguments = toolName == "conda" ? "-U -r \"$req\" --exists-action=b" : "-r \"$req\" --no-input";
        var pipStep = !runsPip ? string.Empty : $$"""
            '{{"{{PYTHON}}"}}' -m venv "$prefix" || exit 1
            req="$record/requirements$n.txt"
            '{{"{{PYTHON}}"}}' -c '
            import sys
            lines = open(sys.argv[1]).read().splitlines()
            depth = None
            for line in lines:
                text = line.strip()
                indent = len(line) - len(line.lstrip())
                if text == "- pip:":
                    depth = indent
                    continue
                if depth is not None:
                    if text.startswith("- ") and indent > depth:
                        print(text[2:].strip())
                    else:
                        depth = None
            ' "$file" > "$req"
            if [ -s "$req" ]; then
              "$prefix/bin/python" -m pip install {{pipArguments}} || exit 1
            fi
            """;
        var python = Processes.Run("/bin/sh", "-c", "command -v python3").Output.Trim();
        var pythonReal = Processes.Run(python, "-c", "import sys, os; print(os.path.realpath(sys.executable))").Output.Trim();
        Executable = _dir.WriteFile("bin/" + toolName, $$"""
            #!/bin/bash
            # {{toolName}} STAND-IN for SparkJobGen tests: records argv, copies the -f file, creates the -p prefix. Not the real tool.
            record="{{_dir.Combine("record")}}"
            mkdir -p "$record"
            n=$(ls "$record" | grep -c '^argv' || true)
            : > "$record/argv$n"
            for a in "$@"; do printf '%s\0' "$a" >> "$record/argv$n"; done
            prefix=""; file=""
            while [ $# -gt 0 ]; do
              case "$1" in -p) prefix="$2"; shift;; -f) file="$2"; shift;; esac
              shift
            done
            cp "$file" "$record/environment$n.yaml"
            env | grep -E '^(PIP_|CONDA|MAMBA)' | sort > "$record/env$n"
            {{pipStep.Replace("{{PYTHON}}", pythonReal, StringComparison.Ordinal)}}
            mkdir -p "$prefix/conda-meta" "$prefix/bin"
            echo "Transaction starting"
            {{(sleepSeconds > 0 ? $"/bin/sleep {sleepSeconds}" : string.Empty)}}
            {{(fail ? "echo 'error    libmamba Could not solve for environment specs' >&2; exit 1" : $"[ -e \"$prefix/bin/python\" ] || ln -s '{pythonReal}' \"$prefix/bin/python\"; echo '{{\"prefix\": \"'$prefix'\"}}' > \"$prefix/conda-meta/history\"; echo 'Transaction finished'")}}
            """ + "\n", executable: true);
    }

    public string Executable { get; }

    public string BinDirectory => Path.GetDirectoryName(Executable)!;

    public int Invocations => Directory.Exists(_dir.Combine("record")) ? Directory.GetFiles(_dir.Combine("record"), "argv*").Length : 0;

    public string[] Arguments(int invocation = 0) => File.ReadAllText(_dir.Combine("record", "argv" + invocation)).TrimEnd('\0').Split('\0');

    public string EnvironmentFile(int invocation = 0) => File.ReadAllText(_dir.Combine("record", $"environment{invocation}.yaml"));

    /// <summary>The PIP_*, CONDA* and MAMBA* variables of an invocation, as NAME=value lines.</summary>
    public string[] Variables(int invocation = 0) => File.ReadAllLines(_dir.Combine("record", $"env{invocation}"));

    public void Dispose() => _dir.Dispose();
}
