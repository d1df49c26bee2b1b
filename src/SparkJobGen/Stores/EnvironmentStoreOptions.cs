using System;
using System.Collections.Generic;

namespace SparkJobGen.Stores;

/// <summary>How environment stores are reached and authenticated.</summary>
/// <remarks>
/// Credentials come from the standard places and are never printed: for S3, <c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c>, else the <c>AWS_PROFILE</c> (or <c>default</c>) profile of
/// <c>~/.aws/credentials</c> and <c>~/.aws/config</c> (<c>AWS_SHARED_CREDENTIALS_FILE</c>, <c>AWS_CONFIG_FILE</c>); the region
/// from <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c> or the profile; an S3-compatible endpoint from <c>AWS_ENDPOINT_URL_S3</c>
/// or <c>AWS_ENDPOINT_URL</c>. For WebHDFS, a delegation token from <see cref="WebHdfsTokenVariable"/>, else the user name
/// from <c>HADOOP_USER_NAME</c>, else the login name.
/// </remarks>
public sealed record EnvironmentStoreOptions
{
    /// <summary>The variable holding a WebHDFS delegation token: <c>SPARKJOBGEN_WEBHDFS_TOKEN</c>.</summary>
    public const string WebHdfsTokenVariable = "SPARKJOBGEN_WEBHDFS_TOKEN";

    /// <summary>The variable naming the WebHDFS (or HttpFS) HTTP address of an <c>hdfs://</c> store: <c>SPARKJOBGEN_WEBHDFS_URL</c>.</summary>
    public const string WebHdfsUrlVariable = "SPARKJOBGEN_WEBHDFS_URL";

    /// <summary>Variables that override the process environment (a null value hides a variable), for tests and embedding.</summary>
    public IReadOnlyDictionary<string, string?>? EnvironmentVariables { get; init; }

    /// <summary>Where archive digests are cached; default <c>$SPARKJOBGEN_CACHE/store-digests</c> (else <c>$XDG_CACHE_HOME/sparkjobgen/store-digests</c>, else <c>~/.cache/sparkjobgen/store-digests</c>).</summary>
    public string? DigestCacheDirectory { get; init; }

    /// <summary>
    /// The HTTP address of WebHDFS or HttpFS for <c>hdfs://</c> stores, for example <c>http://namenode:9870</c>; default the
    /// <see cref="WebHdfsUrlVariable"/> variable, else the namenode host of the URI on port 9870 (Hadoop 3's namenode HTTP port).
    /// </summary>
    public Uri? WebHdfsEndpoint { get; init; }

    /// <summary>Receives upload progress.</summary>
    public Action<StoreUploadProgress>? OnProgress { get; init; }

    /// <summary>Receives every secret the store resolved (secret keys, session and delegation tokens) so a redactor can mask them.</summary>
    public Action<string>? OnSecret { get; init; }

    /// <summary>Reads a variable: the override first, then the process environment.</summary>
    /// <param name="name">The variable name.</param>
    internal string? GetVariable(string name)
    {
        if (EnvironmentVariables is not null && EnvironmentVariables.TryGetValue(name, out var value))
        {
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var process = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(process) ? null : process;
    }
}

/// <summary>Progress of one upload.</summary>
/// <param name="Name">The object being written.</param>
/// <param name="BytesSent">Bytes sent so far.</param>
/// <param name="TotalBytes">The archive's length.</param>
public sealed record StoreUploadProgress(string Name, long BytesSent, long TotalBytes);
