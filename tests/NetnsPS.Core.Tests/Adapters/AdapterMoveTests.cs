using System.Text.Json;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using Xunit;

namespace NetnsPS.Core.Tests.Adapters;

/// <summary>
/// A move with a rename whose new name is taken: the kernel moves the link under its old name and then refuses the
/// rename (one RTM_NEWLINK with IFLA_NET_NS_FD + IFLA_IFNAME, do_setlink moves before it renames). Move checks the name
/// first; MoveUnchecked skips that check to make the kernel do half, and must put the link back. Oracle: ip -j link.
/// </summary>
public sealed class AdapterMoveTests(NamespaceFixture fx) : NamespaceTests(fx)
{
    private static JsonElement? IpLink(string ns, string name)
    {
        var (code, o, _) = NamespaceFixture.Run("ip", "-n", ns, "-j", "link", "show", "dev", name);
        if (code != 0 || string.IsNullOrWhiteSpace(o)) return null;
        var a = JsonDocument.Parse(o).RootElement;
        return a.GetArrayLength() == 0 ? null : a[0].Clone();
    }

    /// <summary>Namespaces c (with eth1) and e (with eth0): moving eth1 to e under the name eth0 clashes.</summary>
    private (string C, string E) Clash(string from, string to)
    {
        string c = Fx.Name(from), e = Fx.Name(to);
        NamespaceFixture.Ip("netns", "add", c);
        NamespaceFixture.Ip("netns", "add", e);
        NamespaceFixture.Ip("-n", c, "link", "add", "eth1", "type", "ifb");
        NamespaceFixture.Ip("-n", e, "link", "add", "eth0", "type", "ifb");
        return (c, e);
    }

    [Fact]
    public void HalfDoneMoveIsMovedBackAndSaysSo()
    {
        var (c, e) = Clash("mvc", "mve");
        var mac = IpLink(c, "eth1")!.Value.GetProperty("address").GetString();
        using var sessions = new NamespaceSessions();
        var from = sessions.Get(c);
        var to = sessions.Get(e);
        var link = AdapterService.Require(from, "eth1");

        var ex = Assert.Throws<NetnsException>(() => AdapterService.MoveUnchecked(from, link, to, null, "eth0"));

        Assert.Equal("AdapterAlreadyExists", ex.ErrorCode);
        Assert.Contains("moved it but did not rename it", ex.Message);
        Assert.Contains($"moved back to network namespace '{c}'", ex.Message);
        Assert.Null(IpLink(e, "eth1"));
        Assert.Equal(mac, IpLink(c, "eth1")!.Value.GetProperty("address").GetString());
        Assert.NotNull(IpLink(e, "eth0"));
    }

    [Fact]
    public void CheckedMoveRefusesATakenNewNameBeforeAnythingMoves()
    {
        var (c, e) = Clash("mvc2", "mve2");
        var index = IpLink(c, "eth1")!.Value.GetProperty("ifindex").GetInt32();
        using var sessions = new NamespaceSessions();
        var from = sessions.Get(c);
        var link = AdapterService.Require(from, "eth1");

        var ex = Assert.Throws<NetnsException>(() => AdapterService.Move(from, link, sessions.Get(e), null, "eth0"));

        Assert.Equal("AdapterAlreadyExists", ex.ErrorCode);
        Assert.Contains("Nothing was moved", ex.Message);
        Assert.Equal(index, IpLink(c, "eth1")!.Value.GetProperty("ifindex").GetInt32());
        Assert.Null(IpLink(e, "eth1"));
    }
}
