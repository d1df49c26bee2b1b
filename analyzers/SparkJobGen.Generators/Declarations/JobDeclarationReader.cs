using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace SparkJobGen.Generators.Declarations;

/// <summary>
/// Reads what a job class declares, from symbols: its identity, the environment requirements that apply to it (from the job,
/// its base classes nearest first, then its assembly) and its parameters. Shared by the generator (which maps the result to
/// plain equatable records at once) and the analyzers (which use the attribute applications for locations).
/// </summary>
internal static class JobDeclarationReader
{
    /// <summary>Reads the job's name, script and environment from its <c>[SparkJob]</c> application, applying defaults.</summary>
    /// <param name="job">The job class.</param>
    /// <param name="sparkJobAttribute">Its <c>[SparkJob]</c> application.</param>
    /// <returns>The identity, or <see langword="null"/> when the script argument is missing or not a constant string.</returns>
    public static JobIdentity? ReadIdentity(INamedTypeSymbol job, AttributeData sparkJobAttribute)
    {
        if (sparkJobAttribute.ConstructorArguments.Length != 1 || sparkJobAttribute.ConstructorArguments[0].Value is not string script)
        {
            return null;
        }

        string? name = null;
        string? environment = null;
        foreach (var named in sparkJobAttribute.NamedArguments)
        {
            if (named.Key == "Name")
            {
                name = named.Value.Value as string;
            }
            else if (named.Key == "Environment")
            {
                environment = named.Value.Value as string;
            }
        }

        name = string.IsNullOrWhiteSpace(name) ? ToKebabCase(job.Name) : name!.Trim();
        environment = string.IsNullOrWhiteSpace(environment) ? name : environment!.Trim();
        return new JobIdentity(name, NormalizeScriptPath(script), environment);
    }

    /// <summary>
    /// Every requirement attribute that applies to <paramref name="job"/>, in precedence order: the job's own (in source
    /// order), then each base class from nearest to farthest, then the job's assembly. Applications whose arguments are
    /// not constant strings are skipped.
    /// </summary>
    /// <param name="job">The job class.</param>
    /// <param name="symbols">The resolved attribute types.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public static ImmutableArray<DeclaredRequirement> ReadRequirements(
        INamedTypeSymbol job,
        JobAttributeSymbols symbols,
        CancellationToken cancellationToken)
    {
        // Sized for exactly the requirement attributes (those whose arguments are all constant strings, the usual case), so
        // the array is allocated once and handed over without a copy: every analyzer reads every job.
        var capacity = CountRequirementAttributes(job.GetAttributes(), symbols) + CountRequirementAttributes(job.ContainingAssembly.GetAttributes(), symbols);
        for (var type = job.BaseType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            capacity += CountRequirementAttributes(type.GetAttributes(), symbols);
        }

        var result = ImmutableArray.CreateBuilder<DeclaredRequirement>(capacity);
        AddRequirements(result, job, job.GetAttributes(), DeclarationScope.Job, symbols);
        for (var type = job.BaseType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AddRequirements(result, type, type.GetAttributes(), DeclarationScope.BaseClass, symbols);
        }

        AddRequirements(result, job.ContainingAssembly, job.ContainingAssembly.GetAttributes(), DeclarationScope.Assembly, symbols);
        return result.Count == result.Capacity ? result.MoveToImmutable() : result.ToImmutable();
    }

    /// <summary>
    /// The properties marked <c>[JobParameter]</c>, base classes first, each type in source order. A parameter's attribute
    /// is read from the most derived declaration of the property that carries one (an override with its own
    /// <c>[JobParameter("--other")]</c> changes the flag), in the place of the first.
    /// </summary>
    /// <param name="job">The job class.</param>
    /// <param name="symbols">The resolved attribute types.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    public static ImmutableArray<DeclaredParameter> ReadParameters(
        INamedTypeSymbol job,
        JobAttributeSymbols symbols,
        CancellationToken cancellationToken)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var type = job; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            chain.Add(type);
        }

        chain.Reverse();
        var result = ImmutableArray.CreateBuilder<DeclaredParameter>();
        var seen = new Dictionary<string, int>();
        foreach (var type in chain)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var member in type.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false } property)
                {
                    continue;
                }

                var attribute = FindParameterAttribute(property, symbols);
                if (attribute is null)
                {
                    continue;
                }

                // Bind to the most derived declaration of the name so the generated code reads the visible member.
                var visible = FindMostDerived(job, property.Name) ?? property;
                var flag = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string explicitFlag
                    ? explicitFlag
                    : "--" + ToKebabCase(property.ExplicitInterfaceImplementations.Length > 0 ? property.Name.Substring(property.Name.LastIndexOf('.') + 1) : property.Name);
                string? format = null;
                var sensitive = false;
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Format")
                    {
                        format = named.Value.Value as string;
                    }
                    else if (named.Key == "Sensitive")
                    {
                        sensitive = named.Value.Value is true;
                    }
                }

                var parameter = new DeclaredParameter(visible, attribute, flag, format, ParameterTypes.Classify(visible.Type), sensitive);
                if (seen.TryGetValue(property.Name, out var index))
                {
                    // An override (or a hiding declaration) with its own [JobParameter] declares the parameter anew, in the
                    // place the base gave it: the nearest declaration's flag, format and sensitivity are the job's.
                    result[index] = parameter;
                }
                else
                {
                    seen.Add(property.Name, result.Count);
                    result.Add(parameter);
                }
            }
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// Why <paramref name="job"/> cannot read <paramref name="property"/> as <c>this.Name</c>, or <see langword="null"/> when it
    /// can: the property has no get accessor, or one private to a base class or otherwise out of the job's reach.
    /// </summary>
    /// <param name="property">The parameter's property (the most derived declaration of its name).</param>
    /// <param name="job">The job class.</param>
    /// <param name="compilation">The compilation, for accessibility across assemblies.</param>
    public static string? WhyUnreadable(IPropertySymbol property, INamedTypeSymbol job, Compilation compilation)
    {
        if (property.GetMethod is not { } getter)
        {
            return "has no get accessor";
        }

        if (compilation.IsSymbolAccessibleWithin(getter, job, throughType: job))
        {
            return null;
        }

        return getter.DeclaredAccessibility == Accessibility.Private
            ? $"has a get accessor private to '{getter.ContainingType.Name}'"
            : $"has a get accessor that '{job.Name}' cannot access";
    }

    /// <summary>
    /// The <c>[JobParameter]</c> properties of <paramref name="job"/> itself that cannot be parameters, with why: a static
    /// property or an indexer has no value on the job object (<see cref="ReadParameters"/> leaves them out).
    /// </summary>
    /// <param name="job">The job class.</param>
    /// <param name="symbols">The resolved attribute types.</param>
    public static IEnumerable<(IPropertySymbol Property, string Reason)> IgnoredParameterProperties(INamedTypeSymbol job, JobAttributeSymbols symbols)
    {
        foreach (var member in job.GetMembers())
        {
            if (member is IPropertySymbol { IsStatic: true } or IPropertySymbol { IsIndexer: true }
                && FindParameterAttribute((IPropertySymbol)member, symbols) is not null)
            {
                var property = (IPropertySymbol)member;
                yield return (property, property.IsStatic
                    ? "is static, and the job reads each parameter from the job object"
                    : "is an indexer, which has no single value to pass");
            }
        }
    }

    /// <summary>The name of the static property the generator adds to every job class.</summary>
    public const string DefinitionName = "Definition";

    /// <summary>
    /// Why the generator cannot give <paramref name="job"/> its <c>Definition</c>, or <see langword="null"/> when it can: the
    /// class is named <c>Definition</c>, declares a member of that name, or inherits an abstract one, which a generated
    /// static property cannot implement (a plain inherited member of that name is hidden with <c>new</c>). Members named
    /// like the extension methods are no conflict here: SJG1019 reports the calls they capture.
    /// </summary>
    /// <param name="job">The job class.</param>
    /// <param name="isUserCode">Whether a member declared in a syntax tree is the user's (the analyzers see the generated members too).</param>
    public static string? GeneratedNameConflict(INamedTypeSymbol job, Func<SyntaxTree, bool> isUserCode)
    {
        if (job.Name == DefinitionName)
        {
            return $"is named '{DefinitionName}', the name of the static property the generator adds to it";
        }

        if (DeclaredByUser(job, DefinitionName, isUserCode))
        {
            return $"declares a member named '{DefinitionName}', which the generator adds to it";
        }

        for (var baseType = job.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            foreach (var member in baseType.GetMembers(DefinitionName))
            {
                if (member is IMethodSymbol or IPropertySymbol && member.IsAbstract)
                {
                    return $"inherits the abstract member '{baseType.Name}.{DefinitionName}', which the generated static '{DefinitionName}' cannot implement";
                }
            }
        }

        return null;
    }

    private static bool DeclaredByUser(INamedTypeSymbol job, string name, Func<SyntaxTree, bool> isUserCode)
    {
        foreach (var member in job.GetMembers(name))
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                if (isUserCode(reference.SyntaxTree))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Converts a PascalCase or camelCase identifier to kebab-case: <c>ScoreCustomers</c> → <c>score-customers</c>, <c>HTTPPort</c> → <c>http-port</c>.</summary>
    /// <param name="identifier">The identifier.</param>
    public static string ToKebabCase(string identifier)
    {
        var builder = new StringBuilder(identifier.Length + 8);
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (c == '_')
            {
                if (builder.Length > 0 && builder[builder.Length - 1] != '-')
                {
                    builder.Append('-');
                }

                continue;
            }

            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(identifier[i - 1]) || char.IsDigit(identifier[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(identifier[i - 1]) && i + 1 < identifier.Length && char.IsLower(identifier[i + 1]);
                if (builder.Length > 0 && builder[builder.Length - 1] != '-' && (previousIsLowerOrDigit || endsAcronym))
                {
                    builder.Append('-');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim('-');
    }

    /// <summary>Normalizes a script path: forward slashes, no leading <c>./</c>.</summary>
    /// <param name="script">The declared script path.</param>
    public static string NormalizeScriptPath(string script)
    {
        var normalized = script.Trim().Replace('\\', '/');
        while (normalized.StartsWith("./", System.StringComparison.Ordinal))
        {
            normalized = normalized.Substring(2);
        }

        return normalized;
    }

    private static int CountRequirementAttributes(ImmutableArray<AttributeData> attributes, JobAttributeSymbols symbols)
    {
        var count = 0;
        foreach (var attribute in attributes)
        {
            if (symbols.TryGetRequirementKind(attribute, out _))
            {
                count++;
            }
        }

        return count;
    }

    private static void AddRequirements(
        ImmutableArray<DeclaredRequirement>.Builder result,
        ISymbol declaringSymbol,
        ImmutableArray<AttributeData> attributes,
        DeclarationScope scope,
        JobAttributeSymbols symbols)
    {
        foreach (var attribute in attributes)
        {
            if (!symbols.TryGetRequirementKind(attribute, out var kind))
            {
                continue;
            }

            var arguments = attribute.ConstructorArguments;
            if (arguments.Length == 0 || arguments[0].Kind == TypedConstantKind.Error || arguments[0].Value is not string first)
            {
                continue;
            }

            string? second = arguments.Length > 1 ? arguments[1].Value as string : null;
            string? build = null;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "Build")
                {
                    build = named.Value.Value as string;
                }
            }

            var requirement = kind switch
            {
                RequirementKind.PythonVersion => new DeclaredRequirement(kind, "python", first, null, scope, declaringSymbol, attribute),
                RequirementKind.PySpark => new DeclaredRequirement(kind, "pyspark", first, null, scope, declaringSymbol, attribute),
                RequirementKind.CondaChannel => new DeclaredRequirement(kind, first, null, null, scope, declaringSymbol, attribute),
                RequirementKind.SparkConf when second is null => (DeclaredRequirement?)null,
                _ => new DeclaredRequirement(kind, first, second, build, scope, declaringSymbol, attribute),
            };

            if (requirement is { } value)
            {
                result.Add(value);
            }
        }
    }

    private static AttributeData? FindParameterAttribute(IPropertySymbol property, JobAttributeSymbols symbols)
    {
        foreach (var attribute in property.GetAttributes())
        {
            if (symbols.IsJobParameter(attribute))
            {
                return attribute;
            }
        }

        return null;
    }

    private static IPropertySymbol? FindMostDerived(INamedTypeSymbol job, string name)
    {
        for (var type = job; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IPropertySymbol property)
                {
                    return property;
                }
            }
        }

        return null;
    }
}
