using System.Collections;
using System.Text.Json;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Labs;
using NetnsPS.Core.Netlink.Rtnl;
using Xunit;
using static NetnsPS.Core.Tests.Labs.LabData;

namespace NetnsPS.Core.Tests.Labs;

/// <summary>The Bridges key of lab definitions: parsing, validation messages, ToData round trips (no kernel involved).</summary>
public sealed class LabDefinitionBridgeTests
{
    private static Dictionary<string, object?> Lan() => Map(
        ("Name", "lan"),
        ("Namespaces", new List<object?> { "sw", "h1", "h2" }),
        ("Bridges", new List<object?> { Map(("Namespace", "sw"), ("Name", "br0"), ("Address", new List<object?> { "10.0.5.254/24", "fd00:5::1/64" })) }),
        ("Links", new List<object?>
        {
            Link(End("h1", "eth0", address: "10.0.5.1/24"), End("sw", "p1", bridge: "br0")),
            Link(End("h2", "eth0", address: "10.0.5.2/24"), End("sw", "p2", bridge: "br0")),
        }));

    [Fact]
    public void ParsesBridgesAndPorts()
    {
        var def = LabDefinition.Parse(Lan());
        var br = Assert.Single(def.Bridges);
        Assert.Equal(("sw", "br0"), (br.Namespace, br.Name));
        Assert.Equal(new[] { "10.0.5.254/24", "fd00:5::1/64" }, br.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)));
        Assert.Equal("br0", def.Links[0].B.Bridge);
        Assert.Null(def.Links[0].A.Bridge);
        Assert.Empty(def.Links[0].B.Addresses);
    }

    [Fact]
    public void ToDataRoundTripsThroughJson()
    {
        var def = LabDefinition.Parse(Lan());
        var json = JsonSerializer.Serialize(def.ToData());
        var again = LabDefinition.Parse(LabDefinition.FromJson(json, "test"));
        Assert.Equal(JsonSerializer.Serialize(def.ToData()), JsonSerializer.Serialize(again.ToData()));
        Assert.Equal("br0", again.Links[1].B.Bridge);
        Assert.Equal(2, again.Bridges[0].Addresses.Count);
        // endpoints without a bridge carry no Bridge key (a definition without bridges stays as it was)
        var ends = (IList)((IDictionary)((IList)((IDictionary)def.ToData())["Links"]!)[0]!)["Endpoints"]!;
        Assert.False(((IDictionary)ends[0]!).Contains("Bridge"));
        Assert.True(((IDictionary)ends[1]!).Contains("Bridge"));
    }

    [Theory]
    [InlineData("unknown", "Links[0].Endpoints[1].Bridge: no bridge 'br9' in namespace 'sw'")]
    [InlineData("host", "Bridges[0].Namespace: a bridge is made in one of the lab's namespaces, never in the host")]
    [InlineData("address", "Links[0].Endpoints[1].Bridge: a bridge port has no addresses of its own")]
    [InlineData("duplicate", "Bridges[1].Name: bridge 'br0' is defined twice in namespace 'sw'")]
    [InlineData("loop", "Links[0].Endpoints: both ends join bridges")]
    [InlineData("badname", "Bridges[0].Name:")]
    public void RejectsBadBridgeDefinitions(string which, string expected)
    {
        var bridges = new List<object?> { Map(("Namespace", "sw"), ("Name", "br0")) };
        var links = new List<object?> { Link(End("h1", "eth0"), End("sw", "p1", bridge: "br0")) };
        switch (which)
        {
            case "unknown": links[0] = Link(End("h1", "eth0"), End("sw", "p1", bridge: "br9")); break;
            case "host": bridges[0] = Map(("Namespace", ""), ("Name", "br0")); break;
            case "address": links[0] = Link(End("h1", "eth0"), End("sw", "p1", bridge: "br0", address: "10.0.0.1/24")); break;
            case "duplicate": bridges.Add(Map(("Namespace", "sw"), ("Name", "br0"))); break;
            case "loop": links[0] = Link(End("sw", "p1", bridge: "br0"), End("sw", "p2", bridge: "br0")); break;
            case "badname": bridges[0] = Map(("Namespace", "sw"), ("Name", "a-very-long-bridge-name")); break;
        }
        var data = Map(("Namespaces", new List<object?> { "sw", "h1" }), ("Bridges", bridges), ("Links", links));
        var ex = Assert.Throws<NetnsException>(() => LabDefinition.Parse(data));
        Assert.Equal("InvalidLabDefinition", ex.ErrorCode);
        Assert.Contains(expected, ex.Message);
    }
}
