using System;
using System.IO;

namespace SparkJobGen.Manifest;

/// <summary>
/// Reads <c>GeneratedSparkJobAttribute.Data</c>: the job's channels, conda packages, pip packages, Spark conf, parameters and
/// the parameters' format strings (one per parameter, empty for none) as one string, so each job costs the consumer's compiler one literal instead of arrays of them (analyzers walk every
/// element of an attribute's array arguments). Each list is its element count and <c>;</c>, then each element as its length
/// in UTF-16 code units, <c>:</c> and the text itself, so any text round-trips: <c>1;11:conda-forge</c>.
/// </summary>
internal static class ManifestData
{
    /// <summary>The lists <c>Data</c> holds, in order.</summary>
    public const int ListCount = 6;

    /// <summary>Splits <paramref name="data"/> into its <see cref="ListCount"/> lists.</summary>
    /// <param name="data">The attribute's value.</param>
    /// <param name="job">The job name, for the error message.</param>
    /// <param name="displayName">The assembly, for the error message.</param>
    /// <exception cref="InvalidDataException">The text is not in that form.</exception>
    public static string[][] Decode(string data, string job, string displayName)
    {
        var lists = new string[ListCount][];
        var position = 0;
        for (var list = 0; list < ListCount; list++)
        {
            var count = ReadNumber(data, ref position, ';', job, displayName);
            if (count > data.Length - position)
            {
                throw Malformed(job, displayName);
            }

            var items = new string[count];
            for (var i = 0; i < count; i++)
            {
                var length = ReadNumber(data, ref position, ':', job, displayName);
                if (length > data.Length - position)
                {
                    throw Malformed(job, displayName);
                }

                items[i] = data.Substring(position, length);
                position += length;
            }

            lists[list] = items;
        }

        if (position != data.Length)
        {
            throw Malformed(job, displayName);
        }

        return lists;
    }

    private static int ReadNumber(string data, ref int position, char terminator, string job, string displayName)
    {
        var start = position;
        var number = 0;
        while (position < data.Length && data[position] is >= '0' and <= '9' && position - start < 9)
        {
            number = (number * 10) + (data[position] - '0');
            position++;
        }

        if (position == start || position >= data.Length || data[position] != terminator)
        {
            throw Malformed(job, displayName);
        }

        position++;
        return number;
    }

    private static InvalidDataException Malformed(string job, string displayName) =>
        new($"'{displayName}' records the data of job '{job}' in an unknown shape; rebuild it with this version of SparkJobGen.");
}
