using System.Globalization;

namespace SparkJobGen.Tests.Submission;

/// <summary>
/// <see cref="JobArgumentList.Render"/>, which <c>job.ToJobArguments()</c> calls with the job's values, renders each
/// value exactly as the typed method for its parameter does (<c>Add</c> per type, <c>AddFlag</c>, <c>AddEach</c>,
/// <c>AddFormatted</c>, <c>AddEachFormatted</c>, a sensitive scope): random jobs of every supported type, nullable and list form,
/// compared with the same values rendered through those methods, which the generated code called one by one before.
/// </summary>
public sealed class JobArgumentRenderTests
{
    private enum Tier
    {
        Gold,
        Silver,
        Bronze,
    }

    /// <summary>One parameter: its info, its value, and how the typed methods render it.</summary>
    private sealed record Case(JobParameterInfo Info, object? Value, Action<JobArgumentList> Typed);

    [Fact]
    public void Random_jobs_render_as_their_typed_calls_do()
    {
        var random = new Random(20261206);
        for (var round = 0; round < 400; round++)
        {
            var cases = Enumerable.Range(0, random.Next(0, 9)).Select(i => RandomCase(random, i)).ToList();
            var definition = Definition(cases.Select(static c => c.Info));
            var previous = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = new CultureInfo(round % 2 == 0 ? "de-DE" : "ar-SA");
                var expected = new JobArgumentList();
                foreach (var c in cases)
                {
                    if (c.Info.IsSensitive)
                    {
                        using var scope = expected.Sensitive();
                        c.Typed(expected);
                    }
                    else
                    {
                        c.Typed(expected);
                    }
                }

                var wanted = (RenderedJobArguments)expected.ToArray();
                var actual = (RenderedJobArguments)JobArgumentList.Render(definition, cases.Select(static c => c.Value).ToArray());
                Assert.Equal(wanted, actual);
                Assert.Equal(wanted.SensitiveValues, actual.SensitiveValues);
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
            }
        }
    }

    /// <summary>
    /// An enum value no member has renders as its number in invariant form: <see cref="Enum.ToString()"/> writes it with the
    /// current culture's negative sign, which under ar-SA is preceded by U+061C (this test found it).
    /// </summary>
    [Fact]
    public void An_enum_value_without_a_member_renders_its_number_culture_invariantly()
    {
        var definition = Definition([new JobParameterInfo("Level", "--level", "Tier", false, false, false), new JobParameterInfo("Levels", "--levels", "Tier[]", false, false, true)]);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
            Assert.StartsWith("\u061C", ((Tier)(-1)).ToString(), StringComparison.Ordinal);

            Assert.Equal(["--level=-1", "--levels=-2", "--levels", "Silver"], JobArgumentList.Render(definition, [(Tier)(-1), new[] { (Tier)(-2), Tier.Silver }]));
            Assert.Equal(["--level=-7"], new JobArgumentList().AddEnum("--level", (Tier?)(Tier)(-7)).ToArray());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_value_count_other_than_the_parameter_count_asks_for_a_rebuild()
    {
        var definition = Definition([new JobParameterInfo("Input", "--input", "string", true, false, false)]);

        var error = Assert.Throws<InvalidOperationException>(() => JobArgumentList.Render(definition, ["a", "b"]));

        Assert.Equal("The job 'probe' records 1 parameter(s) but its generated code passed 2 value(s); rebuild the project.", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_shape_names_the_parameter()
    {
        var flag = Definition([new JobParameterInfo("DryRun", "--dry-run", "bool", false, true, false)]);
        var list = Definition([new JobParameterInfo("Days", "--day", "string[]", false, false, true)]);
        var scalar = Definition([new JobParameterInfo("Size", "--size", "short", false, false, false)]);

        Assert.Contains("'--dry-run' is a bool parameter", Assert.Throws<ArgumentException>(() => JobArgumentList.Render(flag, ["yes"])).Message, StringComparison.Ordinal);
        Assert.Contains("'--day' is a list parameter", Assert.Throws<ArgumentException>(() => JobArgumentList.Render(list, ["2026-01-01"])).Message, StringComparison.Ordinal);
        Assert.Contains("'--size' has a value of type System.Int16", Assert.Throws<ArgumentException>(() => JobArgumentList.Render(scalar, [(short)3])).Message, StringComparison.Ordinal);
    }

    private static SparkJobDefinition Definition(IEnumerable<JobParameterInfo> parameters) =>
        new("probe", "probe.py", "default", "name: default\n", null, null, [], [], [], [], parameters.ToArray());

    private static Case RandomCase(Random random, int index)
    {
        var flag = "--p" + index.ToString(CultureInfo.InvariantCulture);
        var sensitive = random.Next(4) == 0;
        var nullValue = random.Next(6) == 0;
        JobParameterInfo Info(bool isFlag = false, bool isList = false) => new("P" + index, flag, "t", random.Next(2) == 0, isFlag, isList, sensitive);

        switch (random.Next(17))
        {
            case 0:
            {
                var value = nullValue ? null : RandomText(random);
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 1:
            {
                bool? value = nullValue ? null : random.Next(2) == 0;
                return new(Info(isFlag: true), value, l => l.AddFlag(flag, value));
            }

            case 2:
            {
                int? value = nullValue ? null : random.Next(int.MinValue, int.MaxValue);
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 3:
            {
                long? value = nullValue ? null : random.NextInt64(long.MinValue, long.MaxValue);
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 4:
            {
                double? value = nullValue ? null : RandomDouble(random);
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 5:
            {
                decimal? value = nullValue ? null : new decimal(random.Next(), random.Next(), random.Next(), random.Next(2) == 0, (byte)random.Next(29));
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 6:
            {
                DateOnly? value = nullValue ? null : DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber));
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 7:
            {
                DateTime? value = nullValue ? null : new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), (DateTimeKind)random.Next(3));
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 8:
            {
                DateTimeOffset? value = nullValue ? null : new DateTimeOffset(random.NextInt64(DateTime.MaxValue.Ticks / 2, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60)));
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 9:
            {
                TimeSpan? value = nullValue ? null : new TimeSpan(random.NextInt64(-TimeSpan.TicksPerDay * 400, TimeSpan.TicksPerDay * 400));
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 10:
            {
                var value = nullValue ? null : new Uri(random.Next(2) == 0 ? "s3a://bucket/" + RandomText(random).Replace(" ", "/") : "relative/" + random.Next(), UriKind.RelativeOrAbsolute);
                return new(Info(), value, l => l.Add(flag, value));
            }

            case 11:
            {
                Tier? value = nullValue ? null : (Tier)random.Next(-1, 4);
                return new(Info(), value, l => l.AddEnum(flag, value));
            }

            case 12:
            {
                IFormattable? value = nullValue ? null : random.Next(3) switch
                {
                    0 => DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber)),
                    1 => RandomDouble(random),
                    _ => random.Next(),
                };
                var format = random.Next(3) switch { 0 => "yyyyMMdd", 1 => "N2", _ => "X" };
                if (value is DateOnly && format != "yyyyMMdd" || value is not DateOnly && format == "yyyyMMdd" || value is double && format == "X")
                {
                    format = value is DateOnly ? "yyyyMMdd" : "N2";
                }

                return new(Info(), JobArgumentList.WithFormat(value, format), l => l.AddFormatted(flag, value, format));
            }

            case 13:
            {
                var values = nullValue ? null : Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(5) == 0 ? null : RandomText(random)).ToList();
                return new(Info(isList: true), values, l => l.AddEach(flag, values));
            }

            case 14:
            {
                var values = nullValue ? null : Enumerable.Range(0, random.Next(4)).Select(_ => (object?)(random.Next(3) switch
                {
                    0 => RandomDouble(random),
                    1 => (Tier)random.Next(3),
                    _ => DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber)),
                })).ToArray();
                return new(Info(isList: true), values, l => l.AddEach(flag, values));
            }

            case 15:
            {
                DateOnly?[]? values = nullValue ? null : Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(4) == 0 ? (DateOnly?)null : DateOnly.FromDayNumber(random.Next(DateOnly.MaxValue.DayNumber))).ToArray();
                return new(Info(isList: true), JobArgumentList.WithFormatEach(values, "yyyyMMdd"), l => l.AddEachFormatted(flag, values, "yyyyMMdd"));
            }

            default:
            {
                var values = nullValue ? null : new HashSet<long>(Enumerable.Range(0, random.Next(4)).Select(_ => random.NextInt64(-1000, 1000)));
                return new(Info(isList: true), values, l => l.AddEach(flag, values));
            }
        }
    }

    private static string RandomText(Random random)
    {
        const string Alphabet = "ab -=x\"ü€\n\t/\\'$";
        var chars = new char[random.Next(0, 12)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(chars);
    }

    private static double RandomDouble(Random random) => random.Next(8) switch
    {
        0 => double.NaN,
        1 => double.NegativeInfinity,
        2 => -0.0,
        3 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var bits && double.IsFinite(bits) ? bits : 1e-300,
        _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12)),
    };
}
