using System;
using System.IO;

namespace SparkJobGen.Packing.Archives;

// The zip writer's two sinks for deflate: a fixed array for a small file, the archive itself for a large one.
internal sealed partial class ZipArchiveWriter
{
    /// <summary>A deflate stream's sink for a small file: fills a fixed array and notes, without throwing, that it overflowed.</summary>
    private sealed class BoundedBufferStream(byte[] buffer, int capacity) : Stream
    {
        public int Written { get; private set; }

        public bool Overflowed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> bytes)
        {
            if (Overflowed || bytes.Length > capacity - Written)
            {
                Overflowed = true;
                return;
            }

            bytes.CopyTo(buffer.AsSpan(Written));
            Written += bytes.Length;
        }
    }

    /// <summary>The deflate stream's sink: writes through the archive, counting the bytes.</summary>
    private sealed class CountingStream(ZipArchiveWriter writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => writer.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);
    }
}
