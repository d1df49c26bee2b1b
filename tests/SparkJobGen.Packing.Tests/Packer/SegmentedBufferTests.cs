using System;
using System.Buffers;
using System.IO;
using System.Linq;
using SparkJobGen.Packing;
using SparkJobGen.Packing.Tests.Archives;
using Xunit;

namespace SparkJobGen.Packing.Tests.Packer;

public sealed class SegmentedBufferTests
{
    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 131 % 251)).ToArray();

    private static byte[] ReadAll(SegmentedBuffer buffer)
    {
        using var stream = buffer.OpenRead();
        var copy = new MemoryStream();
        stream.CopyTo(copy, 1000);
        Assert.Equal(buffer.Length, stream.Length);
        return copy.ToArray();
    }

    [Fact]
    public void Writes_across_segments_read_back_as_a_sequence_and_a_stream()
    {
        var data = Pattern(300_000);
        var buffer = new SegmentedBuffer();
        var written = 0;
        foreach (var step in new[] { 10, 65_000, 1_000, 100_000, 33 })
        {
            // A request above a segment's size gets a segment of its own size.
            var span = buffer.GetSpan(step);
            Assert.True(span.Length >= step);
            data.AsSpan(written, step).CopyTo(span);
            buffer.Advance(step);
            written += step;
        }

        Assert.Equal(written, buffer.Length);
        Assert.Equal(data[..written], buffer.AsSequence().ToArray());
        Assert.Equal(data[..written], ReadAll(buffer));
        Assert.Throws<InvalidOperationException>(() => buffer.Advance(1_000_000));
    }

    [Fact]
    public void Reset_empties_and_the_buffer_is_reused()
    {
        var buffer = new SegmentedBuffer();
        buffer.Write(new ReadOnlySpan<byte>(Pattern(1_000_000)));
        buffer.Reset();
        Assert.Equal(0, buffer.Length);
        Assert.True(buffer.AsSequence().IsEmpty);
        Assert.Empty(ReadAll(buffer));

        var again = Pattern(70_000).Reverse().ToArray();
        buffer.Write(new ReadOnlySpan<byte>(again));
        Assert.Equal(again, ReadAll(buffer));
    }

    [Fact]
    public void Reads_a_file_whole_or_up_to_its_end()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.File("data.bin");
        var data = Pattern(200_001);
        File.WriteAllBytes(path, data);
        using var handle = File.OpenHandle(path);
        var buffer = new SegmentedBuffer();
        buffer.ReadFrom(handle, data.Length);
        Assert.Equal(data, buffer.AsSequence().ToArray());

        // A file shorter than announced (it shrank meanwhile): what is there, no more.
        buffer.Reset();
        buffer.ReadFrom(handle, data.Length + 5_000);
        Assert.Equal(data.Length, buffer.Length);
    }
}
