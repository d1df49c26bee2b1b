using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic SparkJobGen reports. IDs are <c>SJG</c> plus four digits in bands: 1xxx declaration shape, 2xxx versions
/// and conflicts. IDs are only ever appended; each has a <c>const string</c> for code fixes and suppressions, a category and a
/// help page under <c>docs/diagnostics/</c>. Keep <c>AnalyzerReleases.Unshipped.md</c> in step (RS2008).
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>Category of declaration-shape rules (SJG1xxx).</summary>
    public const string DeclarationCategory = "SparkJobGen.Declaration";

    /// <summary>Category of version and compatibility rules (SJG2xxx).</summary>
    public const string VersionsCategory = "SparkJobGen.Versions";

    /// <summary>SJG1001: two job parameters render the same command-line flag.</summary>
    public const string DuplicateParameterId = "SJG1001";

    /// <summary>SJG1002: a job parameter's type cannot be rendered as an argument.</summary>
    public const string UnsupportedParameterTypeId = "SJG1002";

    /// <summary>SJG1003: the job's script is not among the project's AdditionalFiles.</summary>
    public const string ScriptNotFoundId = "SJG1003";

    /// <summary>SJG1004: the job class or a type containing it is not partial.</summary>
    public const string JobNotPartialId = "SJG1004";

    /// <summary>SJG1005: the job class is static, generic or nested in a generic type.</summary>
    public const string JobShapeNotSupportedId = "SJG1005";

    /// <summary>SJG1006: the job's script path is empty.</summary>
    public const string EmptyScriptPathId = "SJG1006";

    /// <summary>SJG1007: a job parameter's explicit flag is empty.</summary>
    public const string EmptyParameterFlagId = "SJG1007";

    /// <summary>SJG1008: a <c>Format</c> is given for a parameter type that is not formattable.</summary>
    public const string FormatNotApplicableId = "SJG1008";

    /// <summary>SJG1009: the environment name cannot name a conda environment or folder.</summary>
    public const string InvalidEnvironmentNameId = "SJG1009";

    /// <summary>SJG1010: a <c>[SparkConf]</c> key or value is unusable.</summary>
    public const string InvalidSparkConfId = "SJG1010";

    /// <summary>SJG1011: a package or channel name is empty or not a valid name.</summary>
    public const string InvalidPackageNameId = "SJG1011";

    /// <summary>SJG1012: the job class cannot read a parameter's property (no get accessor, or one it cannot access).</summary>
    public const string UnreadableParameterId = "SJG1012";

    /// <summary>SJG1013: the job class already uses a name of a member the generator adds.</summary>
    public const string GeneratedNameTakenId = "SJG1013";

    /// <summary>SJG1014: a parameter's flag is not an option name the script's parser reads as one.</summary>
    public const string InvalidParameterFlagId = "SJG1014";

    /// <summary>SJG1015: two job classes have the same job name.</summary>
    public const string DuplicateJobNameId = "SJG1015";

    /// <summary>SJG1016: a parameter's Format cannot render its value.</summary>
    public const string FormatDropsValueId = "SJG1016";

    /// <summary>SJG1017: the project's C# version is older than the generated code needs.</summary>
    public const string LanguageVersionTooOldId = "SJG1017";

    /// <summary>SJG1018: an explicitly empty value that the generator replaces by a default.</summary>
    public const string EmptyValueId = "SJG1018";

    /// <summary>SJG1019: <c>job.ToSubmission()</c> or <c>job.ToJobArguments()</c> binds to another method than SparkJobGen's.</summary>
    public const string ExtensionCallShadowedId = "SJG1019";

    /// <summary>SJG2001: the constraints on one package cannot all hold.</summary>
    public const string UnsatisfiableConstraintsId = "SJG2001";

    /// <summary>SJG2002: a pip specifier is not valid PEP 440.</summary>
    public const string InvalidPipSpecifierId = "SJG2002";

    /// <summary>SJG2003: a conda version spec is not valid MatchSpec syntax.</summary>
    public const string InvalidCondaSpecId = "SJG2003";

    /// <summary>SJG2004: the same package is constrained differently in the conda and pip sections.</summary>
    public const string CondaPipMismatchId = "SJG2004";

    /// <summary>SJG2005: the Python version lies outside what the declared PySpark release supports.</summary>
    public const string PythonOutsidePySparkRangeId = "SJG2005";

    /// <summary>SJG2006: pandas, pyarrow or numpy is allowed below PySpark's documented minimum.</summary>
    public const string BelowPySparkMinimumId = "SJG2006";

    /// <summary>SJG2007: a combination known not to work.</summary>
    public const string KnownBrokenCombinationId = "SJG2007";

    /// <summary>SJG2008: a specifier or package name is not written in its normalized form.</summary>
    public const string NotNormalizedId = "SJG2008";

    /// <summary>SJG2009: two jobs sharing an environment order the same two channels oppositely.</summary>
    public const string ConflictingChannelOrderId = "SJG2009";

    /// <summary>SJG2010: the channel orders of three or more jobs sharing an environment form a cycle.</summary>
    public const string ChannelOrderCycleId = "SJG2010";

    /// <summary>SJG1001.</summary>
    public static readonly DiagnosticDescriptor DuplicateParameter = Create(
        DuplicateParameterId,
        "Duplicate job parameter flag",
        "Job parameter '{0}' uses the flag '{1}', which parameter '{2}' already uses",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "Each job parameter becomes one command-line flag of the script; two parameters with the same flag would be indistinguishable to the script.");

    /// <summary>SJG1002.</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameterType = Create(
        UnsupportedParameterTypeId,
        "Unsupported job parameter type",
        "Job parameter '{0}' has type '{1}', which cannot be passed to a Python script: {2}",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "The generator leaves parameters of unsupported types out of the submission builder.");

    /// <summary>SJG1003.</summary>
    public static readonly DiagnosticDescriptor ScriptNotFound = Create(
        ScriptNotFoundId,
        "Job script not found",
        "The script '{0}' of job '{1}' is not in the project; add it, fix the path, or set SparkJobGenCheckScripts to false",
        DeclarationCategory,
        DiagnosticSeverity.Warning,
        "With SparkJobGenCheckScripts=true the project's Python files are passed to the analyzers as AdditionalFiles; a job whose script is not among them would fail at submission.");

    /// <summary>SJG1004.</summary>
    public static readonly DiagnosticDescriptor JobNotPartial = Create(
        JobNotPartialId,
        "Job class must be partial",
        "'{0}' must be declared partial so the generator can add the Definition and submission builder of job '{1}'",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "The generator adds members to the job class, which needs the class and every type containing it to be partial; otherwise nothing is generated for the job.");

    /// <summary>SJG1005.</summary>
    public static readonly DiagnosticDescriptor JobShapeNotSupported = Create(
        JobShapeNotSupportedId,
        "Job class shape not supported",
        "Job class '{0}' is {1}; a job must be a non-static, non-generic class not nested in a generic type",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "The generator instantiates the job and emits a static Definition for it, which a static or generic class cannot carry; nothing is generated for it.");

    /// <summary>SJG1006.</summary>
    public static readonly DiagnosticDescriptor EmptyScriptPath = Create(
        EmptyScriptPathId,
        "Job script path is empty",
        "The script path of job class '{0}' is empty; give the Python file relative to the project directory, for example \"jobs/{1}.py\"",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "Without a script there is nothing to submit; the generator skips the job.");

    /// <summary>SJG1007.</summary>
    public static readonly DiagnosticDescriptor EmptyParameterFlag = Create(
        EmptyParameterFlagId,
        "Job parameter flag is empty",
        "The flag of job parameter '{0}' is empty; remove the argument to use '{1}' or give a flag such as \"{1}\"",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "An empty flag cannot be passed to the script; the generator leaves the parameter out.");

    /// <summary>SJG1008.</summary>
    public static readonly DiagnosticDescriptor FormatNotApplicable = Create(
        FormatNotApplicableId,
        "Format does not apply to the parameter type",
        "Job parameter '{0}' has type '{1}', which takes no Format; remove Format = \"{2}\"",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "Format applies to numbers, dates, times and durations only; the generator leaves the parameter out.");

    /// <summary>SJG1009.</summary>
    public static readonly DiagnosticDescriptor InvalidEnvironmentName = Create(
        InvalidEnvironmentNameId,
        "Invalid environment name",
        "The environment name '{0}' of job '{1}' is not valid: {2}",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "The environment name names a conda environment and a folder under sparkjobs/; it must be a single path segment without spaces or the characters / \\ : # * ? \" < > |.");

    /// <summary>SJG1010.</summary>
    public static readonly DiagnosticDescriptor InvalidSparkConf = Create(
        InvalidSparkConfId,
        "Invalid Spark configuration entry",
        "The Spark configuration entry '{0}' is ignored: {1}",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "A [SparkConf] entry becomes --conf key=value; an empty key, a key with surrounding spaces or '=', or a null value cannot be passed and is left out. Of two entries for one key on one declaration the first is used and the second left out.");

    /// <summary>SJG1011.</summary>
    public static readonly DiagnosticDescriptor InvalidPackageName = Create(
        InvalidPackageNameId,
        "Invalid package or channel name",
        "'{0}' is not a valid {1}: {2}",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "Empty names are left out of environment.yaml by the generator, and malformed names make conda or pip fail when the environment is created.");

    /// <summary>SJG1012.</summary>
    public static readonly DiagnosticDescriptor UnreadableParameter = Create(
        UnreadableParameterId,
        "Job parameter cannot be read by the job",
        "Job parameter '{0}' {1}; the job reads its parameters as its own code would",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "ToJobArguments() reads each parameter's value from its property, so the job class must be able to read it: the property needs a get accessor that is not private to a base class (or internal to another assembly). The generator leaves the parameter out.");

    /// <summary>SJG1013.</summary>
    public static readonly DiagnosticDescriptor GeneratedNameTaken = Create(
        GeneratedNameTakenId,
        "Job class leaves no room for the generated Definition",
        "Job class '{0}' {1}; rename it, since every job class gets a static Definition",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "The generator adds a static Definition property (implementing SparkJobGen.ISparkJob) to every job class. A class named Definition, a member named Definition in the class or an abstract one in a base class leaves no room for it, so nothing is generated for the job.");

    /// <summary>SJG1014.</summary>
    public static readonly DiagnosticDescriptor InvalidParameterFlag = Create(
        InvalidParameterFlagId,
        "Job parameter flag is not an option name",
        "The flag '{0}' of job parameter '{1}' {2}; give an option name such as \"{3}\"",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "Each parameter is passed to the script as its flag followed by its value, so the flag must be an option name the script's argument parser reads as one: it starts with '-', names something, and holds no '=' or whitespace.");

    /// <summary>SJG1015 (reported at the end of the compilation, once every job is known).</summary>
    public static readonly DiagnosticDescriptor DuplicateJobName = Create(
        DuplicateJobNameId,
        "Two job classes have the same job name",
        "Job class '{0}' has the job name '{1}', which job class '{2}' has too; give one of them another name with [SparkJob(..., Name = \"...\")]",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "A job is found by its name: `sparkjobgen run <name>`, SparkJobManifest.FindJob and the Spark application name use it, so two jobs of one name would be mistaken for each other. The name is [SparkJob(Name = ...)], or the class name in kebab case.",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>SJG1016.</summary>
    public static readonly DiagnosticDescriptor FormatDropsValue = Create(
        FormatDropsValueId,
        "Format cannot render the parameter's value",
        "Job parameter '{0}' has Format = \"{1}\", which for a '{2}' {3}; give a format of the type, such as \"yyyy-MM-dd\" for dates or \"0.00\" for numbers",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "ToJobArguments() renders the value with value.ToString(Format, CultureInfo.InvariantCulture). A format the type does not accept throws when the job is submitted, and one without a placeholder of the type (\"yyyy-MM-dd\" on an int, \"N2\" on a date) gives its own text for every value, so the script never gets the value.");

    /// <summary>SJG1017.</summary>
    public static readonly DiagnosticDescriptor LanguageVersionTooOld = Create(
        LanguageVersionTooOldId,
        "C# version too old for the generated code",
        "Job class '{0}' is compiled as C# {1}, and the code SparkJobGen generates for a job needs C# 11 or later; remove <LangVersion> from the project to use the SDK's default, or set it to 11 or later",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        "Every job class gets a static Definition that implements the static abstract member of SparkJobGen.ISparkJob, a C# 11 feature (C# 11 is the default from .NET 7 on, and SparkJobGen's runtime needs .NET 8). Under an older <LangVersion> that code would not compile, so nothing is generated for the project's jobs.");

    /// <summary>SJG1018.</summary>
    public static readonly DiagnosticDescriptor EmptyValue = Create(
        EmptyValueId,
        "Empty value replaced by a default",
        "{0} is empty, so {1}; give a value or remove the argument",
        DeclarationCategory,
        DiagnosticSeverity.Warning,
        "An empty or blank Name, Environment, [PythonVersion] or [PySpark] is treated as absent: the job is named after its class, gets an environment of its own name, or takes the Python or PySpark version of a base class or the assembly. Written explicitly it is more likely a mistake (an empty constant, a missing value) than a request for the default.");

    /// <summary>SJG1019.</summary>
    public static readonly DiagnosticDescriptor ExtensionCallShadowed = Create(
        ExtensionCallShadowedId,
        "A job's ToSubmission() or ToJobArguments() call binds to another method",
        "This {0}() call on '{1}' calls '{2}', not SparkJobGen's {0}() extension method; rename that method, or write global::SparkJobExtensions.{0}(job) for SparkJobGen's",
        DeclarationCategory,
        DiagnosticSeverity.Warning,
        "C# binds job.ToSubmission() to a member of the job's type, or to an extension method of an enclosing namespace or a namespace imported inside it, before it looks at SparkJobGen's extension methods in the global namespace. Such a method may submit another job (a base job's) or leave parameters out. A call that names its method explicitly (Ext.ToSubmission(job)), or one inside the job class on this, is not reported.");

    /// <summary>SJG2001.</summary>
    public static readonly DiagnosticDescriptor UnsatisfiableConstraints = Create(
        UnsatisfiableConstraintsId,
        "Version constraints cannot all hold",
        "No version of '{0}' satisfies every constraint: {1}",
        VersionsCategory,
        DiagnosticSeverity.Error,
        "Constraints on one package from the job, its base classes, the assembly, other jobs sharing the environment and the conda and pip sections must all hold at once, or the environment cannot be solved.");

    /// <summary>SJG2002.</summary>
    public static readonly DiagnosticDescriptor InvalidPipSpecifier = Create(
        InvalidPipSpecifierId,
        "Invalid pip version specifier",
        "Invalid PEP 440 specifier '{0}' for '{1}': {2}",
        VersionsCategory,
        DiagnosticSeverity.Error,
        "pip reads [PipPackage] specifiers as PEP 440 specifier sets; an invalid one makes environment creation fail.");

    /// <summary>SJG2003.</summary>
    public static readonly DiagnosticDescriptor InvalidCondaSpec = Create(
        InvalidCondaSpecId,
        "Invalid conda version spec",
        "Invalid conda version spec '{0}' for '{1}': {2}",
        VersionsCategory,
        DiagnosticSeverity.Error,
        "conda reads [CondaPackage], [PythonVersion] and [PySpark] versions as MatchSpec version specs; an invalid one makes the solve fail.");

    /// <summary>SJG2004.</summary>
    public static readonly DiagnosticDescriptor CondaPipMismatch = Create(
        CondaPipMismatchId,
        "Package constrained differently by conda and pip",
        "'{0}' is constrained to '{1}' in the pip section but '{2}' in the conda section; pip may replace the conda package",
        VersionsCategory,
        DiagnosticSeverity.Warning,
        "pip installs after conda; when both sections name a package with different constraints pip can overwrite conda's files with another version, which conda then no longer tracks.");

    /// <summary>SJG2005.</summary>
    public static readonly DiagnosticDescriptor PythonOutsidePySparkRange = Create(
        PythonOutsidePySparkRangeId,
        "Python version not supported by the PySpark release",
        "Python '{0}' allows Python {1}, which PySpark {2} does not support (supported: {3}); source: {4}",
        VersionsCategory,
        DiagnosticSeverity.Warning,
        "Each PySpark release documents the Python versions it supports; other versions fail to install or break at run time.");

    /// <summary>SJG2006.</summary>
    public static readonly DiagnosticDescriptor BelowPySparkMinimum = Create(
        BelowPySparkMinimumId,
        "Dependency below PySpark's documented minimum",
        "{0} '{1}' allows {0} {2}, below {3}, the minimum PySpark {4} documents; source: {5}",
        VersionsCategory,
        DiagnosticSeverity.Warning,
        "PySpark's pandas API, Arrow-based conversion and pandas UDFs require minimum versions of pandas, pyarrow and numpy; older versions fail at import or at run time.");

    /// <summary>SJG2007.</summary>
    public static readonly DiagnosticDescriptor KnownBrokenCombination = Create(
        KnownBrokenCombinationId,
        "Known broken version combination",
        "PySpark {0} with {1} '{2}' (allows {1} {3}) is known not to work: {4}; source: {5}",
        VersionsCategory,
        DiagnosticSeverity.Warning,
        "Some combinations of PySpark and its optional dependencies are documented not to work together.");

    /// <summary>SJG2008.</summary>
    public static readonly DiagnosticDescriptor NotNormalized = Create(
        NotNormalizedId,
        "Specifier or package name not in normalized form",
        "'{0}' is written as '{1}' in normalized form",
        VersionsCategory,
        DiagnosticSeverity.Info,
        "Normalized specifiers and names (PEP 440, PEP 503) read the same everywhere and make equal constraints compare equal.");

    /// <summary>SJG2009 (reported at the end of the compilation, once every job of the environment is known).</summary>
    public static readonly DiagnosticDescriptor ConflictingChannelOrder = Create(
        ConflictingChannelOrderId,
        "Jobs sharing an environment order its channels differently",
        "Jobs '{0}' and '{1}' share environment '{2}' but order channels oppositely: '{0}' puts '{3}' before '{4}', '{1}' puts '{4}' before '{3}'; the merged environment.yaml lists '{5}' first. Declare the channels in one order for both (for example on the assembly or a shared base class).",
        VersionsCategory,
        DiagnosticSeverity.Warning,
        "Channel order is conda's priority: a package comes from the first channel that has it. Jobs sharing an environment get one channel list that keeps every order a job declares; two opposite orders cannot both hold.",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>SJG2010 (reported at the end of the compilation, once every job of the environment is known).</summary>
    public static readonly DiagnosticDescriptor ChannelOrderCycle = Create(
        ChannelOrderCycleId,
        "Jobs sharing an environment order its channels in a cycle",
        "Jobs {0} share environment '{1}' but their channel orders form a cycle: {2}; the merged environment.yaml lists {3} in that order. Declare the channels in one order for these jobs (for example on the assembly or a shared base class).",
        VersionsCategory,
        DiagnosticSeverity.Warning,
        "Channel order is conda's priority: a package comes from the first channel that has it. Jobs sharing an environment get one channel list that keeps every order a job declares; orders of three or more jobs that chain into a cycle cannot all hold, though no two of the jobs disagree directly.",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>
    /// The help page of a diagnostic. When the analyzers run from an installed SparkJobGen package
    /// (<c>&lt;package&gt;/analyzers/dotnet/cs/</c>, as the command-line compiler and non-Windows hosts load them), a <c>file:</c>
    /// URI of the page that package ships (<c>&lt;package&gt;/docs/diagnostics/SJGnnnn.md</c>), which exists offline and matches
    /// the analyzer's version; otherwise (a shadow copy, an in-memory load) the page in the source repository.
    /// </summary>
    /// <param name="id">The diagnostic id.</param>
    public static string HelpLink(string id) => HelpLink(id, typeof(DiagnosticDescriptors).Assembly.Location);

    /// <summary>The help page of a diagnostic for analyzers loaded from <paramref name="analyzerPath"/> (see <see cref="HelpLink(string)"/>).</summary>
    /// <param name="id">The diagnostic id.</param>
    /// <param name="analyzerPath">Where the analyzer assembly was loaded from; empty when loaded from memory.</param>
    internal static string HelpLink(string id, string? analyzerPath)
    {
        // Path arithmetic only (no file access in an analyzer): <package>/analyzers/dotnet/cs/SparkJobGen.Generators.dll.
        var cs = string.IsNullOrEmpty(analyzerPath) ? null : System.IO.Path.GetDirectoryName(analyzerPath);
        var dotnet = cs is null ? null : System.IO.Path.GetDirectoryName(cs);
        var analyzers = dotnet is null ? null : System.IO.Path.GetDirectoryName(dotnet);
        var package = analyzers is null ? null : System.IO.Path.GetDirectoryName(analyzers);
        if (package is not null && System.IO.Path.IsPathRooted(package)
            && string.Equals(System.IO.Path.GetFileName(cs), "cs", System.StringComparison.OrdinalIgnoreCase)
            && string.Equals(System.IO.Path.GetFileName(dotnet), "dotnet", System.StringComparison.OrdinalIgnoreCase)
            && string.Equals(System.IO.Path.GetFileName(analyzers), "analyzers", System.StringComparison.OrdinalIgnoreCase))
        {
            return new System.Uri(System.IO.Path.Combine(package, "docs", "diagnostics", id + ".md")).AbsoluteUri;
        }

        return "https://github.com/sparkjobgen/sparkjobgen/blob/main/docs/diagnostics/" + id + ".md";
    }

    /// <summary>Where the page of a diagnostic is on a machine without network: inside the installed SparkJobGen package.</summary>
    /// <param name="id">The diagnostic id.</param>
    public static string PackagePage(string id) => "docs/diagnostics/" + id + ".md";

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string category, DiagnosticSeverity severity, string description, params string[] customTags) =>
        new(id, title, messageFormat, category, severity, isEnabledByDefault: true,
            description: description + " Documentation: " + PackagePage(id) + " in the SparkJobGen package (~/.nuget/packages/sparkjobgen/<version>/" + PackagePage(id) + ").",
            helpLinkUri: HelpLink(id),
            customTags: customTags);
}
