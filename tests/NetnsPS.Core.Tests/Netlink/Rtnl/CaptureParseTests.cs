using System.Net;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using Xunit;

namespace NetnsPS.Core.Tests.Netlink.Rtnl;

/// <summary>
/// Parsers against real kernel replies recorded once (Captures/record.ps1: a veth cap0 with MAC 02:00:00:00:00:01,
/// MTU 1400, peer cap1 in another namespace, 10.20.30.1/24 and fd00:20::1/64 on it, two routes).
/// </summary>
public sealed class CaptureParseTests
{
    private static List<byte[]> Load(string name)
        => File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Captures", name + ".hex"))
            .Where(l => l.Length > 0).Select(Convert.FromHexString).ToList();

    [Fact]
    public void LinksCapture()
    {
        var links = Load("links").Select(p => Links.Parse(p)).ToList();
        var lo = links.Single(l => l.Name == "lo");
        Assert.Equal(1, lo.Index);
        Assert.True(lo.IsLoopback);
        Assert.Equal("loopback", Links.DescribeKind(lo));
        Assert.Equal(Ifla.ARPHRD_LOOPBACK, lo.HardwareType);
        Assert.Equal(65536, lo.Mtu);

        var cap = links.Single(l => l.Name == "cap0");
        Assert.Equal("veth", cap.Kind);
        Assert.Equal(1400, cap.Mtu);
        Assert.Equal("02:00:00:00:00:01", Links.FormatMac(cap.Address));
        Assert.True(cap.IsUp);
        Assert.Equal(OperationalState.Down, cap.OperState);            // peer down: NO-CARRIER, state DOWN
        Assert.Equal(2, cap.LinkIndex);                                  // cap1's index in the other namespace
        Assert.NotNull(cap.LinkNetnsId);                                 // "link-netns nncap2"
        Assert.Equal(1000, cap.TxQueueLength);
    }

    [Fact]
    public void AddressesCapture()
    {
        var addrs = Load("addresses").Select(p => Addresses.Parse(p)).ToList();
        var v4 = addrs.Single(a => a.Address.Equals(IPAddress.Parse("10.20.30.1")));
        Assert.Equal(Af.INET, v4.Family);
        Assert.Equal(24, v4.PrefixLength);
        Assert.Equal(RouteScope.Universe, v4.Scope);
        Assert.Equal("cap0", v4.Label);
        Assert.Null(v4.Peer);
        Assert.Equal(IPAddress.Parse("10.20.30.255"), v4.Broadcast ?? IPAddress.Parse("10.20.30.255"));
        var v6 = addrs.Single(a => a.Address.Equals(IPAddress.Parse("fd00:20::1")));
        Assert.Equal(Af.INET6, v6.Family);
        Assert.Equal(64, v6.PrefixLength);
        Assert.NotEqual(0u, v6.Flags & Ifa.F_NODAD);
        Assert.Contains(addrs, a => a.Address.Equals(IPAddress.Loopback) && a.Scope == RouteScope.Host && a.PrefixLength == 8);
        Assert.Contains(addrs, a => a.Address.Equals(IPAddress.IPv6Loopback) && a.PrefixLength == 128);
        Assert.All(addrs.Where(a => a.Address.Equals(v4.Address) || a.Address.Equals(v6.Address)), a => Assert.Equal(v4.InterfaceIndex, a.InterfaceIndex));
    }

    [Fact]
    public void RoutesCapture()
    {
        var routes = Load("routes").Select(p => Routes.Parse(p)).ToList();
        var def = routes.Single(r => r.DestinationLength == 0);
        Assert.Equal("0.0.0.0/0", def.DestinationPrefix);
        Assert.Equal(IPAddress.Parse("10.20.30.2"), def.Gateway);
        Assert.Equal(254u, def.Table);
        Assert.Equal(RouteType.Unicast, def.Type);
        Assert.Equal(Rta.PROT_BOOT, def.Protocol);
        var via = routes.Single(r => r.DestinationPrefix == "10.99.0.0/16");
        Assert.Equal(7u, via.Metric);
        Assert.Equal(IPAddress.Parse("10.20.30.2"), via.Gateway);
        var connected = routes.Single(r => r.DestinationPrefix == "10.20.30.0/24");
        Assert.Null(connected.Gateway);
        Assert.Equal(RouteScope.Link, connected.Scope);
        Assert.Equal(Rta.PROT_KERNEL, connected.Protocol);
        Assert.Equal(IPAddress.Parse("10.20.30.1"), connected.PreferredSource);
        Assert.All(routes, r => Assert.Equal(def.OutputInterface, r.OutputInterface));
    }

    [Fact]
    public void TruncatedCapturesNeverOverRead()
    {
        foreach (var payload in Load("links").Concat(Load("addresses")).Concat(Load("routes")))
            for (int cut = 0; cut < payload.Length; cut += 3)
            {
                var part = payload.AsSpan(0, cut).ToArray();
                // A truncated payload either parses (attribute reader stops early) or throws a protocol/argument error;
                // it never reads beyond the span (that would be an IndexOutOfRange or access violation).
                try { _ = Links.Parse(part); } catch (NetlinkProtocolException) { }
                try { _ = Addresses.Parse(part); } catch (NetlinkProtocolException) { }
                try { _ = Routes.Parse(part); } catch (NetlinkProtocolException) { }
            }
    }

    [Fact]
    public void VethRequestRoundTripsThroughTheParser()
    {
        // The peer block inside VETH_INFO_PEER is itself an ifinfomsg + attributes: parse it back.
        var bytes = Links.NewVethRequest("a0", "b0", null, 9, 1300).Finish(1).ToArray();
        var link = Links.Parse(bytes.AsSpan(Nl.HeaderSize));
        Assert.Equal("a0", link.Name);
        Assert.Equal(1300, link.Mtu);
        Assert.Equal("veth", link.Kind);
        // find VETH_INFO_PEER
        byte[]? peer = null;
        foreach (var a in new NetlinkAttributeReader(bytes.AsSpan(Nl.HeaderSize + Ifla.IfInfoMsgSize)))
            if (a.Type == Ifla.LINKINFO)
                foreach (var li in a.Nested)
                    if (li.Type == Ifla.INFO_DATA)
                        foreach (var d in li.Nested)
                            if (d.Type == Ifla.VETH_INFO_PEER) peer = d.Value.ToArray();
        Assert.NotNull(peer);
        var p = Links.Parse(peer);
        Assert.Equal("b0", p.Name);
        uint? fd = null;
        foreach (var a in new NetlinkAttributeReader(peer.AsSpan(Ifla.IfInfoMsgSize)))
            if (a.Type == Ifla.NET_NS_FD) fd = a.U32;
        Assert.Equal(9u, fd);
    }
}
