using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace SparkJobGen.Submission.Livy;

/// <summary>How requests to a Livy server authenticate. Its <see cref="object.ToString"/> never shows the secret.</summary>
public abstract record LivyAuthentication
{
    private protected LivyAuthentication()
    {
    }

    /// <summary><c>Authorization: Bearer &lt;token&gt;</c> (Knox, cloud gateways, OAuth proxies).</summary>
    /// <param name="token">The token.</param>
    public static LivyAuthentication Bearer(string token) => new BearerToken(RequireSecret(token, nameof(token)));

    /// <summary>HTTP Basic authentication (<c>Authorization: Basic base64(user:password)</c>).</summary>
    /// <param name="user">The user.</param>
    /// <param name="password">The password.</param>
    public static LivyAuthentication Basic(string user, string password) =>
        new BasicCredentials(RequireSecret(user, nameof(user)), RequireSecret(password, nameof(password)));

    /// <summary>A custom header carrying a secret, for example an API-gateway key.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value (treated as a secret).</param>
    public static LivyAuthentication Header(string name, string value) =>
        new CustomHeader(RequireSecret(name, nameof(name)), RequireSecret(value, nameof(value)));

    /// <summary>The secret values to mask in logs and errors.</summary>
    internal abstract IEnumerable<string> Secrets { get; }

    /// <summary>Adds the credentials to a request.</summary>
    /// <param name="request">The outgoing request.</param>
    internal abstract void Apply(HttpRequestMessage request);

    private static string RequireSecret(string value, string parameter) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException("The value must not be empty.", parameter) : value;

    private sealed record BearerToken(string Token) : LivyAuthentication
    {
        internal override IEnumerable<string> Secrets => [Token];

        internal override void Apply(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        public override string ToString() => "Bearer ***";
    }

    private sealed record BasicCredentials(string User, string Password) : LivyAuthentication
    {
        private string Encoded => Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password));

        internal override IEnumerable<string> Secrets => [Password, Encoded];

        internal override void Apply(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Encoded);

        public override string ToString() => $"Basic {User}:***";
    }

    private sealed record CustomHeader(string Name, string Value) : LivyAuthentication
    {
        internal override IEnumerable<string> Secrets => [Value];

        internal override void Apply(HttpRequestMessage request) => request.Headers.TryAddWithoutValidation(Name, Value);

        public override string ToString() => $"{Name}: ***";
    }
}
