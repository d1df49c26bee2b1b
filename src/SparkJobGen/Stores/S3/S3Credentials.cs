using System;
using System.Collections.Generic;
using System.IO;

namespace SparkJobGen.Stores.S3;

/// <summary>AWS credentials (never printed: <see cref="ToString"/> shows the access key id only).</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret access key.</param>
/// <param name="SessionToken">The session token of temporary credentials, or null.</param>
/// <param name="Source">Where they came from, for messages: <c>environment</c> or <c>profile 'name'</c>.</param>
public sealed record S3Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken, string Source)
{
    /// <summary>The access key id and the source; never the secret.</summary>
    public override string ToString() => $"{AccessKeyId} (from {Source})";
}

/// <summary>
/// Resolves S3 credentials, region and endpoint from the standard places, in the AWS SDKs' order: the environment
/// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>), then the profile named by
/// <c>AWS_PROFILE</c> (else <c>default</c>) in the shared credentials file and the config file. Single sign-on, credential
/// processes and instance metadata are not read: export their credentials into the environment (for example with
/// <c>aws configure export-credentials --format env</c>).
/// </summary>
internal static class S3CredentialChain
{
    /// <summary>Resolves the credentials.</summary>
    /// <param name="options">Variable overrides.</param>
    /// <exception cref="EnvironmentStoreException">None found.</exception>
    public static S3Credentials ResolveCredentials(EnvironmentStoreOptions options)
    {
        var id = options.GetVariable("AWS_ACCESS_KEY_ID");
        var secret = options.GetVariable("AWS_SECRET_ACCESS_KEY");
        if (id is not null && secret is not null)
        {
            return new S3Credentials(id, secret, options.GetVariable("AWS_SESSION_TOKEN"), "environment");
        }

        var profile = options.GetVariable("AWS_PROFILE") ?? "default";
        foreach (var (file, section) in new[] { (CredentialsFile(options), profile), (ConfigFile(options), profile == "default" ? "default" : "profile " + profile) })
        {
            var values = ReadSection(file, section);
            if (values.TryGetValue("aws_access_key_id", out var profileId) && values.TryGetValue("aws_secret_access_key", out var profileSecret))
            {
                return new S3Credentials(profileId, profileSecret, values.GetValueOrDefault("aws_session_token"), $"profile '{profile}' in {file}");
            }
        }

        throw new EnvironmentStoreException(
            "No AWS credentials found for the S3 environment store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary " +
            $"credentials), or AWS_PROFILE naming a profile with aws_access_key_id in {CredentialsFile(options)}.");
    }

    /// <summary>The region: <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile's <c>region</c>, else <c>us-east-1</c>.</summary>
    /// <param name="options">Variable overrides.</param>
    public static string ResolveRegion(EnvironmentStoreOptions options)
    {
        if ((options.GetVariable("AWS_REGION") ?? options.GetVariable("AWS_DEFAULT_REGION")) is { } region)
        {
            return region;
        }

        var profile = options.GetVariable("AWS_PROFILE") ?? "default";
        var values = ReadSection(ConfigFile(options), profile == "default" ? "default" : "profile " + profile);
        return values.GetValueOrDefault("region") ?? "us-east-1";
    }

    /// <summary>An S3-compatible endpoint: <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>; null for AWS itself.</summary>
    /// <param name="options">Variable overrides.</param>
    /// <exception cref="EnvironmentStoreException">The variable is not an http(s) URL.</exception>
    public static Uri? ResolveEndpoint(EnvironmentStoreOptions options)
    {
        var text = options.GetVariable("AWS_ENDPOINT_URL_S3") ?? options.GetVariable("AWS_ENDPOINT_URL");
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new EnvironmentStoreException($"AWS_ENDPOINT_URL_S3/AWS_ENDPOINT_URL '{text}' is not an http(s) URL such as https://s3.example.com.");
        }

        return endpoint;
    }

    private static string HomeFile(string name) => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", name);

    private static string CredentialsFile(EnvironmentStoreOptions options) => options.GetVariable("AWS_SHARED_CREDENTIALS_FILE") ?? HomeFile("credentials");

    private static string ConfigFile(EnvironmentStoreOptions options) => options.GetVariable("AWS_CONFIG_FILE") ?? HomeFile("config");

    // The INI format of the AWS shared files: [section] headers, key = value lines, # and ; comments.
    private static Dictionary<string, string> ReadSection(string file, string section)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(file))
        {
            return values;
        }

        var inSection = false;
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                inSection = string.Equals(line[1..^1].Trim(), section, StringComparison.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (inSection && equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return values;
    }
}
