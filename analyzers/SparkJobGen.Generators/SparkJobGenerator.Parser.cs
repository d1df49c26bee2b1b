using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparkJobGen.Generators.Declarations;
using SparkJobGen.Generators.Model;

namespace SparkJobGen.Generators;

/// <content>Turns symbols into <see cref="JobModel"/> records.</content>
public sealed partial class SparkJobGenerator
{
    /// <summary>Reads a <c>[SparkJob]</c> class into a model, or skips it when it cannot be generated for.</summary>
    internal static class Parser
    {
        private static readonly ConditionalWeakTable<Compilation, JobAttributeSymbols> SymbolsByCompilation = new();

        /// <summary>The cheap syntactic filter: class and record class declarations.</summary>
        /// <param name="node">A node carrying the attribute.</param>
        public static bool IsCandidate(SyntaxNode node) =>
            node is ClassDeclarationSyntax
            || (node is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword));

        /// <summary>
        /// Builds the job's model. Returns <see langword="null"/> (the job is skipped, an analyzer explains why) when the class
        /// is not partial, is static or generic, is nested in a non-partial or generic type, or its script is not a constant.
        /// </summary>
        /// <param name="context">The attribute context.</param>
        /// <param name="cancellationToken">Cancels the work.</param>
        public static JobModel? ParseJob(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type
                || type.TypeKind != TypeKind.Class
                || type.IsStatic
                || type.IsGenericType
                || type.IsFileLocal
                || !IsPartial(type, cancellationToken))
            {
                return null;
            }

            var containing = new List<ContainingTypeModel>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.IsGenericType || outer.IsFileLocal || !IsPartial(outer, cancellationToken))
                {
                    return null;
                }

                containing.Insert(0, new ContainingTypeModel(Keyword(outer), outer.Name));
            }

            var symbols = SymbolsByCompilation.GetValue(context.SemanticModel.Compilation, static c => JobAttributeSymbols.Create(c)!);
            if (symbols is null
                || FirstSparkJob(type, symbols) is not { } sparkJob
                || !DeclaredOn(sparkJob, context.TargetNode))
            {
                // A class whose partial declarations carry [SparkJob] more than once (CS0579) is read once, from the
                // attribute the compiler keeps, when the transform runs for the declaration that holds it.
                return null;
            }

            if (JobDeclarationReader.ReadIdentity(type, sparkJob) is not { } identity
                || identity.Script.Length == 0
                || JobDeclarationReader.GeneratedNameConflict(type, static _ => true) is not null)
            {
                // SJG1013 explains a name conflict: the generator's own output is not in this compilation yet.
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var requirements = JobDeclarationReader.ReadRequirements(type, symbols, cancellationToken);
            string? python = null;
            string? pyspark = null;
            var channels = new List<string>();
            var conda = new List<RequirementModel>();
            var pip = new List<RequirementModel>();
            var conf = new List<ConfEntryModel>();
            var confKeys = new HashSet<string>();
            foreach (var requirement in requirements)
            {
                var value = requirement.Value?.Trim() ?? string.Empty;
                switch (requirement.Kind)
                {
                    case RequirementKind.PythonVersion when python is null && value.Length > 0:
                        python = value;
                        break;
                    case RequirementKind.PySpark when pyspark is null && value.Length > 0:
                        pyspark = value;
                        break;
                    case RequirementKind.CondaChannel:
                        var channel = requirement.Name.Trim();
                        if (channel.Length > 0 && !channels.Contains(channel))
                        {
                            channels.Add(channel);
                        }

                        break;
                    case RequirementKind.CondaPackage when requirement.Name.Trim().Length > 0:
                        conda.Add(new RequirementModel(requirement.Name.Trim(), value, requirement.Build?.Trim()));
                        break;
                    case RequirementKind.PipPackage when requirement.Name.Trim().Length > 0:
                        pip.Add(new RequirementModel(requirement.Name.Trim(), value, null));
                        break;
                    case RequirementKind.SparkConf when IsValidConfKey(requirement.Name) && confKeys.Add(requirement.Name):
                        conf.Add(new ConfEntryModel(requirement.Name, requirement.Value ?? string.Empty));
                        break;
                }
            }

            // The nearest [PythonVersion] and [PySpark] are constraints on the python and pyspark conda packages.
            if (pyspark is not null)
            {
                conda.Insert(0, new RequirementModel("pyspark", pyspark, null));
            }

            if (python is not null)
            {
                conda.Insert(0, new RequirementModel("python", python, null));
            }

            var parameters = new List<ParameterModel>();
            foreach (var parameter in JobDeclarationReader.ReadParameters(type, symbols, cancellationToken))
            {
                if (!parameter.Type.IsSupported || string.IsNullOrWhiteSpace(parameter.Flag)
                    || (parameter.Format is not null && !parameter.Type.IsFormattable)
                    || JobDeclarationReader.WhyUnreadable(parameter.Property, type, context.SemanticModel.Compilation) is not null)
                {
                    continue;
                }

                parameters.Add(new ParameterModel(
                    parameter.Property.Name,
                    parameter.Flag,
                    parameter.Type.Kind,
                    parameter.Type.IsList,
                    parameter.Format,
                    parameter.Property.IsRequired,
                    parameter.Property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    parameter.IsSensitive));
            }

            var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
            var metadataName = (ns.Length > 0 ? ns + "." : string.Empty) + string.Join(".", containing.ConvertAll(static c => c.Name)) + (containing.Count > 0 ? "." : string.Empty) + type.Name;
            return new JobModel(
                ns,
                EquatableArray.From(containing),
                type.Name,
                type.IsRecord ? "record" : "class",
                metadataName,
                identity,
                python,
                pyspark,
                EquatableArray.From(channels),
                EquatableArray.From(conda),
                EquatableArray.From(pip),
                EquatableArray.From(conf),
                EquatableArray.From(parameters),
                HidesDefinition(type, symbols, context.SemanticModel.Compilation));
        }

        /// <summary>The type's first <c>[SparkJob]</c>, in the compiler's order of its declarations.</summary>
        private static AttributeData? FirstSparkJob(INamedTypeSymbol type, JobAttributeSymbols symbols)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (symbols.IsSparkJob(attribute))
                {
                    return attribute;
                }
            }

            return null;
        }

        private static bool DeclaredOn(AttributeData attribute, SyntaxNode declaration) =>
            attribute.ApplicationSyntaxReference is { } reference
            && reference.SyntaxTree == declaration.SyntaxTree
            && declaration.Span.Contains(reference.Span);

        /// <summary>
        /// Whether a base class already has a <c>Definition</c>: a base job always does (its generated member is not in this
        /// compilation yet), a plain base when it declares one the job can see.
        /// </summary>
        private static bool HidesDefinition(INamedTypeSymbol type, JobAttributeSymbols symbols, Compilation compilation)
        {
            if (HasJobBase(type, symbols))
            {
                return true;
            }

            for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                foreach (var declared in baseType.GetMembers(JobDeclarationReader.DefinitionName))
                {
                    if (compilation.IsSymbolAccessibleWithin(declared, type))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool HasJobBase(INamedTypeSymbol type, JobAttributeSymbols symbols)
        {
            for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                foreach (var attribute in baseType.GetAttributes())
                {
                    if (symbols.IsSparkJob(attribute))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsValidConfKey(string key) =>
            key.Length > 0 && key.Trim() == key && key.IndexOf('=') < 0;

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                {
                    return false;
                }

                var partial = false;
                foreach (var modifier in declaration.Modifiers)
                {
                    partial |= modifier.IsKind(SyntaxKind.PartialKeyword);
                }

                if (!partial)
                {
                    return false;
                }
            }

            return type.DeclaringSyntaxReferences.Length > 0;
        }

        private static string Keyword(INamedTypeSymbol type) => type.TypeKind switch
        {
            TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => type.IsRecord ? "record" : "class",
        };
    }
}
