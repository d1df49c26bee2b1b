using System;

namespace SparkJobGen;

/// <summary>
/// The oldest GNU C library (glibc) on the cluster's nodes, as <c>major.minor</c> (for example <c>2.17</c> for CentOS 7,
/// <c>2.28</c> for RHEL 8). Before submitting, the preflight reads the highest <c>GLIBC_x.y</c> symbol version that the native
/// code in the packed environment needs and refuses an archive that needs a newer glibc than this. Without it, no check is made.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class ClusterGlibcAttribute : Attribute
{
    /// <summary>Declares the cluster's glibc floor.</summary>
    /// <param name="version">The glibc version, <c>major.minor</c>.</param>
    public ClusterGlibcAttribute(string version) => Version = version;

    /// <summary>The glibc version, <c>major.minor</c>.</summary>
    public string Version { get; }
}
