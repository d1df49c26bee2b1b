using System;

namespace SparkJobGen.Stores;

/// <summary>
/// An environment store refused or could not serve a request: wrong or missing credentials, a location that is not a folder,
/// a missing bucket or folder, an unreachable server. The message says what to fix and never contains a credential.
/// </summary>
public sealed class EnvironmentStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    public EnvironmentStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EnvironmentStoreException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public EnvironmentStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
