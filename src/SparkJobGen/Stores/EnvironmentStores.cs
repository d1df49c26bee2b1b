using System;
using SparkJobGen.Stores.FileSystem;
using SparkJobGen.Stores.S3;
using SparkJobGen.Stores.WebHdfs;

namespace SparkJobGen.Stores;

/// <summary>Opens the environment store a URI names, by scheme.</summary>
public static class EnvironmentStores
{
    /// <summary>The URI schemes with a store: <c>file</c>, <c>s3a</c>, <c>s3</c>, <c>hdfs</c>, <c>webhdfs</c>, <c>swebhdfs</c>.</summary>
    public static readonly string[] Schemes = ["file", "s3a", "s3", "hdfs", "webhdfs", "swebhdfs"];

    /// <summary>Parses a store URI and checks its form (not its existence).</summary>
    /// <param name="location">A folder URI such as <c>s3a://bucket/envs/</c>, <c>hdfs://namenode/user/me/envs/</c> or <c>file:///mnt/shared/envs/</c>.</param>
    /// <exception cref="ArgumentException">Not an absolute URI of a supported scheme, or it names an archive instead of a folder.</exception>
    public static Uri ParseLocation(string location)
    {
        if (location is not null && LocalFileUri(location) is { } local)
        {
            location = local;
        }

        if (string.IsNullOrWhiteSpace(location) || !Uri.TryCreate(location, UriKind.Absolute, out var uri) || Array.IndexOf(Schemes, uri.Scheme) < 0)
        {
            throw new ArgumentException(
                $"The environment store '{location}' is not a folder URI: use s3a://bucket/prefix/, hdfs://namenode/path/ (through WebHDFS), " +
                "webhdfs://host:port/path/ or file:///mounted/folder/.", nameof(location));
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException($"The environment store '{location}' must be a plain folder URI, without '?' or '#'.", nameof(location));
        }

        if (uri.Scheme is "s3a" or "s3" && string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"The environment store '{location}' names no bucket: use s3a://bucket/prefix/.", nameof(location));
        }

        foreach (var extension in StoredArchiveName.Extensions)
        {
            if (uri.AbsolutePath.TrimEnd('/').EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"The environment store '{location}' names an archive, not a folder: give the folder the archives go into (archives are named <environment>-<key>{extension} inside it).",
                    nameof(location));
            }
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }

    /// <summary>
    /// The <c>file:///path</c> form of the other spellings RFC 8089 gives a local folder: <c>file:/path</c> (as Hadoop prints
    /// it) and <c>file://localhost/path</c>; null for anything else. A file URI naming another host is refused: the store is a
    /// folder this machine mounts.
    /// </summary>
    private static string? LocalFileUri(string location)
    {
        if (!location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = location.Substring("file:".Length);
        if (rest.StartsWith("//localhost/", StringComparison.OrdinalIgnoreCase))
        {
            return string.Concat("file://", rest.AsSpan("//localhost".Length));
        }

        if (rest.StartsWith('/') && !rest.StartsWith("//", StringComparison.Ordinal))
        {
            return "file://" + rest;
        }

        if (rest.StartsWith("//", StringComparison.Ordinal) && !rest.StartsWith("///", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The environment store '{location}' names the host '{rest.Substring(2).Split('/')[0]}': a file: store is a folder mounted on this machine, written file:///mounted/folder/.",
                nameof(location));
        }

        return null;
    }

    /// <summary>Opens the store <paramref name="location"/> names.</summary>
    /// <param name="location">The store folder URI (see <see cref="ParseLocation"/>).</param>
    /// <param name="options">Credentials, endpoints and progress.</param>
    /// <exception cref="ArgumentException">The URI is not a supported store folder.</exception>
    /// <exception cref="EnvironmentStoreException">The store's credentials cannot be found.</exception>
    public static IEnvironmentStore Open(string location, EnvironmentStoreOptions? options = null)
    {
        var uri = ParseLocation(location);
        options ??= new EnvironmentStoreOptions();
        return uri.Scheme switch
        {
            "file" => new FileSystemEnvironmentStore(uri, EnvironmentStoreShipper.DigestCacheDirectory(options)),
            "s3a" or "s3" => S3EnvironmentStore.Create(uri, options),
            _ => WebHdfsEnvironmentStore.Create(uri, options),
        };
    }
}
