using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// SJG1019: a <c>job.ToSubmission()</c> or <c>job.ToJobArguments()</c> call on a job object that C# binds to another
/// method than SparkJobGen's extension methods (<c>global::SparkJobExtensions</c>). Member lookup finds a member of the
/// job's type first, and extension methods are searched from the innermost enclosing namespace outwards, so a method of
/// the job class or a base class, or a same-named extension method of the caller's namespace, wins over the global
/// namespace's. The call itself is where that is decided, so it is checked there, with the compiler's own binding.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExtensionCallAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ExtensionCallShadowed);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownAttributes.SparkJobInterface) is not { } jobInterface)
            {
                return;
            }

            // Looked up in the runtime's own assembly: a type of the same name in the user's code does not stand in for it.
            var extensions = jobInterface.ContainingAssembly.GetTypeByMetadataName("SparkJobExtensions");
            start.RegisterOperationAction(operation => Analyze(operation, jobInterface, extensions), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol jobInterface, INamedTypeSymbol? extensions)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name is not ("ToSubmission" or "ToJobArguments")
            || SymbolEqualityComparer.Default.Equals(method.ContainingType, extensions)
            || invocation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
        {
            return;
        }

        IOperation? receiver;
        if (method.IsExtensionMethod)
        {
            // Ext.ToSubmission(job) names its method; only the reduced form job.ToSubmission() was chosen by lookup.
            if (invocation.Arguments.Length == 0 || invocation.Arguments[0].Syntax is ArgumentSyntax)
            {
                return;
            }

            receiver = invocation.Arguments[0].Value;
        }
        else
        {
            receiver = invocation.Instance;
        }

        while (receiver is IConversionOperation { IsImplicit: true } conversion)
        {
            receiver = conversion.Operand;
        }

        // Inside the job class, this.ToSubmission() and base.ToSubmission() mean its own members.
        if (receiver is null or IInstanceReferenceOperation || receiver.Type is not { } type
            || !context.Compilation.HasImplicitConversion(type, jobInterface))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ExtensionCallShadowed,
            access.Name.GetLocation(),
            method.Name,
            type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            method.ReducedFrom?.ToDisplayString() ?? method.ToDisplayString()));
    }
}
