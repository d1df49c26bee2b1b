using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;

namespace SparkJobGen.Stores.S3;

/// <summary>
/// Signs S3 requests with AWS Signature Version 4 (the Authorization header form): a canonical request of the method, the
/// encoded path, the sorted query, the signed headers and the payload's SHA-256; a string to sign over its hash and the
/// date/region/service scope; and an HMAC-SHA256 key derived from the secret through that scope.
/// </summary>
internal sealed class SigV4Signer(S3Credentials credentials, string region)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Service = "s3";

    /// <summary>The SHA-256 of an empty payload.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Adds <c>x-amz-date</c>, <c>x-amz-content-sha256</c>, the session token and the Authorization header.</summary>
    /// <param name="request">The request, with every other header to sign already set.</param>
    /// <param name="payloadHash">The SHA-256 of the body, lower-case hex.</param>
    /// <param name="now">The signing time.</param>
    public void Sign(HttpRequestMessage request, string payloadHash, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        if (credentials.SessionToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("x-amz-security-token", token);
        }

        var uri = request.RequestUri!;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower.StartsWith("x-amz-", StringComparison.Ordinal) || lower is "if-none-match" or "if-match")
            {
                headers[lower] = string.Join(",", values.Select(static v => v.Trim()));
            }
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                var lower = name.ToLowerInvariant();
                if (lower is "content-md5" or "content-type" || lower.StartsWith("x-amz-", StringComparison.Ordinal))
                {
                    headers[lower] = string.Join(",", values.Select(static v => v.Trim()));
                }
            }
        }

        var signedHeaders = string.Join(";", headers.Keys);
        var canonicalRequest = string.Join('\n',
            request.Method.Method,
            uri.AbsolutePath,
            CanonicalQuery(uri.Query),
            string.Concat(headers.Select(static h => h.Key + ":" + h.Value + "\n")),
            signedHeaders,
            payloadHash);
        var scope = $"{date}/{region}/{Service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, Service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, stringToSign));
        request.Headers.TryAddWithoutValidation(
            "Authorization", $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>Percent-encodes a path segment or query part the way SigV4 expects (RFC 3986 unreserved characters kept).</summary>
    /// <param name="value">The text.</param>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    /// <summary>Lower-case hex.</summary>
    /// <param name="bytes">The bytes.</param>
    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    // The query is built already encoded by the store; here it is only split and sorted (a key without '=' gets an empty value).
    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(static p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .OrderBy(static p => p[..p.IndexOf('=', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ThenBy(static p => p, StringComparer.Ordinal);
        return string.Join('&', pairs);
    }
}
