using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SparkJobGen.CodeFixes.Tests.Verifiers;
using SparkJobGen.Generators.Diagnostics;
using Verify = SparkJobGen.CodeFixes.Tests.Verifiers.AnalyzerVerifier<SparkJobGen.Generators.Diagnostics.CondaPipConsistencyAnalyzer>;

namespace SparkJobGen.CodeFixes.Tests.Analyzers;

public sealed class CondaPipConsistencyAnalyzerTests
{
    [Fact]
    public Task Same_constraints_in_both_sections_report_nothing() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [CondaPackage("numpy", ">=1.26,<2")]
        [PipPackage("numpy", "<2, >=1.26")]
        [CondaPackage("conda-forge::pandas", "2.1")]
        [PipPackage("pandas", "==2.1.*")]
        [CondaPackage("pyarrow")]
        [PipPackage("requests", "~=2.31")]
        public partial class A { }
        """);

    [Fact]
    public Task SJG2004_different_constraints_point_at_pip_with_conda_as_additional_location() => Verify.VerifyAsync("""
        using SparkJobGen;

        [assembly: CondaPackage("numpy", {|#1:">=1.26,<2"|})]

        [SparkJob("jobs/a.py")]
        [PipPackage("numpy", {|#0:">=2"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.CondaPipMismatchId).WithLocation(0).WithLocation(1)
            .WithArguments("numpy", ">=2", ">=1.26,<2"));

    [Fact]
    public Task SJG2004_pyspark_from_PySpark_attribute_and_pip() => Verify.VerifyAsync("""
        using SparkJobGen;

        [SparkJob("jobs/a.py")]
        [PySpark({|#1:"3.5.1"|})]
        [PipPackage({|#0:"PySpark"|})]
        public partial class A { }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.CondaPipMismatchId).WithLocation(0).WithLocation(1)
            .WithArguments("pyspark", "any version", "3.5.1"));

    // A pip declaration on a base class reaches every job deriving from it; with the same conda text on several jobs the
    // diagnostic is one (same place, same message), and its additional locations are those of the first job by display
    // name, whatever order the driver analyses the jobs in. Job 'B' comes first in the source, 'A' first by name.
    [Fact]
    public async Task SJG2004_at_a_shared_declaration_takes_its_additional_locations_from_the_first_job_by_name()
    {
        var compilation = CSharpCompilation.Create(
            "Shared",
            [
                Parse("""
                    using SparkJobGen;
                    namespace Jobs;
                    [SparkJob("jobs/b.py")]
                    [CondaPackage("pandas", "2.1.*")]
                    public partial class B : Base { }
                    """, "B.cs"),
                Parse("""
                    using SparkJobGen;
                    namespace Jobs;
                    [SparkJob("jobs/c.py")]
                    [CondaPackage("pandas", "2.1.*")]
                    public partial class C : Base { }
                    """, "C.cs"),
                Parse("""
                    using SparkJobGen;
                    namespace Jobs;
                    [SparkJob("jobs/a.py")]
                    [CondaPackage("pandas", "2.1.*")]
                    public partial class A : Base { }
                    """, "A.cs"),
                Parse("""
                    using SparkJobGen;
                    namespace Jobs;
                    [PipPackage("pandas", ">=2")]
                    public abstract class Base { }
                    """, "Base.cs"),
            ],
            TestProject.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        for (var round = 0; round < 6; round++)
        {
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: round % 2 == 1, logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers([new CondaPipConsistencyAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
            var diagnostic = Assert.Single(diagnostics);
            Assert.Equal("'pandas' is constrained to '>=2' in the pip section but '2.1.*' in the conda section; pip may replace the conda package", diagnostic.GetMessage());
            Assert.Equal("/proj/Base.cs", diagnostic.Location.SourceTree!.FilePath);
            var additional = Assert.Single(diagnostic.AdditionalLocations);
            Assert.Equal("/proj/A.cs", additional.SourceTree!.FilePath);
            Assert.Equal("\"2.1.*\"", additional.SourceTree.GetText().ToString(additional.SourceSpan));
        }
    }

    private static SyntaxTree Parse(string source, string name) =>
        CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: TestProject.ProjectDir + name);
}
