using System.Net;
using System.Text.Json;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Labs;
using Xunit;

namespace NetnsPS.Core.Tests.Labs;

/// <summary>
/// Lab definition keys named as the cmdlets' parameters (DestinationPrefix, NextHop, InterfaceAlias, IPAddress,
/// RouteMetric, ExternalPort, ExternalIPAddress) beside the short names (Destination, Gateway, Adapter, Address, Metric,
/// Port): both read the same, messages name the spelling written, ToData keeps the short names (no kernel involved).
/// </summary>
public sealed class LabDefinitionKeyNameTests
{
    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] pairs)
        => pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    private static List<object?> L(params object?[] items) => items.ToList();

    /// <summary>One lab, written with the short keys (long = false) or with the cmdlets' parameter names (long = true).</summary>
    private static Dictionary<string, object?> Lab(bool @long)
    {
        string K(string shortKey, string longKey) => @long ? longKey : shortKey;
        return Map(
            ("Name", "keys"),
            ("Namespaces", L(
                Map(("Name", "client"), ("Routes", L(
                    Map((K("Destination", "DestinationPrefix"), "default"), (K("Gateway", "NextHop"), "10.0.1.1"), (K("Metric", "RouteMetric"), 7)),
                    Map((K("Destination", "DestinationPrefix"), "10.9.0.0/16"), (K("Adapter", "InterfaceAlias"), "eth0"))))),
                Map(("Name", "router"), ("Forwarding", true), ("PortForwards", L(
                    Map(("Protocol", "Tcp"), (K("Port", "ExternalPort"), 8080), ("To", "10.0.1.2:80"), (K("Address", "ExternalIPAddress"), "10.0.2.1"))))),
                "sw")),
            ("Bridges", L(Map(("Namespace", "sw"), ("Name", "br0"), (K("Address", "IPAddress"), "10.0.2.254/24")))),
            ("Links", L(
                Map(("Endpoints", L(
                    Map(("Namespace", "client"), (K("Adapter", "InterfaceAlias"), "eth0"), (K("Address", "IPAddress"), L("10.0.1.2/24", "fd00:1::2/64"))),
                    Map(("Namespace", "router"), (K("Adapter", "InterfaceAlias"), "lan0"), (K("Address", "IPAddress"), "10.0.1.1/24"))))),
                Map(("Endpoints", L(
                    Map(("Namespace", "router"), (K("Adapter", "InterfaceAlias"), "wan0"), (K("Address", "IPAddress"), "10.0.2.1/24")),
                    Map(("Namespace", "sw"), (K("Adapter", "InterfaceAlias"), "p1"), ("Bridge", "br0"))))))));
    }

    [Fact]
    public void BothSpellingsReadTheSame()
    {
        var shortDef = LabDefinition.Parse(Lab(@long: false));
        var longDef = LabDefinition.Parse(Lab(@long: true));
        Assert.Equal(JsonSerializer.Serialize(shortDef.ToData()), JsonSerializer.Serialize(longDef.ToData()));

        var client = longDef.Namespaces.Single(n => n.Name == "client");
        Assert.Equal(IPAddress.Parse("10.0.1.1"), client.Routes[0].Gateway);
        Assert.Equal(0, client.Routes[0].Length);
        Assert.Equal(7u, client.Routes[0].Metric);
        Assert.Equal("eth0", client.Routes[1].Adapter);
        Assert.Equal(16, client.Routes[1].Length);
        var fwd = longDef.Namespaces.Single(n => n.Name == "router").PortForwards.Single();
        Assert.Equal(8080, fwd.ExternalPort);
        Assert.Equal(IPAddress.Parse("10.0.2.1"), fwd.External);
        Assert.Equal(2, longDef.Links[0].A.Addresses.Count);
        Assert.Equal("lan0", longDef.Links[0].B.Adapter);
        Assert.Equal(24, longDef.Bridges[0].Addresses.Single().Length);
    }

    [Fact]
    public void ToDataKeepsTheShortKeysSoStateFilesReadAsBefore()
    {
        var data = LabDefinition.Parse(Lab(@long: true)).ToData();
        var json = JsonSerializer.Serialize(data);
        foreach (var key in new[] { "\"Destination\"", "\"Gateway\"", "\"Adapter\"", "\"Metric\"", "\"Address\"", "\"Port\"" })
            Assert.Contains(key, json);
        foreach (var key in new[] { "DestinationPrefix", "NextHop", "InterfaceAlias", "IPAddress", "RouteMetric", "ExternalPort", "ExternalIPAddress" })
            Assert.DoesNotContain(key, json);
        // and what ToData wrote parses again (New-NetLab -Definition $lab.Definition)
        Assert.Equal(json, JsonSerializer.Serialize(LabDefinition.Parse(data).ToData()));
    }

    [Fact]
    public void KeysAreCaseInsensitiveInEitherSpelling()
    {
        var def = LabDefinition.Parse(Map(("Namespaces", L(Map(("Name", "a"), ("Routes", L(Map(("destinationprefix", "default"), ("nexthop", "10.0.0.1"))))), "b")),
            ("Links", L(Map(("Endpoints", L(Map(("Namespace", "a"), ("interfacealias", "e0"), ("ipaddress", "10.0.0.2/24")),
                                            Map(("Namespace", "b"), ("ADAPTER", "e0")))))))));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), def.Namespaces[0].Routes[0].Gateway);
        Assert.Equal("e0", def.Links[0].A.Adapter);
        Assert.Single(def.Links[0].A.Addresses);
    }

    public static IEnumerable<object[]> Messages() => new[]
    {
        // The message names the key as written: the long spelling...
        new object[] { Route(("DestinationPrefix", "10.1.2.0/99"), ("NextHop", "10.0.0.1")), "Namespaces[0].Routes[0].DestinationPrefix:" },
        new object[] { Route(("NextHop", "10.0.0.300")), "Namespaces[0].Routes[0].NextHop:" },
        new object[] { Route(("NextHop", "10.0.0.1"), ("RouteMetric", "many")), "Namespaces[0].Routes[0].RouteMetric: 'many' is not a number" },
        new object[] { Ends(("InterfaceAlias", "e0"), ("IPAddress", "10.0.0.1")), "Links[0].Endpoints[0].IPAddress: 10.0.0.1/32 needs a prefix length" },
        new object[] { Ends(("InterfaceAlias", "bad/name")), "Links[0].Endpoints[0].InterfaceAlias:" },
        new object[] { Forward(("ExternalPort", "http"), ("To", "10.0.0.2:80")), "PortForwards[0].ExternalPort: 'http' is not a port" },
        new object[] { Forward(("ExternalPort", 80), ("To", "10.0.0.2:80"), ("ExternalIPAddress", "nope")), "PortForwards[0].ExternalIPAddress:" },
        // ...or the short one, as before
        new object[] { Route(("Destination", "10.1.2.0/99"), ("Gateway", "10.0.0.1")), "Namespaces[0].Routes[0].Destination:" },
        new object[] { Route(("Gateway", "10.0.0.300")), "Namespaces[0].Routes[0].Gateway:" },
        new object[] { Route(("Gateway", "10.0.0.1"), ("Metric", "many")), "Namespaces[0].Routes[0].Metric: 'many' is not a number" },
        new object[] { Ends(("Adapter", "e0"), ("Address", "10.0.0.1")), "Links[0].Endpoints[0].Address: 10.0.0.1/32 needs a prefix length" },
        new object[] { Ends(("Adapter", "bad/name")), "Links[0].Endpoints[0].Adapter:" },
        new object[] { Forward(("Port", "http"), ("To", "10.0.0.2:80")), "PortForwards[0].Port: 'http' is not a port" },
        // neither given: both names; both given: an error naming the two
        new object[] { Route(("Destination", "default")), "needs a NextHop (Gateway) or an InterfaceAlias (Adapter)" },
        new object[] { Ends(("Namespace", "a")), "has no InterfaceAlias (Adapter)" },
        new object[] { Route(("Gateway", "10.0.0.1"), ("NextHop", "10.0.0.1")), "'Gateway' and 'NextHop' are two names of one key" },
        new object[] { Ends(("Adapter", "e0"), ("InterfaceAlias", "e0")), "'Adapter' and 'InterfaceAlias' are two names of one key" },
        new object[] { Ends(("Adapter", "e0"), ("Colour", "red")), "unknown key 'Colour' (allowed: Namespace, Bridge, Rate, Delay, Jitter, Loss, Corruption, InterfaceAlias (Adapter), IPAddress (Address))" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void MessagesNameTheKeyAsWritten(Dictionary<string, object?> data, string expected)
    {
        var ex = Assert.Throws<NetnsException>(() => LabDefinition.Parse(data));
        Assert.Equal("InvalidLabDefinition", ex.ErrorCode);
        Assert.Contains(expected, ex.Message);
    }

    private static Dictionary<string, object?> Route(params (string, object?)[] route)
        => Map(("Namespaces", L(Map(("Name", "a"), ("Routes", L(Map(route)))))));

    private static Dictionary<string, object?> Ends(params (string, object?)[] first)
    {
        var a = Map(first);
        if (!a.ContainsKey("Namespace")) a["Namespace"] = "a";
        return Map(("Namespaces", L("a", "b")), ("Links", L(Map(("Endpoints", L(a, Map(("Namespace", "b"), ("Adapter", "e9"))))))));
    }

    private static Dictionary<string, object?> Forward(params (string, object?)[] forward)
        => Map(("Namespaces", L(Map(("Name", "a"), ("PortForwards", L(Map(forward)))))));
}
