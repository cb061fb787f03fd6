using System.Buffers.Binary;
using System.Net;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using Xunit;

namespace NetnsPS.Core.Tests.Netlink.Rtnl;

/// <summary>Encoding of the new link kinds and parsing of kind data, IFLA_STATS64 and neighbour entries.</summary>
public sealed class L2ParseTests
{
    /// <summary>The payload (after nlmsghdr) of a built message, as the kernel would see it.</summary>
    private static byte[] Payload(NetlinkMessageBuilder b) => b.Finish(1)[Nl.HeaderSize..].ToArray();

    [Fact]
    public void VxlanRequestCarriesKindDataInKernelByteOrder()
    {
        var b = Links.NewLinkRequest("vx0", "vxlan", null, 1450, null, d =>
        {
            d.AddU32(Ifla.VXLAN_ID, 4200);
            d.AddAttribute(Ifla.VXLAN_GROUP, IPAddress.Parse("10.64.0.2").GetAddressBytes());
            d.AddAttribute(Ifla.VXLAN_PORT, new byte[] { 0x12, 0xB5 });
        });
        Assert.Equal(Rtm.NEWLINK, b.Type);
        // The request parses back like a reply would: the same parser sees name, MTU, kind and the kind data.
        var info = Links.Parse(Payload(b));
        Assert.Equal("vx0", info.Name);
        Assert.Equal(1450, info.Mtu);
        Assert.Equal("vxlan", info.Kind);
        Assert.Equal(4200u, info.VxlanId);
        Assert.Equal(4789, info.VxlanPort);                       // big-endian on the wire
        Assert.Equal(IPAddress.Parse("10.64.0.2"), info.VxlanGroup);
    }

    [Fact]
    public void MacvlanAndTunDataAndStatistics()
    {
        var b = Links.NewLinkRequest("mv0", "macvlan", 7, null, null, d => d.AddU32(Ifla.MACVLAN_MODE, Ifla.MACVLAN_MODE_PRIVATE));
        var mv = Links.Parse(Payload(b));
        Assert.Equal(7, mv.LinkIndex);
        Assert.Equal("Private", Links.MacvlanModeName(mv.MacvlanMode));

        var t = new NetlinkMessageBuilder(Rtm.NEWLINK, 0);
        t.AddHeader(Ifla.IfInfoMsgSize);
        t.AddString(Ifla.IFNAME, "tap0");
        var stats = new byte[8 * 24];
        for (int i = 0; i < 24; i++) BinaryPrimitives.WriteUInt64LittleEndian(stats.AsSpan(i * 8), (ulong)(i + 1) * 10);
        t.AddAttribute(Ifla.STATS64, stats);
        t.BeginNested(Ifla.LINKINFO).AddString(Ifla.INFO_KIND, "tun").BeginNested(Ifla.INFO_DATA)
            .AddU8(Ifla.TUN_TYPE, 2).AddU8(Ifla.TUN_PERSIST, 1).AddU32(Ifla.TUN_OWNER, 4321).EndNested().EndNested();
        var tap = Links.Parse(Payload(t));
        Assert.Equal("tap", Links.DescribeKind(tap));
        Assert.True(tap.TunPersist);
        Assert.Equal(4321u, tap.TunOwner);
        // struct rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped
        Assert.Equal(new LinkStatistics(10, 20, 30, 40, 50, 60, 70, 80), tap.Statistics);
    }

    [Fact]
    public void SetRequestCarriesMasterZeroForNoMaster()
    {
        var payload = Payload(Links.SetRequest(5, master: 0));
        uint? master = null;
        foreach (var a in new NetlinkAttributeReader(payload.AsSpan(Ifla.IfInfoMsgSize)))
            if (a.Type == Ifla.MASTER) master = a.U32;
        Assert.Equal(0u, master);
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)));
    }

    [Fact]
    public void NeighborEntriesParseAndSkipProxiesAndBridgeEntries()
    {
        var mac = new byte[] { 2, 0, 0, 0, 0, 9 };
        var add = Neighbors.AddRequest(3, IPAddress.Parse("fd00::9"), mac, Nda.NUD_PERMANENT);
        var n = Neighbors.Parse(Payload(add));
        Assert.NotNull(n);
        Assert.Equal(Af.INET6, n!.Family);
        Assert.Equal(3, n.InterfaceIndex);
        Assert.Equal(IPAddress.Parse("fd00::9"), n.Address);
        Assert.Equal(mac, n.LinkLayerAddress);
        Assert.Equal("Permanent", Nda.StateName(n.State));

        var proxy = Payload(Neighbors.AddRequest(3, IPAddress.Parse("10.0.0.1"), null, Nda.NUD_PERMANENT));
        proxy[10] = Nda.NTF_PROXY;
        Assert.Null(Neighbors.Parse(proxy));
        var bridge = Payload(Neighbors.AddRequest(3, IPAddress.Parse("10.0.0.1"), mac, Nda.NUD_PERMANENT));
        bridge[0] = 7; // AF_BRIDGE (fdb)
        Assert.Null(Neighbors.Parse(bridge));
        Assert.Equal("Unreachable", Nda.StateName(Nda.NUD_FAILED));
        Assert.Equal(Nda.NUD_STALE, Nda.ParseState("Stale"));
    }
}
