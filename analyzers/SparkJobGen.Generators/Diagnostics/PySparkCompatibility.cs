using System.Collections.Generic;

namespace SparkJobGen.Generators.Diagnostics;

/// <summary>
/// What one PySpark release line documents about its Python and its optional dependencies. A <see langword="null"/>
/// field means no source was found for it, and nothing is checked against it.
/// </summary>
/// <param name="Major">The PySpark major version.</param>
/// <param name="Minor">The PySpark minor version.</param>
/// <param name="PythonMinimum">The oldest supported Python minor (<c>3.8</c>).</param>
/// <param name="PythonMaximum">The newest Python minor the release is documented or packaged for.</param>
/// <param name="PandasMinimum">The minimum pandas version.</param>
/// <param name="PyArrowMinimum">The minimum pyarrow version.</param>
/// <param name="NumPyMinimum">The minimum numpy version.</param>
/// <param name="Source">Where the facts come from.</param>
internal sealed record PySparkLine(
    int Major,
    int Minor,
    string? PythonMinimum,
    string? PythonMaximum,
    string? PandasMinimum,
    string? PyArrowMinimum,
    string? NumPyMinimum,
    string Source)
{
    /// <summary>The line as written in messages, <c>3.5</c>.</summary>
    public string Name => Major + "." + Minor;

    /// <summary>The documented minimum of <paramref name="package"/> (<c>pandas</c>, <c>pyarrow</c> or <c>numpy</c>).</summary>
    /// <param name="package">The normalized package name.</param>
    public string? MinimumOf(string package) => package switch
    {
        "pandas" => PandasMinimum,
        "pyarrow" => PyArrowMinimum,
        "numpy" => NumPyMinimum,
        _ => null,
    };
}

/// <summary>A combination of a PySpark line range and a dependency version that is known not to work.</summary>
/// <param name="FirstLine">The first affected PySpark line, <c>3.0</c>.</param>
/// <param name="LastLine">The last affected PySpark line, <c>3.3</c>.</param>
/// <param name="Package">The dependency (<c>pandas</c>).</param>
/// <param name="BrokenFrom">The first dependency version that breaks (<c>2.0</c>).</param>
/// <param name="Reason">What breaks and where it was fixed.</param>
/// <param name="Source">Where the fact comes from.</param>
internal sealed record BrokenCombination(
    (int Major, int Minor) FirstLine,
    (int Major, int Minor) LastLine,
    string Package,
    string BrokenFrom,
    string Reason,
    string Source)
{
    /// <summary>Whether <paramref name="line"/> is affected.</summary>
    /// <param name="line">A PySpark line.</param>
    public bool Affects(PySparkLine line) =>
        (line.Major, line.Minor).CompareTo(FirstLine) >= 0 && (line.Major, line.Minor).CompareTo(LastLine) <= 0;
}

/// <summary>
/// The one table of PySpark compatibility facts the SJG2005, SJG2006 and SJG2007 analyzers check, each row with its source
/// (also listed in <c>docs/diagnostics/SJG2005.md</c>, <c>SJG2006.md</c> and <c>SJG2007.md</c>). Lines without a sourced
/// fact leave it <see langword="null"/>: an unknown is never reported.
/// </summary>
internal static class PySparkCompatibility
{
    /// <summary>PySpark release lines, oldest first.</summary>
    public static IReadOnlyList<PySparkLine> Lines { get; } = new[]
    {
        new PySparkLine(3, 1, null, null, "0.23.2", "1.0.0", "1.7",
            "pyspark 3.1.2 runtime dependencies, https://gpo.zugaina.org/dev-python/pyspark/Dep"),
        new PySparkLine(3, 3, "3.7", "3.10", "1.0.5", "1.0.0", "1.15",
            "apache/spark python/setup.py of Spark 3.3 (commit 042e09295db7efcead290029ee373889de942ecd): python_requires='>=3.7', classifiers 3.7-3.10, _minimum_pandas_version, _minimum_pyarrow_version, numpy>=1.15"),
        new PySparkLine(3, 4, null, null, "1.0.5", "1.0.0", "1.15",
            "Anaconda pyspark 3.4.1 package metadata, https://anaconda.org/anaconda/pyspark/files/modal/info/64d2cf1202d9853f250fe4b6"),
        new PySparkLine(3, 5, "3.8", "3.12", "1.0.5", "4.0.0", "1.15",
            "Anaconda pyspark 3.5.3 and 3.5.4 package metadata (depends; py312 build), https://anaconda.org/anaconda/pyspark/files/modal/info/67476dcc1153cb51a1fa2f7f and https://anaconda.org/anaconda/pyspark/files/modal/info/67bde6737b262ef3de1729c6"),
        new PySparkLine(4, 0, "3.9", null, "2.0.0", "11.0.0", "1.21",
            "Anaconda pyspark 4.0.1 package metadata, https://anaconda.org/anaconda/pyspark/files/modal/info/68d6c10fb87cce6fd0aee7d4; Python 3.8 dropped in Spark 4.0"),
        new PySparkLine(4, 1, "3.10", null, null, "15.0.0", null,
            "PySpark upgrade guide, 'Upgrading from PySpark 4.0 to 4.1', https://apache.github.io/spark/api/python/migration_guide/pyspark_upgrade.html"),
    };

    /// <summary>Combinations known not to work.</summary>
    public static IReadOnlyList<BrokenCombination> Broken { get; } = new[]
    {
        new BrokenCombination((3, 0), (3, 3), "pandas", "2.0",
            "createDataFrame from a pandas DataFrame calls DataFrame.iteritems, which pandas 2.0 removed (fixed in PySpark 3.4 by SPARK-42593)",
            "https://github.com/apache/spark/pull/37947 and https://github.com/microsoft/hummingbird/issues/694"),
        new BrokenCombination((3, 0), (3, 5), "numpy", "2.0",
            "PySpark 3.x is built against NumPy 1.x; its conda packages require numpy <2",
            "Anaconda pyspark 3.5.3 package metadata (numpy >=1.15,<2), https://anaconda.org/anaconda/pyspark/files/modal/info/67476dcc1153cb51a1fa2f7f"),
    };
}
