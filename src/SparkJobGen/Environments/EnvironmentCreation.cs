using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using SparkJobGen.Submission;

namespace SparkJobGen.Environments;

/// <summary>Which tool creates an environment.</summary>
public enum EnvironmentTool
{
    /// <summary>micromamba, mamba or conda when one is found (in that order), else a venv for pip-only environments.</summary>
    Auto,

    /// <summary><c>micromamba create -y -p &lt;prefix&gt; -f environment.yaml</c>.</summary>
    Micromamba,

    /// <summary><c>mamba env create -p &lt;prefix&gt; -f environment.yaml</c>.</summary>
    Mamba,

    /// <summary><c>conda env create -p &lt;prefix&gt; -f environment.yaml</c>.</summary>
    Conda,

    /// <summary><c>python -m venv &lt;prefix&gt;</c> then <c>&lt;prefix&gt;/bin/python -m pip install …</c> (pip-only environments).</summary>
    Venv,
}

/// <summary>How <see cref="EnvironmentCreator"/> creates and caches environments.</summary>
public sealed record EnvironmentCreationOptions
{
    /// <summary>The environment variable that overrides the cache root (environments go to <c>$SPARKJOBGEN_CACHE/envs</c>).</summary>
    public const string CacheVariable = global::SparkJobGen.CacheRoot.Variable;

    /// <summary>Where environments are cached; default <c>$SPARKJOBGEN_CACHE/envs</c>, else <c>$XDG_CACHE_HOME/sparkjobgen/envs</c>, else <c>~/.cache/sparkjobgen/envs</c>.</summary>
    public string? CacheRoot { get; init; }

    /// <summary>The tool to use; <see cref="EnvironmentTool.Auto"/> picks one.</summary>
    public EnvironmentTool Tool { get; init; } = EnvironmentTool.Auto;

    /// <summary>
    /// An explicit tool executable (micromamba/mamba/conda path) or the base Python of the venv route; found on PATH when null.
    /// With <see cref="Tool"/> left at <see cref="EnvironmentTool.Auto"/>, the path also picks the route: by its file name
    /// (<c>micromamba</c>, <c>mamba</c>, <c>conda</c>, <c>python</c>, <c>python3</c>, <c>python3.11</c>…, or its link target's),
    /// else by what it prints for <c>--version</c>. A Python interpreter's version must satisfy the environment's Python.
    /// </summary>
    public string? ToolPath { get; init; }

    /// <summary>
    /// Options for <c>pip install</c>, for example <c>--no-index --find-links /wheels</c>. The venv route passes them on pip's
    /// command line; micromamba, mamba and conda run pip themselves, so there they become the <c>PIP_*</c> variables of the
    /// tool's run, and an option pip cannot read from its environment is refused before anything runs.
    /// </summary>
    public IReadOnlyList<string>? PipArguments { get; init; }

    /// <summary>Recreates the environment even when a complete one is cached.</summary>
    public bool Force { get; init; }

    /// <summary>Environment variables applied on top of this process's (PATH, proxies, PIP_INDEX_URL, CONDA_PKGS_DIRS…); null values unset.</summary>
    public IReadOnlyDictionary<string, string?>? EnvironmentVariables { get; init; }

    /// <summary>Receives the exact command line of each step before it runs.</summary>
    public Action<string>? OnCommand { get; init; }

    /// <summary>Receives the tools' output lines.</summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>Receives commands and output.</summary>
    public ILogger? Logger { get; init; }
}

/// <summary>A created (or reused) environment.</summary>
/// <param name="Prefix">The environment's directory (its real, stable path; never moved after creation).</param>
/// <param name="PythonPath">Its interpreter, <c>&lt;prefix&gt;/bin/python</c>.</param>
/// <param name="ContentHash">The SHA-256 of the normalized environment.yaml.</param>
/// <param name="Tool">The tool that created it.</param>
/// <param name="Commands">The command lines that created it, as shown to the user.</param>
/// <param name="Reused">Whether it came from the cache without running anything.</param>
public sealed record CreatedEnvironment(string Prefix, string PythonPath, string ContentHash, EnvironmentTool Tool, IReadOnlyList<string> Commands, bool Reused);

/// <summary>An environment could not be created; the message names what to install or change. Nothing half-created is left in the cache.</summary>
public sealed class EnvironmentCreationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public EnvironmentCreationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EnvironmentCreationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public EnvironmentCreationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
