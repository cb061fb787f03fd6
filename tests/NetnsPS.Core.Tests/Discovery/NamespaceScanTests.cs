using NetnsPS.Core.Discovery;
using Xunit;

namespace NetnsPS.Core.Tests.Discovery;

public sealed class NamespaceScanTests
{
    [Fact]
    public void ParsesAnNsfsMountInfoLineWithEscapedSpaces()
    {
        var line = @"612 29 0:4 net:[4026532999] /tmp/a\040b/ns\134x rw,relatime shared:300 - nsfs nsfs rw";
        Assert.True(NamespaceScan.TryParseMountInfoLine(line, out var ino, out var mp));
        Assert.Equal(4026532999UL, ino);
        Assert.Equal("/tmp/a b/ns\\x", mp);
    }

    [Theory]
    [InlineData("43 42 0:4 mnt:[4026531841] /run/x rw shared:2 - nsfs nsfs rw")]        // another namespace type
    [InlineData("25 1 0:22 / /proc rw,nosuid shared:13 - proc proc rw")]                 // not nsfs
    [InlineData("43 42 0:4 net:[4026532177] /run/netns/x rw shared:2 nsfs nsfs rw")]     // no separator
    [InlineData("garbage")]
    public void IgnoresOtherLines(string line) => Assert.False(NamespaceScan.TryParseMountInfoLine(line, out _, out _));

    [Fact]
    public void OptionalFieldsBeforeTheSeparatorAreSkipped()
    {
        var line = "44 42 0:4 net:[4026532246] /run/netns/y rw shared:3 master:7 propagate_from:2 - nsfs nsfs rw";
        Assert.True(NamespaceScan.TryParseMountInfoLine(line, out var ino, out var mp));
        Assert.Equal(4026532246UL, ino);
        Assert.Equal("/run/netns/y", mp);
    }

    [Fact]
    public void ScanFindsThisProcessInItsOwnNamespace()
    {
        var scan = NamespaceScan.Scan();
        var own = NamespaceScan.CurrentNamespaceInode();
        Assert.NotNull(own);
        Assert.Contains(Environment.ProcessId, scan[own!.Value].ProcessIds);
    }
}
