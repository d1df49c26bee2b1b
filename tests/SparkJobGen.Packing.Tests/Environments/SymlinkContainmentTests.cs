using SparkJobGen.Packing;

namespace SparkJobGen.Packing.Tests.Environments;

public sealed class SymlinkContainmentTests
{
    [Theory]
    [InlineData("bin/python", "python3.11", "python3.11")]
    [InlineData("lib/libz.so", "../lib/libz.so.1", "../lib/libz.so.1")]
    [InlineData("bin/python", "/env/bin/python3.11", "python3.11")]
    [InlineData("lib/python3.11/site-packages/x", "/env/share/x", "../../../share/x")]
    public void Inside_targets_are_kept_relative(string link, string target, string expected) =>
        Assert.Equal(expected, SymlinkContainment.RelativeTarget("/env", link, target));

    [Theory]
    [InlineData("bin/python", "/usr/bin/python3")]
    [InlineData("bin/python", "/envother/bin/python")]
    [InlineData("bin/python", "../../usr/bin/python3")]
    [InlineData("lib/a", "../../b")]
    public void Escaping_targets_are_refused_with_the_link_named(string link, string target)
    {
        var error = Assert.Throws<EscapingSymlinkException>(() => SymlinkContainment.RelativeTarget("/env", link, target));
        Assert.Contains(link, error.Message);
    }
}
