using System.Net;
using System.Text.Json;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Nat;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Nft;
using Xunit;

namespace NetnsPS.Core.Tests.Nat;

/// <summary>nf_tables transactions against the kernel, each in a fresh namespace; `nft -j` as the oracle where it is installed.</summary>
public sealed class NatCoreTests(NamespaceFixture fx) : NamespaceTests(fx)
{
    // the oracle only: $NETNSPS_TEST_NFT first (CI keeps nft off PATH for the module), then the usual places
    private static string? NftPath => new[] { Environment.GetEnvironmentVariable("NETNSPS_TEST_NFT") ?? string.Empty, "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" }
        .FirstOrDefault(p => p.Length > 0 && File.Exists(p));

    private string NewNs(string suffix)
    {
        var name = Fx.Name(suffix);
        NamespaceFixture.Ip("netns", "add", name);
        NamespaceFixture.Ip("-n", name, "link", "add", "wan0", "type", "veth", "peer", "name", "wan1");
        return name;
    }

    [Fact]
    public void RefusedBatchLeavesNothingAndNamesTheMessage()
    {
        var ns = NewNs("atomic");
        using var sessions = new NamespaceSessions();
        var ctx = sessions.Get(ns);
        var msgs = new List<(NetlinkMessageBuilder, string)>
        {
            (NftMessages.NewTable(NatService.TableFamily, NatService.TableName), "add table"),
            (NftMessages.NewBaseChain(NatService.TableFamily, NatService.TableName, "postrouting", "nat", NfHook.POST_ROUTING, 100), "add chain"),
            (NftMessages.NewRule(NatService.TableFamily, NatService.TableName, "postrouting", new NftExpression[] { new NftCounter() }), "add good rule"),
            (NftMessages.NewRule(NatService.TableFamily, NatService.TableName, "postrouting", new NftExpression[] { new NftUnknown("nosuchexpr", Array.Empty<byte>()) }), "add bad rule"),
        };
        var ex = Assert.Throws<NetlinkException>(() => NatService.Commit(ctx, msgs, "test batch", null));
        Assert.Equal("NatRequestFailed", ex.ErrorCode);
        Assert.Equal(Errno.ENOENT, ex.Errno); // no such expression type
        Assert.Contains("message 4 of 4 (add bad rule)", ex.Message);
        // the table, chain and good rule of the same transaction were not applied
        Assert.False(NatService.HasTable(ctx));
        if (NftPath is { } nft)
            Assert.DoesNotContain("netnsps", NamespaceFixture.Run("ip", "netns", "exec", ns, nft, "list", "ruleset").Out);
    }

    [Fact]
    public void NatAndPortForwardRoundTripThroughTheKernel()
    {
        var ns = NewNs("rt");
        using var sessions = new NamespaceSessions();
        var ctx = sessions.Get(ns);
        var nat = NatService.AddNat(ctx, new NatSpec("out", "wan0", IPAddress.Parse("10.9.0.0"), 23));
        Assert.Equal(("Masquerade", "wan0", "10.9.0.0/23", NetAddressFamily.IPv4), (nat.Kind, nat.InterfaceAlias, nat.InternalIPInterfaceAddressPrefix, nat.AddressFamily));
        var snat = NatService.AddNat(ctx, new NatSpec("fixed6", "wan0", SnatAddress: IPAddress.Parse("fd00::1")));
        Assert.Equal(("Snat", "fd00::1", NetAddressFamily.IPv6), (snat.Kind, snat.ExternalIPAddress, snat.AddressFamily));
        var fwd = NatService.AddMapping(ctx, new PortForwardSpec(PortForwardSpec.UDP, null, 5353, IPAddress.Parse("10.9.0.2"), 53));
        Assert.Equal(("UDP", (string?)null, 5353, "10.9.0.2", 53), (fwd.Protocol, fwd.ExternalIPAddress, fwd.ExternalPort, fwd.InternalIPAddress, fwd.InternalPort));
        Assert.NotEqual(0ul, fwd.Handle);
        Assert.NotEqual(0ul, fwd.OutputHandle);
        var dup = Assert.Throws<NetnsException>(() => NatService.AddMapping(ctx, new PortForwardSpec(PortForwardSpec.UDP, null, 5353, IPAddress.Parse("10.9.0.3"), 53)));
        Assert.Equal("NatStaticMappingAlreadyExists", dup.ErrorCode);

        if (NftPath is { } nft)
        {
            // independent oracle: nft's own reading of what the kernel holds
            var json = NamespaceFixture.Run("ip", "netns", "exec", ns, nft, "-j", "list", "table", "inet", "netnsps").Out;
            using var doc = JsonDocument.Parse(json);
            var rules = doc.RootElement.GetProperty("nftables").EnumerateArray().Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule")).ToList();
            Assert.Equal(4, rules.Count);
            Assert.Contains(rules, r => r.GetProperty("chain").GetString() == "postrouting" && r.GetProperty("handle").GetUInt64() == nat.Handle && r.GetProperty("comment").GetString() == "out");
            var text = NamespaceFixture.Run("ip", "netns", "exec", ns, nft, "list", "table", "inet", "netnsps").Out;
            Assert.Contains("type nat hook postrouting priority srcnat", text);
            Assert.Contains("type nat hook prerouting priority dstnat", text);
            Assert.Contains("oifname \"wan0\" ip saddr 10.9.0.0/23 counter packets 0 bytes 0 masquerade", text);
            Assert.Contains("snat ip6 to fd00::1", text);
            Assert.Contains("udp dport 5353 fib daddr type local counter packets 0 bytes 0 dnat ip to 10.9.0.2:53", text);
        }

        NatService.RemoveMapping(ctx, fwd);
        NatService.RemoveNat(ctx, snat);
        Assert.Equal(new[] { "out" }, NatService.ListNat(ctx).Select(n => n.Name));
        Assert.Empty(NatService.ListMappings(ctx));
        NatService.RemoveNat(ctx, nat);
        Assert.False(NatService.HasTable(ctx)); // the last rule took the table with it
    }

    [Fact]
    public void OtherTablesSurvive()
    {
        if (NftPath is not { } nft) return; // the other table is made with nft (the Pester suite says so visibly when it skips)
        var ns = NewNs("other");
        var (code, _, err) = NamespaceFixture.Run("ip", "netns", "exec", ns, nft, "add table inet mine; add chain inet mine c { type nat hook postrouting priority 50; }; add rule inet mine c oifname \"wan0\" masquerade");
        Assert.True(code == 0, err);
        using var sessions = new NamespaceSessions();
        var ctx = sessions.Get(ns);
        var nat = NatService.AddNat(ctx, new NatSpec("x", "wan0"));
        Assert.Single(NatService.ListNat(ctx)); // the other table's masquerade is not ours
        NatService.RemoveNat(ctx, nat);
        Assert.True(NatService.RemoveTable(ctx) == false);
        Assert.Contains("oifname \"wan0\" masquerade", NamespaceFixture.Run("ip", "netns", "exec", ns, nft, "list", "table", "inet", "mine").Out);
    }
}
