using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparkJobGen.Generators.Declarations;

namespace SparkJobGen.Generators.Tests;

/// <summary>
/// The generator reads a <c>[JobParameter]</c> from syntax where syntax proves what binding would give, and binds otherwise.
/// The reference is Roslyn's own binding: every compilation here, hand-written hostile ones and random ones, must generate
/// exactly the same sources with the syntax reading as with every property's attributes bound.
/// </summary>
[Collection(nameof(ParameterAttributeSyntaxTests))]
public sealed class ParameterAttributeSyntaxTests
{
    private const string Header = """
        using System;
        using System.Collections.Generic;
        using SparkJobGen;

        """;

    /// <summary>Each a job body (the lines inside <c>partial class Job</c>), or a whole file when it starts with <c>//file</c>.</summary>
    private static readonly string[] Hostile =
    [
        """[JobParameter("--plain")] public string? Plain { get; init; }""",
        """[JobParameter] public int Kebab { get; init; }""",
        """[JobParameter()] public int EmptyParens { get; init; }""",
        """[JobParameterAttribute("--long-form")] public string? LongForm { get; init; }""",
        """[SparkJobGen.JobParameter("--qualified")] public string? Qualified { get; init; }""",
        """[global::SparkJobGen.JobParameterAttribute("--global")] public string? Global { get; init; }""",
        """[JobParameter("--day", Format = "yyyyMMdd")] public DateOnly Day { get; init; }""",
        """[JobParameter(Format = "N2", Sensitive = true)] public double Secret { get; init; }""",
        """[JobParameter(Sensitive = false)] public string? NotSecret { get; init; }""",
        """[JobParameter(Flag)] public string? FromConst { get; init; } private const string Flag = "--from-const";""",
        """[JobParameter(Sensitive = 1 == 1)] public string? ConstantBool { get; init; }""",
        """[JobParameter(null)] public string? NullFlag { get; init; }""",
        """[JobParameter(""" + "\"\"\"--raw\"\"\"" + """)] public string? Raw { get; init; }""",
        """[JobParameter("--esc\u0041\t")] public string? Escaped { get; init; }""",
        """[JobParameter("--a" + "b")] public string? Concatenated { get; init; }""",
        """[JobParameter(flag: "--named")] public string? NamedCtor { get; init; }""",
        """[Obsolete][JobParameter("--with-other")] public string? WithOther { get; init; }""",
        """[Obsolete, JobParameter("--same-list")] public string? SameList { get; init; }""",
        """public string? NotAParameter { get; init; }""",
        """[Obsolete] public string? OnlyOther { get; init; }""",
        """[JobParameter("--nested")] public string? Nested { get; init; } public sealed class JobParameterAttribute : Attribute { public JobParameterAttribute(string flag) { } }""",
        """[JobParameter("--shadowed")] public string? Shadowed { get; init; } public sealed class JobParameter { }""",
        """[@JobParameterAttribute("--verbatim")] public string? Verbatim { get; init; }""",
        """[JobParameter("--list")] public IReadOnlyList<string> List { get; init; } = [];""",
        """[JobParameter("--override")] public virtual string? Virtual { get; init; }""",
        "//file\nusing JP = SparkJobGen.JobParameterAttribute;\nnamespace Contoso.Jobs;\n[SparkJobGen.SparkJob(\"alias.py\")] public partial class Aliased { [JP(\"--aliased\")] public string? A { get; init; } [SparkJobGen.JobParameter(\"--b\")] public string? B { get; init; } }",
        "//file\nnamespace Other { public sealed class JobParameterAttribute : System.Attribute { public JobParameterAttribute(string flag) { } } }\nnamespace Contoso.Jobs { using Other; [SparkJobGen.SparkJob(\"other.py\")] public partial class Imported { [JobParameter(\"--which\")] public string? W { get; init; } } }",
        "//file\nnamespace Contoso.Jobs;\n[SparkJob(\"base.py\")] public partial class BaseJob { [JobParameter(\"--from-base\")] public virtual string? FromBase { get; init; } }\n[SparkJob(\"derived.py\")] public partial class DerivedJob : BaseJob { [JobParameter(\"--redeclared\")] public override string? FromBase { get; init; } [JobParameter] public new int Count { get; init; } }",
        "//file\nnamespace Contoso.Jobs;\n[SparkJob(\"record.py\")] public partial record RecordJob([property: JobParameter(\"--positional\")] string Positional) { [JobParameter(\"--body\")] public int Body { get; init; } }",
        "//file\nnamespace Contoso.Jobs;\n[SparkJob(\"partial.py\")] public partial class PartialProperty { [JobParameter(\"--declared\")] public partial string Value { get; set; } }\npublic partial class PartialProperty { public partial string Value { get => field ?? \"\"; set => field = value; } }",
    ];

    [Fact]
    public void Hostile_declarations_generate_what_binding_generates()
    {
        for (var i = 0; i < Hostile.Length; i++)
        {
            AssertSameAsBinding(Source(Hostile[i], i), $"hostile case {i}: {Hostile[i]}");
        }

        AssertSameAsBinding(string.Join("\n", Hostile.Where(static h => !h.StartsWith("//file", StringComparison.Ordinal)).Select((h, i) => Source(h, 100 + i))), "all bodies in one file");
    }

    [Fact]
    public void Random_declarations_generate_what_binding_generates()
    {
        var random = new Random(6122026);
        for (var round = 0; round < 40; round++)
        {
            var files = new List<string>();
            for (var job = 0; job < random.Next(1, 5); job++)
            {
                var body = new StringBuilder();
                for (var member = 0; member < random.Next(0, 6); member++)
                {
                    var pick = Hostile[random.Next(Hostile.Length)];
                    if (!pick.StartsWith("//file", StringComparison.Ordinal) && !pick.Contains("class ", StringComparison.Ordinal) && !pick.Contains("const ", StringComparison.Ordinal))
                    {
                        // Member names are made unique per job so any mix compiles as far as the picked members do.
                        body.AppendLine(pick.Replace(" { get;", member + " { get;", StringComparison.Ordinal));
                    }
                }

                files.Add(Source(body.ToString(), (round * 10) + job));
            }

            AssertSameAsBinding(string.Join("\n", files), $"random round {round}:\n{string.Join("\n", files)}");
        }
    }

    /// <summary>The syntax reading is really taken for plain declarations, and refused where syntax cannot tell.</summary>
    [Fact]
    public void Plain_declarations_are_read_from_syntax_and_the_rest_is_bound()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source(
            """
            [JobParameter("--plain", Format = "yyyyMMdd", Sensitive = true)] public DateOnly Plain { get; init; }
            [JobParameter] public int Kebab { get; init; }
            public string? None { get; init; }
            [SparkJobGen.JobParameter("--qualified")] public string? Qualified { get; init; }
            [JobParameter(Flag)] public string? FromConst { get; init; }
            private const string Flag = "--c";
            """, 0));
        var symbols = JobAttributeSymbols.Create(compilation)!;
        var job = compilation.GetTypeByMetadataName("Contoso.Jobs.Job0")!;
        var reader = ParameterAttributeSyntax.For(compilation, symbols, ParameterAttributeSyntax.HasUsingAlias(compilation))!;

        IPropertySymbol Property(string name) => (IPropertySymbol)job.GetMembers(name).Single();

        Assert.Equal((true, "--plain", "yyyyMMdd", true), reader.Read(Property("Plain")));
        Assert.Equal((true, null, null, false), reader.Read(Property("Kebab")));
        Assert.Equal((false, null, null, false), reader.Read(Property("None")));
        Assert.Null(reader.Read(Property("Qualified")));
        Assert.Null(reader.Read(Property("FromConst")));

        var aliased = GeneratorHarness.CreateCompilation("using JP = SparkJobGen.JobParameterAttribute;");
        Assert.True(ParameterAttributeSyntax.HasUsingAlias(aliased));
        Assert.Null(ParameterAttributeSyntax.For(aliased, JobAttributeSymbols.Create(aliased)!, hasUsingAlias: true));
    }

    private static string Source(string body, int index) =>
        body.StartsWith("//file", StringComparison.Ordinal)
            ? body
            : Header + $$"""
                namespace Contoso.Jobs
                {
                    [SparkJob("jobs/job_{{index}}.py")]
                    public partial class Job{{index}}
                    {
                        {{body}}
                    }
                }
                """;

    private static void AssertSameAsBinding(string source, string because)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var fast = Generate(compilation, bind: false);
        var bound = Generate(compilation.Clone(), bind: true);
        Assert.Equal(bound.Keys.Order(), fast.Keys.Order());
        foreach (var (hint, text) in bound)
        {
            Assert.True(text == fast[hint], $"{because}\n--- {hint} bound:\n{text}\n--- read from syntax:\n{fast[hint]}");
        }
    }

    private static Dictionary<string, string> Generate(Compilation compilation, bool bind)
    {
        SparkJobGenerator.Parser.BindParameterAttributes = bind;
        try
        {
            var (_, _, result) = GeneratorHarness.Run(compilation);
            return result.Results.SelectMany(static r => r.GeneratedSources).ToDictionary(static s => s.HintName, static s => s.SourceText.ToString());
        }
        finally
        {
            SparkJobGenerator.Parser.BindParameterAttributes = false;
        }
    }
}
