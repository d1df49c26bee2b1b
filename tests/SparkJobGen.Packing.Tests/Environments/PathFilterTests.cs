using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class PathFilterTests
{
    private static readonly string[] Paths =
        ["bin/python", "lib/a.pyc", "lib/sub/b.pyc", "lib/keep/c.pyc", "share/doc/x", "x1.txt", "xa.txt"];

    [Fact]
    public void Rules_apply_in_order_and_include_adds_back()
    {
        Assert.Equal(["bin/python", "lib/keep/c.pyc", "share/doc/x", "x1.txt", "xa.txt"],
            PathFilter.Apply(Paths, [new(false, "*.pyc"), new(true, "lib/keep/*")]));
        Assert.Equal(["bin/python", "share/doc/x", "x1.txt", "xa.txt"],
            PathFilter.Apply(Paths, [new(true, "lib/keep/*"), new(false, "*.pyc")]));
        Assert.Equal(["bin/python", "lib/a.pyc", "lib/sub/b.pyc", "lib/keep/c.pyc", "share/doc/x", "xa.txt"],
            PathFilter.Apply(Paths, [new(false, "x[0-9].txt")]));
        Assert.Equal(["x1.txt"], PathFilter.Apply(Paths, [new(false, "*"), new(true, "x?.txt"), new(false, "x[!0-9].txt")]));
    }
}
