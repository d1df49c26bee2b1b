using SparkJobGen.CodeFixes.Tests.Verifiers;
using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.JobDeclarationAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class JobDeclarationAnalyzerTests
{
    [Fact]
    public Task Well_formed_job_reports_nothing() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using SparkJobGen;

        public enum Mode { Full, Incremental }

        [SparkJob("jobs/score.py", Environment = "scoring-env")]
        public partial class ScoreCustomers
        {
            [JobParameter] public DateOnly RunDate { get; set; }
            [JobParameter("--limit", Format = "D4")] public int? Limit { get; set; }
            [JobParameter] public List<string> Tables { get; set; } = new();
            [JobParameter] public Mode Mode { get; set; }
            [JobParameter] public bool DryRun { get; set; }
        }
        """);

    [Fact]
    public Task SJG1001_derived_flag_clashes_with_an_explicit_flag() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter] public string? {|#0:RunDate|} { get; set; }
            [JobParameter({|#1:"--run-date"|})] public string? Other { get; set; }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.DuplicateParameterId).WithLocation(1).WithLocation(0).WithArguments("Other", "--run-date", "RunDate"));

    [Fact]
    public Task SJG1001_duplicate_flag_names_the_first_parameter_as_additional_location() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter({|#0:"--day"|})] public string? RunDate { get; set; }
            [JobParameter({|#1:"--day"|})] public string? Other { get; set; }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.DuplicateParameterId).WithLocation(1).WithLocation(0).WithArguments("Other", "--day", "RunDate"));

    [Fact]
    public Task SJG1002_unsupported_parameter_type() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter] public {|SJG1002:Dictionary<string, int>?|} Weights { get; set; }
            [JobParameter] public {|SJG1002:bool[]?|} Switches { get; set; }
        }
        """);

    [Fact]
    public Task SJG1002_list_of_bool_and_flags_enum_are_refused_with_the_reason() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using SparkJobGen;

        [Flags]
        public enum Access { None = 0, Read = 1, Write = 2 }

        public enum Mode { Fast, Safe }

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter] public {|#0:List<bool>|} Switches { get; set; } = new();
            [JobParameter] public {|#1:Access|} Rights { get; set; }
            [JobParameter] public {|#2:Access[]|} EachRight { get; set; } = [];
            [JobParameter] public Mode[] Modes { get; set; } = [];
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnsupportedParameterTypeId).WithLocation(0).WithArguments("Switches", "List<bool>",
            "a bool parameter is a flag that is present when true, so a list of them has no argument form; use one bool property per switch, or a list of strings or of an enum"),
        Verify.Diagnostic(DiagnosticDescriptors.UnsupportedParameterTypeId).WithLocation(1).WithArguments("Rights", "Access",
            "a [Flags] enum value can combine several members, which would reach the script as one argument such as 'Read, Write'; use an enum without [Flags] in a list or array, whose flag repeats per member"),
        Verify.Diagnostic(DiagnosticDescriptors.UnsupportedParameterTypeId).WithLocation(2).WithArguments("EachRight", "Access[]",
            "a [Flags] enum value can combine several members, which would reach the script as one argument such as 'Read, Write'; use an enum without [Flags] in a list or array, whose flag repeats per member"));

    [Fact]
    public Task SJG1004_non_partial_job_and_containing_type() => Verify.VerifyAsync("""
        using SparkJobGen;

        public class {|SJG1004:Outer|}
        {
            [SparkJob("jobs/nested.py")]
            public partial class Nested { }
        }

        [SparkJob("jobs/score.py")]
        public class {|SJG1004:ScoreCustomers|} { }
        """);

    [Fact]
    public Task SJG1005_static_generic_and_file_local_jobs() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        public static partial class {|SJG1005:StaticJob|} { }

        [SparkJob("jobs/b.py")]
        public partial class {|SJG1005:GenericJob|}<T> { }

        public partial class Holder<T>
        {
            [SparkJob("jobs/c.py")]
            public partial class {|SJG1005:InGeneric|} { }
        }

        [SparkJob("jobs/d.py")]
        file partial class {|SJG1005:FileLocal|} { }

        file partial class FileHolder
        {
            [SparkJob("jobs/e.py")]
            public partial class {|SJG1005:InFileLocal|} { }
        }
        """);

    [Fact]
    public Task SJG1005_names_the_generic_container_of_a_nested_job() => Verify.VerifyAsync("""
        using SparkJobGen;

        public partial class Holder<T>
        {
            [SparkJob("jobs/c.py")]
            public partial class {|#0:InGeneric|} { }
        }

        [SparkJob("jobs/b.py")]
        public partial class {|#1:GenericJob|}<T> { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.JobShapeNotSupportedId).WithLocation(0).WithArguments("InGeneric", "nested in the generic type 'Holder'"),
        Verify.Diagnostic(DiagnosticDescriptors.JobShapeNotSupportedId).WithLocation(1).WithArguments("GenericJob", "generic"));

    [Fact]
    public Task SJG1006_empty_script() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob({|SJG1006:"  "|})]
        public partial class ScoreCustomers { }

        [SparkJob({|SJG1006:null!|})]
        public partial class NullScript { }
        """);

    [Fact]
    public Task SJG1007_empty_flag() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter({|SJG1007:""|})] public string? RunDate { get; set; }
        }
        """);

    [Fact]
    public Task SJG1008_format_on_a_string() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter(Format = {|SJG1008:"yyyy"|})] public string? RunDate { get; set; }
        }
        """);

    [Fact]
    public Task SJG1016_a_format_that_cannot_render_the_value() => Verify.VerifyAsync("""
        using System;
        using SparkJobGen;

        [SparkJob("jobs/score.py")]
        public partial class ScoreCustomers
        {
            [JobParameter(Format = {|#0:"yyyy-MM-dd"|})] public int Count { get; set; }
            [JobParameter(Format = {|#1:"N2"|})] public DateOnly Day { get; set; }
            [JobParameter(Format = {|#2:"yyyy"|})] public TimeSpan Span { get; set; }
            [JobParameter(Format = "yyyy-MM-dd")] public DateOnly RunDate { get; set; }
            [JobParameter(Format = "0.00")] public double Threshold { get; set; }
            [JobParameter(Format = "D5")] public long Id { get; set; }
            [JobParameter(Format = @"hh\:mm")] public TimeSpan Window { get; set; }
            [JobParameter(Format = "o")] public DateTimeOffset At { get; set; }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.FormatDropsValueId).WithLocation(0).WithArguments("Count", "yyyy-MM-dd", "int", "gives 'yyyy-MM-dd' for every value, so the script would get that text instead of the value"),
        Verify.Diagnostic(DiagnosticDescriptors.FormatDropsValueId).WithLocation(1).WithArguments("Day", "N2", "DateOnly", "gives 'N2' for every value, so the script would get that text instead of the value"),
        Verify.Diagnostic(DiagnosticDescriptors.FormatDropsValueId).WithLocation(2).WithArguments("Span", "yyyy", "TimeSpan", "is not a format of the type: Input string was not in a correct format."));

    /// <summary>
    /// The analyzers run on netstandard2.0, which has no DateOnly, so SJG1016 tries a date format on a DateTime at midnight.
    /// Checked against the real DateOnly of this runtime: for each format, formatting two dates throws or gives one text
    /// exactly when the analyzer reports a problem (time specifiers, which DateOnly refuses, format midnight the same).
    /// </summary>
    [Fact]
    public void SJG1016_judges_date_only_formats_as_the_real_date_only_formats_them()
    {
        var random = new Random(20261207);
        var formats = new List<string> { "yyyy-MM-dd", "N2", "D", "d", "o", "O", "r", "s", "u", "HH", "hh:mm", "%d", "%", "dddd", "MMM yyyy", "'fixed'", "t", "T", "f", "yy", "g", "M", "Y", "tt", "zzz", "fff", "K", "\\d", "" };
        const string alphabet = "yMdHhmsftzgK-:/ '%\\.xN0";
        for (var i = 0; i < 1500; i++)
        {
            formats.Add(new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        }

        var disagreements = new List<string>();
        foreach (var format in formats)
        {
            bool real;
            try
            {
                real = new DateOnly(2001, 2, 3).ToString(format, System.Globalization.CultureInfo.InvariantCulture)
                    == new DateOnly(2017, 8, 21).ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                real = true;
            }

            if (real != (SparkJobGen.Generators.Declarations.ParameterTypes.FormatProblem(SparkJobGen.Generators.Declarations.ParameterKind.DateOnly, format) is not null))
            {
                disagreements.Add($"'{format}' (DateOnly {(real ? "refuses or drops the value" : "renders it")})");
            }
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {formats.Count} formats judged unlike DateOnly: {string.Join(", ", disagreements.Take(15))}");
    }

    [Fact]
    public Task SJG1012_a_parameter_without_a_getter_or_private_to_a_base_class() => Verify.VerifyAsync("""
        using SparkJobGen;

        public abstract class JobBase
        {
            [JobParameter] private string? {|#0:Region|} { get; set; }
            [JobParameter] protected string? Tenant { get; set; }
            [JobParameter] public string? {|#1:Token|} { set { } }
        }

        [SparkJob("jobs/a.py")]
        public partial class A : JobBase
        {
            [JobParameter] private int Limit { get; set; }
        }

        [SparkJob("jobs/b.py")]
        public partial class B : JobBase { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnreadableParameterId).WithLocation(0).WithArguments("Region", "has a get accessor private to 'JobBase'"),
        Verify.Diagnostic(DiagnosticDescriptors.UnreadableParameterId).WithLocation(1).WithArguments("Token", "has no get accessor"));

    [Fact]
    public Task SJG1013_a_name_the_generator_adds_is_taken() => Verify.VerifyAsync("""
        using SparkJobGen;

        public abstract class Defined
        {
            public abstract string Definition { get; }
        }

        public class Plain
        {
            public static string Definition = "hidden with new, not reported";
        }

        public class Submitting
        {
            public virtual object? ToSubmission() => null;
        }

        [SparkJob("jobs/a.py")]
        public partial class {|#0:Own|} { public static string Definition => "mine"; }

        [SparkJob("jobs/c.py")]
        public partial class {|#1:Definition|} { }

        [SparkJob("jobs/e.py")]
        public partial class {|#2:AbstractDefinition|} : Defined { }

        // Members named like the extension methods leave room for Definition: SJG1019 reports the calls they capture.
        [SparkJob("jobs/f.py")]
        public partial class Inherits : Submitting { }

        [SparkJob("jobs/g.py")]
        public partial class Fine : Plain { }

        [SparkJob("jobs/h.py")]
        public partial class ToJobArguments { public object? ToSubmission(string queue = "") => null; }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.GeneratedNameTakenId).WithLocation(0).WithArguments("Own", "declares a member named 'Definition', which the generator adds to it"),
        Verify.Diagnostic(DiagnosticDescriptors.GeneratedNameTakenId).WithLocation(1).WithArguments("Definition", "is named 'Definition', the name of the static property the generator adds to it"),
        Verify.Diagnostic(DiagnosticDescriptors.GeneratedNameTakenId).WithLocation(2).WithArguments("AbstractDefinition", "inherits the abstract member 'Defined.Definition', which the generated static 'Definition' cannot implement"),
        // The compiler's own error for the unimplemented member stands beside it.
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("CS0534", Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(2).WithArguments("AbstractDefinition", "Defined.Definition.get"));

    [Fact]
    public Task SJG1014_a_flag_the_scripts_parser_does_not_read_as_an_option() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        public partial class A
        {
            [JobParameter] public int {|#0:__|} { get; set; }
            [JobParameter({|#1:"--x=y"|})] public int Eq { get; set; }
            [JobParameter({|#2:"--has space"|})] public int Sp { get; set; }
            [JobParameter({|#3:"-"|})] public int Dash { get; set; }
            [JobParameter({|#4:"Y"|})] public int Y { get; set; }
            [JobParameter("-v")] public bool Verbose { get; set; }
            [JobParameter] public int RunDate { get; set; }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidParameterFlagId).WithLocation(0).WithArguments("--", "__", "is '--', which ends the options: argparse reads every argument after it as positional", "--value"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidParameterFlagId).WithLocation(1).WithArguments("--x=y", "Eq", "contains '=', which argparse reads as the start of the option's value", "--eq"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidParameterFlagId).WithLocation(2).WithArguments("--has space", "Sp", "contains whitespace, which no option name holds", "--sp"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidParameterFlagId).WithLocation(3).WithArguments("-", "Dash", "is '-', which argparse reads as a value (standard input), not an option", "--dash"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidParameterFlagId).WithLocation(4).WithArguments("Y", "Y", "does not start with '-', so the script reads it as a positional value", "--y"));

    [Fact]
    public Task SJG1015_two_job_classes_with_one_job_name() => Verify.VerifyAsync("""
        using SparkJobGen;

        namespace A { [SparkJob("jobs/a.py")] public partial class {|#0:Job|} { } }
        namespace B { [SparkJob("jobs/b.py")] public partial class {|#1:Job|} { } }
        namespace C
        {
            [SparkJob("jobs/c.py", Name = "nightly")] public partial class {|#2:First|} { }
            [SparkJob("jobs/d.py", Name = "nightly")] public partial class {|#3:Second|} { }
            [SparkJob("jobs/e.py")] public partial class Nightly2 { }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.DuplicateJobNameId).WithLocation(1).WithLocation(0).WithArguments("B.Job", "job", "A.Job"),
        Verify.Diagnostic(DiagnosticDescriptors.DuplicateJobNameId).WithLocation(3).WithLocation(2).WithArguments("C.Second", "nightly", "C.First"));

    [Fact]
    public Task SJG1012_a_static_or_indexer_parameter_is_reported_not_dropped_silently() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        public partial class A
        {
            [JobParameter] public static int {|#0:Shared|} { get; set; }
            [JobParameter] public int {|#1:this|}[int i] => i;
            [JobParameter] public int Limit { get; set; }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnreadableParameterId).WithLocation(0).WithArguments("Shared", "is static, and the job reads each parameter from the job object"),
        Verify.Diagnostic(DiagnosticDescriptors.UnreadableParameterId).WithLocation(1).WithArguments("this[]", "is an indexer, which has no single value to pass"));

    [Fact]
    public Task SJG1009_environment_name_with_a_slash_or_space() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py", Environment = {|SJG1009:"team/env"|})]
        public partial class A { }

        [SparkJob("jobs/b.py", Name = {|SJG1009:"nightly etl"|})]
        public partial class B { }

        [SparkJob("jobs/c.py", Environment = {|SJG1009:"con"|})]
        public partial class C { }

        [SparkJob("jobs/d.py", Environment = {|SJG1009:"Lpt1.analytics"|})]
        public partial class D { }

        [SparkJob("jobs/e.py", Environment = {|SJG1009:"analytics."|})]
        public partial class E { }

        [SparkJob("jobs/f.py", Environment = "console")]
        public partial class F { }

        [SparkJob("jobs/g.py", Environment = "com10.v2")]
        public partial class G { }

        [SparkJob("jobs/h.py", Environment = {|SJG1009:"com\u00B9"|})]
        public partial class H { }

        [SparkJob("jobs/i.py", Environment = {|SJG1009:"COM0"|})]
        public partial class I { }
        """);

    [Fact]
    public Task Parameter_problems_in_a_base_class_are_reported_once_for_two_jobs() => Verify.VerifyAsync("""
        using SparkJobGen;

        public abstract class JobBase
        {
            [JobParameter] public {|SJG1002:object?|} Payload { get; set; }
        }

        [SparkJob("jobs/a.py")]
        public partial class A : JobBase { }

        [SparkJob("jobs/b.py")]
        public partial class B : JobBase { }
        """);
}
