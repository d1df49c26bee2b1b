using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Xml;

namespace SparkJobGen;

/// <summary>
/// Renders typed job parameters into the argument list passed to the Python script, culture-invariantly.
/// <c>job.ToJobArguments()</c> (<see cref="SparkJobExtensions"/>) calls <see cref="Render"/>; every value becomes exactly one argv element, never a shell string.
/// </summary>
/// <remarks>
/// A value is written as two elements, <c>--flag value</c>, except when the value itself begins with <c>-</c>: then it is
/// written as one element <c>--flag=value</c>, so argparse-style parsers read it as the flag's value and never as another option.
/// Dates render as ISO 8601 (<c>2026-11-24</c>, round-trip <c>O</c> for date-times), durations as ISO 8601 durations
/// (<c>PT1H30M</c>), numbers in their shortest round-trip invariant form. <see langword="null"/> values are omitted.
/// </remarks>
public sealed class JobArgumentList : IReadOnlyList<string>
{
    private readonly List<string> _items = new();
    private readonly List<string> _sensitiveValues = new();
    private int _sensitiveDepth;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public string this[int index] => _items[index];

    /// <summary>Adds <paramref name="flag"/> with a string value; omitted when <paramref name="value"/> is null.</summary>
    /// <param name="flag">The flag, for example <c>--input</c>.</param>
    /// <param name="value">The value, passed through exactly.</param>
    public JobArgumentList Add(string flag, string? value)
    {
        ValidateFlag(flag);
        if (value is null)
        {
            return this;
        }

        if (_sensitiveDepth > 0)
        {
            _sensitiveValues.Add(value);
        }

        if (value.Length > 0 && value[0] == '-')
        {
            _items.Add(flag + "=" + value);
        }
        else
        {
            _items.Add(flag);
            _items.Add(value);
        }

        return this;
    }

    /// <summary>Adds a boolean flag: present when <paramref name="value"/> is true, omitted otherwise.</summary>
    /// <param name="flag">The flag, for example <c>--dry-run</c>.</param>
    /// <param name="value">Whether the flag is set.</param>
    public JobArgumentList AddFlag(string flag, bool? value)
    {
        ValidateFlag(flag);
        if (value == true)
        {
            _items.Add(flag);
        }

        return this;
    }

    /// <summary>Adds an integer.</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, int? value) =>
        Add(flag, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a 64-bit integer.</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, long? value) =>
        Add(flag, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a double in its shortest round-trip invariant form (<c>0.5</c>, <c>1E-07</c>, <c>NaN</c>).</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, double? value) =>
        Add(flag, value?.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Adds a decimal in invariant form, keeping its scale (<c>1.50</c>).</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, decimal? value) =>
        Add(flag, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a date as ISO 8601 <c>yyyy-MM-dd</c>.</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, DateOnly? value) =>
        Add(flag, value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>Adds a date and time in ISO 8601 round-trip form (<c>2026-11-24T08:30:00.0000000Z</c>).</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, DateTime? value) =>
        Add(flag, value?.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Adds a date and time with offset in ISO 8601 round-trip form (<c>2026-11-24T08:30:00.0000000+01:00</c>).</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, DateTimeOffset? value) =>
        Add(flag, value?.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Adds a duration as an ISO 8601 duration (<c>PT1H30M</c>, <c>P2D</c>, <c>-PT5S</c>).</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, TimeSpan? value) =>
        Add(flag, value is { } duration ? XmlConvert.ToString(duration) : null);

    /// <summary>Adds a URI exactly as it was written (<see cref="Uri.OriginalString"/>).</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList Add(string flag, Uri? value) => Add(flag, value?.OriginalString);

    /// <summary>Adds an enum member by name (numeric value when the value is not a named member).</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    public JobArgumentList AddEnum<TEnum>(string flag, TEnum? value)
        where TEnum : struct, Enum =>
        Add(flag, value is { } member ? EnumText(member) : null);

    /// <summary>Adds a formattable value with an explicit invariant-culture format string.</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="value">The value; omitted when null.</param>
    /// <param name="format">The format string, for example <c>yyyyMMdd</c>.</param>
    public JobArgumentList AddFormatted(string flag, IFormattable? value, string format) =>
        Add(flag, value?.ToString(format, CultureInfo.InvariantCulture));

    /// <summary>
    /// Adds every element of a list parameter, each with the flag: <c>--segment a --segment b</c>. Each element renders as the
    /// <c>Add</c> overload of its type does (an enum member by name); a null list and null elements are omitted.
    /// </summary>
    /// <param name="flag">The flag, repeated per element.</param>
    /// <param name="values">The elements: strings, <see cref="Uri"/>s, enums, or numbers, dates, date-times and durations of the
    /// types the <c>Add</c> overloads take.</param>
    /// <exception cref="ArgumentException">An element is of another type.</exception>
    public JobArgumentList AddEach(string flag, IEnumerable? values)
    {
        ValidateFlag(flag);
        if (values is not null)
        {
            foreach (var value in values)
            {
                AddElement(flag, value);
            }
        }

        return this;
    }

    /// <summary>Adds every element of a list parameter with an explicit invariant-culture format string, each with the flag.</summary>
    /// <param name="flag">The flag, repeated per element.</param>
    /// <param name="values">The elements, each <see cref="IFormattable"/>; a null list and null elements are omitted.</param>
    /// <param name="format">The format string, for example <c>yyyyMMdd</c>.</param>
    /// <exception cref="ArgumentException">An element is not <see cref="IFormattable"/>.</exception>
    public JobArgumentList AddEachFormatted(string flag, IEnumerable? values, string format)
    {
        ValidateFlag(flag);
        if (values is not null)
        {
            foreach (var value in values)
            {
                switch (value)
                {
                    case null:
                        break;
                    case IFormattable formattable:
                        Add(flag, formattable.ToString(format, CultureInfo.InvariantCulture));
                        break;
                    default:
                        throw UnsupportedElement(flag, value);
                }
            }
        }

        return this;
    }

    /// <summary>
    /// Marks the values added from here until <see cref="EndSensitive"/> as secrets, like <see cref="Sensitive"/> in a fluent
    /// chain (<see cref="Render"/> does the same for each <c>[JobParameter(Sensitive = true)]</c> value).
    /// </summary>
    public JobArgumentList BeginSensitive()
    {
        _sensitiveDepth++;
        return this;
    }

    /// <summary>Ends the innermost <see cref="BeginSensitive"/>.</summary>
    public JobArgumentList EndSensitive()
    {
        if (_sensitiveDepth > 0)
        {
            _sensitiveDepth--;
        }

        return this;
    }

    /// <summary>
    /// Renders a job's parameter values as its script's arguments (<see cref="Render{TJob}"/>, which
    /// <c>job.ToJobArguments()</c> calls, reads them from a job object and passes them here). Each value renders as the <c>Add</c>
    /// method for its parameter does: a flag parameter is present when true, a list parameter
    /// repeats its flag per element, a sensitive parameter's values are remembered for masking, and a value wrapped by
    /// <see cref="WithFormat"/> or <see cref="WithFormatEach"/> uses its format string.
    /// </summary>
    /// <param name="job">The job's definition, whose <see cref="SparkJobDefinition.Parameters"/> give each value's flag and traits.</param>
    /// <param name="values">One value per parameter, in the order of <see cref="SparkJobDefinition.Parameters"/>.</param>
    /// <exception cref="InvalidOperationException">The number of values is not the number of parameters: the job's assembly was
    /// not built by the generator that emitted the caller.</exception>
    /// <exception cref="ArgumentException">A value is of a type SparkJobGen cannot render.</exception>
    public static IReadOnlyList<string> Render(SparkJobDefinition job, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(values);
        var parameters = job.Parameters;
        if (values.Length != parameters.Count)
        {
            throw new InvalidOperationException(
                $"The job '{job.Name}' records {parameters.Count} parameter(s) but its generated code passed {values.Length} value(s); rebuild the project.");
        }

        var list = new JobArgumentList();
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.IsSensitive)
            {
                list.BeginSensitive().AddParameter(parameter, values[i]);
                list.EndSensitive();
            }
            else
            {
                list.AddParameter(parameter, values[i]);
            }
        }

        return list.ToArray();
    }

    /// <summary>
    /// Renders the script's arguments of <paramref name="instance"/>: what <c>job.ToJobArguments()</c> returns. Each
    /// parameter's value is read from the property <see cref="JobParameterInfo.PropertyName"/> names, the most derived
    /// declaration of that name on <typeparamref name="TJob"/> or its base classes (the member the job's own code reads as
    /// <c>this.Name</c>), and rendered as <see cref="Render(SparkJobDefinition, object?[])"/> renders it, with the parameter's
    /// <see cref="JobParameterInfo.Format"/> when it has one.
    /// </summary>
    /// <remarks>
    /// <c>job.ToJobArguments()</c> passes its own type argument, the static type of the job at the call (the job class, or a
    /// base job's when the variable is typed so), and trimming keeps the
    /// properties this method can read: the class's own and its base classes' non-private ones, as
    /// <c>[DynamicallyAccessedMembers]</c> with public and non-public properties does (the members
    /// <see cref="Type.GetProperties(BindingFlags)"/> lists). Reading the values here, not in generated code, keeps a job's
    /// generated source to one call: compiling a property read per parameter in every job was a measurable share of a
    /// consumer's build (bench/consumer-build).
    /// </remarks>
    /// <typeparam name="TJob">The job class.</typeparam>
    /// <param name="job">The job's definition.</param>
    /// <param name="instance">The job object whose property values are rendered.</param>
    /// <exception cref="InvalidOperationException">A parameter's property is not on <typeparamref name="TJob"/>: the definition
    /// is another job's, or the property was trimmed away.</exception>
    /// <exception cref="ArgumentException">A value is of a type SparkJobGen cannot render.</exception>
    public static IReadOnlyList<string> Render<[DynamicallyAccessedMembers(ParameterProperties)] TJob>(SparkJobDefinition job, TJob instance)
        where TJob : notnull
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        var parameters = job.Parameters;
        var values = new object?[parameters.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = parameters[i];
            var value = FindProperty(typeof(TJob), parameter.PropertyName) is { GetMethod: not null } property
                ? property.GetValue(instance)
                : throw new InvalidOperationException(
                    $"The job '{job.Name}' reads its parameter '{parameter.Flag}' from the property '{parameter.PropertyName}', which {typeof(TJob).FullName} does not have "
                    + "with a get accessor: pass the job object of this definition, or rebuild the project. In a trimmed app, a generic method that calls "
                    + "ToJobArguments() or ToSubmission() on a type parameter needs [DynamicallyAccessedMembers(PublicProperties | NonPublicProperties)] on it "
                    + "(the trim analyzer's IL2091), or the trimmer removes the property.");
            values[i] = parameter.Format is null ? value : new FormattedValue(value, parameter.Format);
        }

        return Render(job, values);
    }

    /// <summary>The properties <see cref="Render{TJob}"/> reads: any instance property a job class declares.</summary>
    private const DynamicallyAccessedMemberTypes ParameterProperties = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    /// <summary>The most derived instance property named <paramref name="name"/> on <paramref name="type"/> or a base class.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Trimming keeps a base class's non-private properties for the annotated type (the members GetProperties(NonPublic) lists); a private one it removes is reported as missing, never read wrong.")]
    private static PropertyInfo? FindProperty([DynamicallyAccessedMembers(ParameterProperties)] Type type, string name)
    {
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        for (Type? declaring = type; declaring is not null; declaring = declaring.BaseType)
        {
            if (declaring.GetProperty(name, Declared) is { } property)
            {
                return property;
            }
        }

        return null;
    }

    /// <summary>A value of a parameter with <c>[JobParameter(Format = ...)]</c>, for <see cref="Render"/>: rendered as <see cref="AddFormatted"/> does.</summary>
    /// <param name="value">The value; omitted when null.</param>
    /// <param name="format">The format string, for example <c>yyyyMMdd</c>.</param>
    public static object WithFormat(IFormattable? value, string format) => new FormattedValue(value, format);

    /// <summary>The elements of a list parameter with <c>[JobParameter(Format = ...)]</c>, for <see cref="Render"/>: rendered as <see cref="AddEachFormatted"/> does.</summary>
    /// <param name="values">The elements; a null list and null elements are omitted.</param>
    /// <param name="format">The format string, for example <c>yyyyMMdd</c>.</param>
    public static object WithFormatEach(IEnumerable? values, string format) => new FormattedValue(values, format);

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Marks the values added until the returned scope is disposed as secrets (<c>[JobParameter(Sensitive = true)]</c>): they
    /// still reach the script, but <see cref="RenderedJobArguments.SensitiveValues"/> lists them so every printed, logged or
    /// JSON output of the submission masks them.
    /// </summary>
    public SensitiveScope Sensitive()
    {
        _sensitiveDepth++;
        return new SensitiveScope(this);
    }

    /// <summary>Copies the arguments into an immutable list that remembers which values are sensitive.</summary>
    public IReadOnlyList<string> ToArray() => new RenderedJobArguments(_items.ToArray(), _sensitiveValues.ToArray());

    private void AddParameter(JobParameterInfo parameter, object? value)
    {
        var flag = parameter.Flag;
        if (value is FormattedValue formatted)
        {
            try
            {
                if (parameter.IsList)
                {
                    AddEachFormatted(flag, formatted.Value as IEnumerable, formatted.Format);
                }
                else
                {
                    AddFormatted(flag, formatted.Value as IFormattable, formatted.Format);
                }
            }
            catch (FormatException exception)
            {
                // The value's own message names neither the parameter nor the format.
                throw new FormatException(
                    $"The job parameter '{parameter.PropertyName}' ({flag}) has Format = \"{formatted.Format}\", which cannot format its value of type {parameter.TypeName}: "
                    + $"{exception.Message} Fix the format in [JobParameter(Format = \"...\")].",
                    exception);
            }
        }
        else if (parameter.IsFlag)
        {
            AddFlag(flag, value switch
            {
                null => null,
                bool set => set,
                _ => throw UnsupportedValue(flag, value, "a bool"),
            });
        }
        else if (parameter.IsList)
        {
            AddEach(flag, value switch
            {
                null => null,
                IEnumerable values and not string => values,
                _ => throw UnsupportedValue(flag, value, "a list"),
            });
        }
        else
        {
            ValidateFlag(flag);
            AddElement(flag, value);
        }
    }

    private static ArgumentException UnsupportedValue(string flag, object value, string expected) =>
        new($"The parameter '{flag}' is {expected} parameter but was given a {value.GetType().FullName}.", nameof(value));

    private void AddElement(string flag, object? value)
    {
        switch (value)
        {
            case null:
                break;
            case string text:
                Add(flag, text);
                break;
            case Uri uri:
                Add(flag, uri);
                break;
            case int number:
                Add(flag, number);
                break;
            case long number:
                Add(flag, number);
                break;
            case double number:
                Add(flag, number);
                break;
            case decimal number:
                Add(flag, number);
                break;
            case DateOnly date:
                Add(flag, date);
                break;
            case DateTime dateTime:
                Add(flag, dateTime);
                break;
            case DateTimeOffset dateTimeOffset:
                Add(flag, dateTimeOffset);
                break;
            case TimeSpan duration:
                Add(flag, duration);
                break;
            case Enum member:
                Add(flag, EnumText(member));
                break;
            default:
                throw UnsupportedElement(flag, value);
        }
    }

    /// <summary>
    /// An enum value's member name, or its number in invariant form when no member has that value: <see cref="Enum.ToString()"/>
    /// writes such a number with the current culture's negative sign (under ar-SA, U+061C before the minus).
    /// </summary>
    private static string EnumText(Enum member) =>
        Enum.IsDefined(member.GetType(), member)
            ? member.ToString()
            : ((IFormattable)Convert.ChangeType(member, Enum.GetUnderlyingType(member.GetType()), CultureInfo.InvariantCulture)).ToString(null, CultureInfo.InvariantCulture);

    private static ArgumentException UnsupportedElement(string flag, object value) =>
        new($"The parameter '{flag}' has a value of type {value.GetType().FullName}, which SparkJobGen cannot render as an argument.", nameof(value));

    private static void ValidateFlag(string flag)
    {
        if (string.IsNullOrWhiteSpace(flag))
        {
            throw new ArgumentException("A job parameter flag must not be empty.", nameof(flag));
        }
    }

    /// <summary>A value, or a list's elements, with the format string of its parameter.</summary>
    private sealed record FormattedValue(object? Value, string Format);

    /// <summary>Ends a <see cref="Sensitive"/> block.</summary>
    public readonly struct SensitiveScope : IDisposable
    {
        private readonly JobArgumentList? _owner;

        internal SensitiveScope(JobArgumentList owner) => _owner = owner;

        /// <summary>Stops marking added values as sensitive.</summary>
        public void Dispose()
        {
            if (_owner is not null && _owner._sensitiveDepth > 0)
            {
                _owner._sensitiveDepth--;
            }
        }
    }
}

/// <summary>
/// A script's rendered arguments (from <see cref="JobArgumentList.ToArray"/>) together with the values of sensitive
/// parameters among them, which <see cref="SparkSubmission"/> carries to every runner's redactor.
/// </summary>
public sealed class RenderedJobArguments : IReadOnlyList<string>
{
    private readonly string[] _items;

    /// <summary>Wraps rendered arguments.</summary>
    /// <param name="items">The argv elements.</param>
    /// <param name="sensitiveValues">The values among them that must never be printed.</param>
    public RenderedJobArguments(IReadOnlyList<string> items, IReadOnlyList<string> sensitiveValues)
    {
        _items = (items ?? throw new ArgumentNullException(nameof(items))).ToArray();
        SensitiveValues = (sensitiveValues ?? throw new ArgumentNullException(nameof(sensitiveValues))).ToArray();
    }

    /// <summary>The values of sensitive parameters, as passed to the script.</summary>
    public IReadOnlyList<string> SensitiveValues { get; }

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public string this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
