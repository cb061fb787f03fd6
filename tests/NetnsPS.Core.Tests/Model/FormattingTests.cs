using NetnsPS.Core.Labs;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Watch;
using Xunit;

namespace NetnsPS.Core.Tests.Model;

/// <summary>How objects read: flag enums against the kernel's bit values, adapter-event Changes, the lab definition summary.</summary>
public sealed class FormattingTests
{
    [Fact]
    public void AdapterFlagsHaveTheKernelsBitsAndNames()
    {
        // linux/if.h
        Assert.Equal(Ifla.IFF_UP, (uint)NetAdapterFlags.Up);
        Assert.Equal(Ifla.IFF_BROADCAST, (uint)NetAdapterFlags.Broadcast);
        Assert.Equal(Ifla.IFF_LOOPBACK, (uint)NetAdapterFlags.Loopback);
        Assert.Equal(Ifla.IFF_POINTOPOINT, (uint)NetAdapterFlags.PointToPoint);
        Assert.Equal(Ifla.IFF_RUNNING, (uint)NetAdapterFlags.Running);
        Assert.Equal(Ifla.IFF_NOARP, (uint)NetAdapterFlags.NoArp);
        Assert.Equal(Ifla.IFF_PROMISC, (uint)NetAdapterFlags.Promiscuous);
        Assert.Equal(Ifla.IFF_MULTICAST, (uint)NetAdapterFlags.Multicast);
        Assert.Equal(Ifla.IFF_LOWER_UP, (uint)NetAdapterFlags.LowerUp);
        Assert.Equal(0x40000u, (uint)NetAdapterFlags.Echo);
        Assert.Equal("Up, Broadcast, Multicast", ((NetAdapterFlags)4099).ToString());
        Assert.Equal("Up, Broadcast, Running, Multicast, LowerUp", ((NetAdapterFlags)0x11043).ToString());
        Assert.Equal("524288", ((NetAdapterFlags)0x80000).ToString()); // a bit we do not know stays visible as a number
    }

    [Fact]
    public void AddressFlagsHaveTheKernelsBitsAndNames()
    {
        // linux/if_addr.h
        Assert.Equal(Ifa.F_SECONDARY, (uint)NetAddressFlags.Secondary);
        Assert.Equal(Ifa.F_NODAD, (uint)NetAddressFlags.NoDad);
        Assert.Equal(Ifa.F_DADFAILED, (uint)NetAddressFlags.DadFailed);
        Assert.Equal(Ifa.F_TENTATIVE, (uint)NetAddressFlags.Tentative);
        Assert.Equal(Ifa.F_PERMANENT, (uint)NetAddressFlags.Permanent);
        Assert.Equal(Ifa.F_NOPREFIXROUTE, (uint)NetAddressFlags.NoPrefixRoute);
        Assert.Equal(0x800u, (uint)NetAddressFlags.StablePrivacy);
        Assert.Equal("Permanent", ((NetAddressFlags)128).ToString());
        Assert.Equal("Permanent, NoPrefixRoute", ((NetAddressFlags)0x280).ToString());
    }

    private static readonly byte[] Mac1 = { 2, 0, 0, 0, 0, 1 }, Mac2 = { 2, 0, 0, 0, 0, 2 };

    private static LinkInfo Link(int mtu = 1500, bool up = false, OperationalState state = OperationalState.Down, string name = "e0",
        byte[]? mac = null, int? master = null) =>
        new() { Index = 5, Name = name, Mtu = mtu, Flags = up ? Ifla.IFF_UP : 0, OperState = state, Address = mac ?? Mac1, MasterIndex = master };

    public static TheoryData<LinkInfo, string[]> ChangeCases => new()
    {
        { Link(mtu: 1400), new[] { "Mtu 1500->1400" } },
        { Link(up: true, state: OperationalState.Up), new[] { "IsUp False->True", "State Down->Up" } },
        { Link(name: "e9"), new[] { "Name e0->e9" } },
        { Link(mac: Mac2), new[] { "MacAddress 02:00:00:00:00:01->02:00:00:00:00:02" } },
        { Link(master: 7), new[] { "Master none->br0" } },
        { Link(master: 8), new[] { "Master none->if8" } },
        { Link(), Array.Empty<string>() },
    };

    [Theory]
    [MemberData(nameof(ChangeCases))]
    public void AdapterEventChangesSayWhatChanged(LinkInfo now, string[] expected)
    {
        var links = new Dictionary<int, LinkInfo> { [7] = new() { Index = 7, Name = "br0", Kind = "bridge" } };
        Assert.Equal(expected, LinkWatcher.Changes(links, Link(), now));
    }

    [Fact]
    public void AdapterEventChangesNameTheOldMaster()
    {
        var links = new Dictionary<int, LinkInfo> { [7] = new() { Index = 7, Name = "br0" } };
        Assert.Equal(new[] { "Master br0->none" }, LinkWatcher.Changes(links, Link(master: 7), Link()));
    }

    [Fact]
    public void LabDefinitionShowsASummaryAndBuildsAgain()
    {
        var data = LabDefinition.Parse(new Dictionary<string, object?>
        {
            ["Name"] = "lan",
            ["Namespaces"] = new List<object?> { "a", "b", "c" },
            ["Links"] = new List<object?>
            {
                new Dictionary<string, object?> { ["Endpoints"] = new List<object?>
                {
                    new Dictionary<string, object?> { ["Namespace"] = "a", ["Adapter"] = "eth0" },
                    new Dictionary<string, object?> { ["Namespace"] = "b", ["Adapter"] = "eth0" },
                } },
            },
        }).ToData();
        var d = new NetLabDefinition(data);
        Assert.Equal("lan: 3 namespaces, 1 link", d.ToString());
        Assert.Equal(3, d.Namespaces.Length);
        Assert.DoesNotContain("System.", d.ToString());
        var again = LabDefinition.Parse(d); // NetLab.Definition is accepted as a definition
        Assert.Equal(d.ToJson(), new NetLabDefinition(again.ToData()).ToJson());
    }
}
