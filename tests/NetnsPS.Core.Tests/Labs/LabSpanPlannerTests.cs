using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Labs;
using Xunit;
using static NetnsPS.Core.Tests.Labs.LabData;

namespace NetnsPS.Core.Tests.Labs;

/// <summary>Labs spanning hosts: the Hosts and Tunnels sections, and the central plan (VNIs, MTUs, per-host parts). No kernel involved.</summary>
public sealed class LabSpanPlannerTests
{
    private static Dictionary<string, object?> Ns(string name, string? host) =>
        host is null ? Map(("Name", name)) : Map(("Name", name), ("Host", host));

    private static Dictionary<string, object?> Hosts() => Map(
        ("h1", Map(("HostName", "192.0.2.1"), ("UserName", "root"), ("KeyFilePath", "/tmp/k"), ("Port", 22),
            ("Options", Map(("StrictHostKeyChecking", "no"))))),
        ("h2", Map(("HostName", "h2.example"), ("Underlay", "192.0.2.2"))));

    /// <summary>a (local) - b (h1) - c (h2); a bridge in sw (h1) with a port from d (h2) and a local veth port from e (h1).</summary>
    private static Dictionary<string, object?> Spanning() => Map(
        ("Name", "span"),
        ("Hosts", Hosts()),
        ("Underlay", "192.0.2.100"),
        ("Namespaces", new List<object?> { Ns("a", null), Ns("b", "h1"), Ns("c", "h2"), Ns("sw", "h1"), Ns("d", "h2"), Ns("e", "h1") }),
        ("Bridges", new List<object?> { Map(("Namespace", "sw"), ("Name", "br0")) }),
        ("Links", new List<object?>
        {
            Link(End("a", "eth0", address: "10.0.1.1/24"), End("b", "eth0", address: "10.0.1.2/24")),
            Link(End("b", "eth1", address: "10.0.2.1/24"), End("c", "eth0", address: "10.0.2.2/24")),
            Link(End("d", "eth0", address: "10.0.3.1/24"), End("sw", "p1", bridge: "br0")),
            Link(End("e", "eth0", address: "10.0.3.2/24"), End("sw", "p2", bridge: "br0")),
        }));

    private static Dictionary<string, LabHostFacts> Facts(int mtu = 1500, params uint[] usedOnH1) => new()
    {
        [""] = new(IPAddress.Parse("192.0.2.100"), mtu, Array.Empty<uint>()),
        ["h1"] = new(IPAddress.Parse("192.0.2.1"), mtu, usedOnH1),
        ["h2"] = new(IPAddress.Parse("192.0.2.2"), mtu, Array.Empty<uint>()),
    };

    [Fact]
    public void ParsesHostsAndPlacement()
    {
        var def = LabDefinition.Parse(Spanning());
        Assert.True(def.IsSpanning);
        Assert.Equal(new[] { "h1", "h2" }, def.Hosts.Keys.OrderBy(k => k));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), def.Hosts["h1"].Underlay);        // from HostName, an address
        Assert.Equal(IPAddress.Parse("192.0.2.2"), def.Hosts["h2"].Underlay);        // explicit
        Assert.Equal("no", def.Hosts["h1"].Options["StrictHostKeyChecking"]);
        Assert.Equal(22, def.Hosts["h1"].Port);
        Assert.Equal(new[] { "", "h1", "h2", "h1", "h2", "h1" }, def.Namespaces.Select(n => n.Host));
        Assert.Equal(IPAddress.Parse("192.0.2.100"), def.Underlay);
        // ToData round trip keeps Hosts, Host and Underlay.
        var again = LabDefinition.Parse(def.ToData());
        Assert.Equal(def.Namespaces.Select(n => n.Host), again.Namespaces.Select(n => n.Host));
        Assert.Equal("h2.example", again.Hosts["h2"].HostName);
        Assert.Equal(IPAddress.Parse("192.0.2.100"), again.Underlay);
    }

    [Fact]
    public void LocalDefinitionDataUnchanged()
    {
        var data = LabDefinition.Parse(Map(("Namespaces", new List<object?> { "a" }))).ToData();
        Assert.Equal(new[] { "Bridges", "Links", "Name", "Namespaces" }, data.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.DoesNotContain("Host", ((IEnumerable<Dictionary<string, object?>>)data["Namespaces"]!).Single().Keys);
    }

    [Theory]
    [InlineData("HostNam", "unknown key 'HostNam'")]
    [InlineData("Port", "is not a port")]
    [InlineData("Underlay", "is not an IP address")]
    [InlineData("Options", "expected a hashtable of ssh options")]
    public void BadHostKeysAreInvalidLabHost(string key, string message)
    {
        var data = Spanning();
        var h1 = (Dictionary<string, object?>)((Dictionary<string, object?>)data["Hosts"]!)["h1"]!;
        h1[key] = key switch { "Port" => 70000, "Underlay" => "not-an-address", "Options" => "StrictHostKeyChecking=no", _ => "x" };
        var ex = Assert.Throws<NetnsException>(() => LabDefinition.Parse(data));
        Assert.Equal(ErrorIds.InvalidLabHost, ex.ErrorCode);
        Assert.Contains("Hosts.h1", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void HostNotInHostsIsLabHostNotFound()
    {
        var data = Spanning();
        ((List<object?>)data["Namespaces"]!)[1] = Ns("b", "h9");
        var ex = Assert.Throws<NetnsException>(() => LabDefinition.Parse(data));
        Assert.Equal(ErrorIds.LabHostNotFound, ex.ErrorCode);
        Assert.Contains("'h9'", ex.Message);
        Assert.Contains("h1, h2", ex.Message);
    }

    [Fact]
    public void PlansPartsTunnelsAndMtu()
    {
        var plan = LabSpanPlanner.Plan(LabDefinition.Parse(Spanning()), Facts());
        Assert.Equal(new[] { "", "h1", "h2" }, plan.Parts.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(3, plan.Stitches.Count);                                          // a-b, b-c, d-sw
        Assert.Equal(plan.Stitches.Count, plan.Stitches.Select(s => s.A.Vni).Distinct().Count());
        foreach (var s in plan.Stitches)
        {
            Assert.Equal(s.A.Vni, s.B.Vni);
            Assert.Equal(s.A.Local, s.B.Remote);
            Assert.Equal(s.B.Local, s.A.Remote);
            Assert.Equal(1450, s.A.Mtu);                                               // 1500 - 50 over IPv4
            Assert.Equal(1450, s.B.Mtu);
            Assert.Equal(4789, s.A.Port);
        }
        var h1 = plan.Parts["h1"];
        Assert.Equal(new[] { "b", "sw", "e" }, h1.Namespaces.Select(n => n.Name));
        Assert.All(h1.Namespaces, n => Assert.Equal("", n.Host));
        Assert.Equal("h1", h1.Span!.Host);
        Assert.Equal(new[] { "h1", "h2" }, h1.Span.Hosts.Keys.OrderBy(k => k));
        // The veth port e-sw of the bridge whose other port is a tunnel gets the tunnel's MTU on both ends.
        Assert.Equal(1450, Assert.Single(h1.Links).Mtu);
        Assert.Equal(new[] { ("b", "eth0"), ("b", "eth1"), ("sw", "p1") }, h1.Tunnels.Select(t => (t.Namespace, t.Adapter)).OrderBy(t => t));
        Assert.Equal("br0", h1.Tunnels.Single(t => t.Namespace == "sw").Bridge);
        Assert.Empty(plan.Parts[""].Links);
        Assert.Single(plan.Parts[""].Tunnels);
        // Each part is an ordinary definition: its data parses again (what a host receives), tunnels and span included.
        var again = LabDefinition.Parse(h1.ToData());
        Assert.False(again.IsSpanning);
        Assert.Equal(h1.Tunnels, again.Tunnels.Select(t => t), new TunnelComparer());
        Assert.Equal("h1", again.Span!.Host);
    }

    [Fact]
    public void Ipv6UnderlaySubtracts70AndTheSmallerUnderlayWins()
    {
        var data = Spanning();
        data["Underlay"] = "2001:db8::100";
        ((Dictionary<string, object?>)((Dictionary<string, object?>)data["Hosts"]!)["h1"]!)["Underlay"] = "2001:db8::1";
        ((Dictionary<string, object?>)((Dictionary<string, object?>)data["Hosts"]!)["h2"]!)["Underlay"] = "2001:db8::2";
        var facts = new Dictionary<string, LabHostFacts>
        {
            [""] = new(IPAddress.Parse("2001:db8::100"), 9000, Array.Empty<uint>()),
            ["h1"] = new(IPAddress.Parse("2001:db8::1"), 1500, Array.Empty<uint>()),
            ["h2"] = new(IPAddress.Parse("2001:db8::2"), 9000, Array.Empty<uint>()),
        };
        var plan = LabSpanPlanner.Plan(LabDefinition.Parse(data), facts);
        var ab = plan.Stitches.Single(s => s.A.Namespace == "a");
        Assert.Equal(1430, ab.A.Mtu);                                                  // min(1500, 9000) - 70
        Assert.Equal(IPAddress.Parse("2001:db8::100"), ab.A.Local);
    }

    [Fact]
    public void MixedUnderlayFamiliesAreRefused()
    {
        var facts = Facts();
        facts["h2"] = new(IPAddress.Parse("2001:db8::2"), 1500, Array.Empty<uint>());
        var ex = Assert.Throws<NetnsException>(() => LabSpanPlanner.Plan(LabDefinition.Parse(Spanning()), facts));
        Assert.Equal(ErrorIds.InvalidLabHost, ex.ErrorCode);
    }

    [Fact]
    public void MtuLargerThanTheTunnelCarriesIsRefused()
    {
        var data = Spanning();
        ((List<object?>)data["Links"]!)[0] = Link(End("a", "eth0"), End("b", "eth0"), mtu: 1500);
        var ex = Assert.Throws<NetnsException>(() => LabSpanPlanner.Plan(LabDefinition.Parse(data), Facts()));
        Assert.Equal(ErrorIds.InvalidLabDefinition, ex.ErrorCode);
        Assert.Contains("at most 1450", ex.Message);
    }

    [Fact]
    public void VnisAvoidThoseInUseOnTheHosts()
    {
        var def = LabDefinition.Parse(Spanning());
        uint start = LabSpanPlanner.StartVni("span");
        var busy = Enumerable.Range(0, 10).Select(k => start + (uint)k).ToArray();
        var plan = LabSpanPlanner.Plan(def, Facts(1500, busy));
        Assert.All(plan.Stitches, s => Assert.DoesNotContain(s.A.Vni, busy));
        Assert.All(plan.Stitches, s => Assert.InRange(s.A.Vni, 1u, LabSpanPlanner.MaxVni));
    }

    [Fact]
    public void ThousandsOfLinksGetDistinctVnisAndDeviceNames()
    {
        var namespaces = new List<object?>();
        var links = new List<object?>();
        for (int k = 0; k < 3000; k++)
        {
            namespaces.Add(Ns($"l{k}", null));
            namespaces.Add(Ns($"r{k}", "h1"));
            links.Add(Link(End($"l{k}", "eth0"), End($"r{k}", "eth0")));
        }
        var data = Map(("Name", "big"), ("Hosts", Hosts()), ("Underlay", "192.0.2.100"), ("Namespaces", namespaces), ("Links", links));
        var plan = LabSpanPlanner.Plan(LabDefinition.Parse(data), Facts());
        Assert.Equal(3000, plan.Stitches.Select(s => s.A.Vni).Distinct().Count());
        Assert.Equal(3000, plan.Parts["h1"].Tunnels.Select(t => t.Device).Distinct().Count());
        Assert.All(plan.Parts["h1"].Tunnels, t => Assert.True(t.Device.Length <= 15));
    }

    [Fact]
    public void VniSpaceWrapsAroundPastTheTop()
    {
        // A lab whose start is near 16777215, with every VNI from there up in use, continues at 1: none is ever out of range.
        var name = Enumerable.Range(0, 100000).Select(k => $"lab{k}").First(n => LabSpanPlanner.StartVni(n) > LabSpanPlanner.MaxVni - 50000);
        uint start = LabSpanPlanner.StartVni(name);
        var busy = Enumerable.Range(0, (int)(LabSpanPlanner.MaxVni - start + 1)).Select(k => start + (uint)k).ToArray();
        var namespaces = new List<object?>();
        var links = new List<object?>();
        for (int k = 0; k < 5; k++)
        {
            namespaces.Add(Ns($"l{k}", null));
            namespaces.Add(Ns($"r{k}", "h1"));
            links.Add(Link(End($"l{k}", "eth0"), End($"r{k}", "eth0")));
        }
        var data = Map(("Name", name), ("Hosts", Hosts()), ("Underlay", "192.0.2.100"), ("Namespaces", namespaces), ("Links", links));
        var vnis = LabSpanPlanner.Plan(LabDefinition.Parse(data), Facts(1500, busy)).Stitches.Select(s => s.A.Vni).ToList();
        Assert.Equal(new uint[] { 1, 2, 3, 4, 5 }, vnis);
        Assert.All(vnis, v => Assert.InRange(v, 1u, LabSpanPlanner.MaxVni));
    }

    [Fact]
    public void MissingUnderlayIsNamed()
    {
        var data = Spanning();
        data.Remove("Underlay");
        var facts = Facts();
        facts.Remove("");
        var ex = Assert.Throws<NetnsException>(() => LabSpanPlanner.Plan(LabDefinition.Parse(data), facts));
        Assert.Equal(ErrorIds.InvalidLabHost, ex.ErrorCode);
        Assert.Contains("local machine", ex.Message);
    }

    [Fact]
    public void ShapingAcrossHostsIsRefused()
    {
        var data = Spanning();
        var l = Link(End("a", "eth0"), End("b", "eth0"));
        l["Rate"] = "10Mbit";
        ((List<object?>)data["Links"]!)[0] = l;
        var ex = Assert.Throws<NetnsException>(() => LabSpanPlanner.Plan(LabDefinition.Parse(data), Facts()));
        Assert.Contains("shaping", ex.Message);
    }

    [Theory]
    [InlineData("Vni", 0, "is not a VNI")]
    [InlineData("Remote", "2001:db8::2", "different address families")]
    [InlineData("Bridge", "br9", "no bridge 'br9'")]
    [InlineData("Port", 70000, "is not a port")]
    public void BadTunnelsAreInvalidLabDefinition(string key, object value, string message)
    {
        var tunnel = Map(("Namespace", "a"), ("Adapter", "vx0"), ("Vni", 5000), ("Local", "192.0.2.1"), ("Remote", "192.0.2.2"));
        tunnel[key] = value;
        var data = Map(("Namespaces", new List<object?> { "a" }), ("Tunnels", new List<object?> { tunnel }));
        var ex = Assert.Throws<NetnsException>(() => LabDefinition.Parse(data));
        Assert.Equal(ErrorIds.InvalidLabDefinition, ex.ErrorCode);
        Assert.Contains("Tunnels[0]", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void TwoTunnelsWithOneVniAndPortAreRefused()
    {
        Dictionary<string, object?> T(string adapter) => Map(("Namespace", "a"), ("Adapter", adapter), ("Vni", 5000), ("Local", "192.0.2.1"), ("Remote", "192.0.2.2"));
        var data = Map(("Namespaces", new List<object?> { "a" }), ("Tunnels", new List<object?> { T("vx0"), T("vx1") }));
        Assert.Contains("VNI 5000 on UDP port 4789", Assert.Throws<NetnsException>(() => LabDefinition.Parse(data)).Message);
    }

    private sealed class TunnelComparer : IEqualityComparer<LabTunnel>
    {
        public bool Equals(LabTunnel? x, LabTunnel? y) => x is not null && y is not null && x.Namespace == y.Namespace && x.Adapter == y.Adapter &&
            x.Vni == y.Vni && x.Local.Equals(y.Local) && x.Remote.Equals(y.Remote) && x.Port == y.Port && x.Mtu == y.Mtu && x.Bridge == y.Bridge &&
            x.Addresses.SequenceEqual(y.Addresses);
        public int GetHashCode(LabTunnel t) => (int)t.Vni;
    }
}
