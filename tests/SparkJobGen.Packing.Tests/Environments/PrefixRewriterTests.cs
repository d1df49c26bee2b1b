using System.Text;
using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class PrefixRewriterTests
{
    [Fact]
    public void Text_replaces_every_occurrence()
    {
        var text = Encoding.UTF8.GetBytes("#!/old/prefix/bin/python\nhome=/old/prefix/lib:/old/prefix\n");
        Assert.Equal("#!/new/bin/python\nhome=/new/lib:/new\n", Encoding.UTF8.GetString(PrefixRewriter.RewriteText(text, "/old/prefix", "/new")));
    }

    [Fact]
    public void Binary_keeps_length_and_pads_each_string_with_nuls()
    {
        var data = Encoding.UTF8.GetBytes("\x7fELF\0/old/prefix/lib:/old/prefix/x\0tail\0/old/prefix\0");
        var copy = data.ToArray();
        Assert.Equal(2, PrefixRewriter.RewriteBinary(copy, "/old/prefix", "/n", "libx.so"));
        Assert.Equal(data.Length, copy.Length);
        Assert.Equal("\x7fELF\0/n/lib:/n/x" + new string('\0', 18) + "\0tail\0/n" + new string('\0', 9) + "\0", Encoding.UTF8.GetString(copy));
        var error = Assert.Throws<PrefixTooLongException>(() => PrefixRewriter.RewriteBinary(data.ToArray(), "/old/prefix", "/a/much/longer/prefix", "libx.so"));
        Assert.Contains("libx.so", error.Message);
    }
}
