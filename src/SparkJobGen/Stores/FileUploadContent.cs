using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SparkJobGen.Stores;

/// <summary>An HTTP body streamed from a local file in 1 MiB slices, reporting the bytes sent so far.</summary>
internal sealed class FileUploadContent(string path, long length, IProgress<long>? progress) : HttpContent
{
    /// <inheritdoc/>
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc/>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[1024 * 1024];
        long sent = 0;
        while (sent < length)
        {
            var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The archive '{path}' became shorter while it was being uploaded.");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }
    }

    /// <inheritdoc/>
    protected override bool TryComputeLength(out long contentLength)
    {
        contentLength = length;
        return true;
    }
}
