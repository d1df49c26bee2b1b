using System;

namespace SparkJobGen;

/// <summary>
/// A Spark configuration entry passed as <c>--conf key=value</c>. Entries accumulate from the assembly, base classes
/// and the job; for the same key the nearest declaration wins, and a value set on the submission builder wins over all.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class SparkConfAttribute : Attribute
{
    /// <summary>Declares a configuration entry.</summary>
    /// <param name="key">The Spark property, for example <c>spark.sql.shuffle.partitions</c>.</param>
    /// <param name="value">Its value.</param>
    public SparkConfAttribute(string key, string value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The Spark property.</summary>
    public string Key { get; }

    /// <summary>The value.</summary>
    public string Value { get; }
}
