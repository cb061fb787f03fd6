using System.Net;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Nft;
using Xunit;

namespace NetnsPS.Core.Tests.Netlink.Nft;

// The test namespace NetnsPS.Core.Tests.Netlink.Nft would hide the Nft constants class.
using Nft = NetnsPS.Core.Netlink.Nft.Nft;

/// <summary>
/// nf_tables messages byte for byte against what nft(8) sends, both ways through the parser. The captures are the
/// payloads (after the 16-byte nlmsghdr) in google/nftables nftables_test.go TestConfigureNAT and
/// TestConfigureNATSourceAddress ("strace -f -v -x -s 2048 -eraw=sendto nft ..."), and the GETRULE dump reply in
/// its TestGetRule.
/// </summary>
public sealed class NftWireTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "").Replace("\n", ""));

    private static byte[] Payload(NetlinkMessageBuilder b) => b.Finish(1).ToArray()[Nl.HeaderSize..];

    private static byte[] IfName(string n) { var b = new byte[16]; System.Text.Encoding.ASCII.GetBytes(n).CopyTo(b, 0); return b; }

    // batch begin: nfgenmsg family 0, version 0, res_id 0x000a (NFNL_SUBSYS_NFTABLES, big-endian)
    private static readonly byte[] BatchMarker = Hex("00 00 00 0a");

    // nft add table ip nat
    private static readonly byte[] AddTableIpNat = Hex(
        "02 00 00 00" +            // nfgenmsg: NFPROTO_IPV4, v0, res_id 0
        "08 00 01 00 6e 61 74 00" + // NFTA_TABLE_NAME "nat"
        "08 00 02 00 00 00 00 00"); // NFTA_TABLE_FLAGS 0 (be32)

    // nft add chain nat prerouting { type nat hook prerouting priority 0; }
    private static readonly byte[] AddChainPrerouting = Hex(
        "02 00 00 00" +
        "08 00 01 00 6e 61 74 00" +                                // NFTA_CHAIN_TABLE "nat"
        "0f 00 03 00 70 72 65 72 6f 75 74 69 6e 67 00 00" +        // NFTA_CHAIN_NAME "prerouting" + pad
        "14 00 04 80" +                                            // NFTA_CHAIN_HOOK (nested)
        "08 00 01 00 00 00 00 00" +                                //   NFTA_HOOK_HOOKNUM 0 (prerouting)
        "08 00 02 00 00 00 00 00" +                                //   NFTA_HOOK_PRIORITY 0
        "08 00 07 00 6e 61 74 00");                                // NFTA_CHAIN_TYPE "nat"

    // nft add chain nat postrouting { type nat hook postrouting priority 100; }
    private static readonly byte[] AddChainPostrouting = Hex(
        "02 00 00 00" +
        "08 00 01 00 6e 61 74 00" +
        "10 00 03 00 70 6f 73 74 72 6f 75 74 69 6e 67 00" +        // "postrouting"
        "14 00 04 80 08 00 01 00 00 00 00 04 08 00 02 00 00 00 00 64" + // hook 4, priority 100
        "08 00 07 00 6e 61 74 00");

    // nft add rule nat postrouting oifname uplink0 masquerade
    private static readonly byte[] AddRuleMasq = Hex(
        "02 00 00 00" +
        "08 00 01 00 6e 61 74 00" +                                // NFTA_RULE_TABLE
        "10 00 02 00 70 6f 73 74 72 6f 75 74 69 6e 67 00" +        // NFTA_RULE_CHAIN
        "74 00 04 80" +                                            // NFTA_RULE_EXPRESSIONS
        "24 00 01 80 09 00 01 00 6d 65 74 61 00 00 00 00" +        //   elem: name "meta"
        "14 00 02 80 08 00 02 00 00 00 00 07 08 00 01 00 00 00 00 01" + // key OIFNAME, dreg 1
        "38 00 01 80 08 00 01 00 63 6d 70 00" +                    //   elem: name "cmp"
        "2c 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 00" + // sreg 1, op eq
        "18 00 03 80 14 00 01 00 75 70 6c 69 6e 6b 30 00 00 00 00 00 00 00 00 00" + // data "uplink0" (16 bytes)
        "14 00 01 80 09 00 01 00 6d 61 73 71 00 00 00 00 04 00 02 80"); // elem: "masq", empty data

    // nft add rule nat prerouting iif uplink0 tcp dport 4070 dnat 192.168.23.2:4080
    private static readonly byte[] AddRuleDnat = Hex(
        "02 00 00 00 08 00 01 00 6e 61 74 00 0f 00 02 00 70 72 65 72 6f 75 74 69 6e 67 00 00" +
        "98 01 04 80" +
        "24 00 01 80 09 00 01 00 6d 65 74 61 00 00 00 00 14 00 02 80 08 00 02 00 00 00 00 06 08 00 01 00 00 00 00 01" + // meta iifname
        "38 00 01 80 08 00 01 00 63 6d 70 00 2c 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 00" +
        "18 00 03 80 14 00 01 00 75 70 6c 69 6e 6b 30 00 00 00 00 00 00 00 00 00" +                                     // cmp "uplink0"
        "24 00 01 80 09 00 01 00 6d 65 74 61 00 00 00 00 14 00 02 80 08 00 02 00 00 00 00 10 08 00 01 00 00 00 00 01" + // meta l4proto
        "2c 00 01 80 08 00 01 00 63 6d 70 00 20 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 00" +
        "0c 00 03 80 05 00 01 00 06 00 00 00" +                                                                          // cmp 6 (tcp)
        "34 00 01 80 0c 00 01 00 70 61 79 6c 6f 61 64 00 24 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 02" +
        "08 00 03 00 00 00 00 02 08 00 04 00 00 00 00 02" +                                                              // payload 2b @ th + 2
        "2c 00 01 80 08 00 01 00 63 6d 70 00 20 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 00" +
        "0c 00 03 80 06 00 01 00 0f e6 00 00" +                                                                          // cmp 4070
        "2c 00 01 80 0e 00 01 00 69 6d 6d 65 64 69 61 74 65 00 00 00 18 00 02 80 08 00 01 00 00 00 00 01" +
        "0c 00 02 80 08 00 01 00 c0 a8 17 02" +                                                                          // immediate reg 1 192.168.23.2
        "2c 00 01 80 0e 00 01 00 69 6d 6d 65 64 69 61 74 65 00 00 00 18 00 02 80 08 00 01 00 00 00 00 02" +
        "0c 00 02 80 06 00 01 00 0f f0 00 00" +                                                                          // immediate reg 2 4080
        "30 00 01 80 08 00 01 00 6e 61 74 00 24 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 02" +
        "08 00 03 00 00 00 00 01 08 00 05 00 00 00 00 02");                                                             // nat dnat ip addr reg 1 proto reg 2

    // nft add rule nat postrouting ip saddr 192.168.69.2 masquerade
    private static readonly byte[] AddRuleSaddrMasq = Hex(
        "02 00 00 00 08 00 01 00 6e 61 74 00 10 00 02 00 70 6f 73 74 72 6f 75 74 69 6e 67 00" +
        "78 00 04 80" +
        "34 00 01 80 0c 00 01 00 70 61 79 6c 6f 61 64 00 24 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 01" +
        "08 00 03 00 00 00 00 0c 08 00 04 00 00 00 00 04" +                                                              // payload 4b @ nh + 12
        "2c 00 01 80 08 00 01 00 63 6d 70 00 20 00 02 80 08 00 01 00 00 00 00 01 08 00 02 00 00 00 00 00" +
        "0c 00 03 80 08 00 01 00 c0 a8 45 02" +                                                                          // cmp 192.168.69.2
        "14 00 01 80 09 00 01 00 6d 61 73 71 00 00 00 00 04 00 02 80");

    private static NftExpression[] MasqExprs() => new NftExpression[]
    {
        new NftMeta(NftMeta.KEY_OIFNAME), new NftCmp(NftCmp.OP_EQ, IfName("uplink0")), new NftMasq(),
    };

    private static NftExpression[] DnatExprs() => new NftExpression[]
    {
        new NftMeta(NftMeta.KEY_IIFNAME), new NftCmp(NftCmp.OP_EQ, IfName("uplink0")),
        new NftMeta(NftMeta.KEY_L4PROTO), new NftCmp(NftCmp.OP_EQ, new byte[] { 6 }),
        new NftPayload(NftPayload.BASE_TRANSPORT, 2, 2), new NftCmp(NftCmp.OP_EQ, new byte[] { 0x0f, 0xe6 }),
        new NftImmediate(IPAddress.Parse("192.168.23.2").GetAddressBytes()), new NftImmediate(new byte[] { 0x0f, 0xf0 }, Nft.REG_2),
        new NftNat(NftNat.DNAT, NfProto.IPV4, Nft.REG_1, RegProtoMin: Nft.REG_2),
    };

    private static NftExpression[] SaddrMasqExprs() => new NftExpression[]
    {
        new NftPayload(NftPayload.BASE_NETWORK, 12, 4), new NftCmp(NftCmp.OP_EQ, IPAddress.Parse("192.168.69.2").GetAddressBytes()), new NftMasq(),
    };

    [Fact]
    public void BatchMarkersMatchNft()
    {
        var begin = NftMessages.BatchBegin().Finish(1).ToArray();
        Assert.Equal(Nfnl.MSG_BATCH_BEGIN, BitConverter.ToUInt16(begin, 4));
        Assert.Equal(Nl.NLM_F_REQUEST, BitConverter.ToUInt16(begin, 6)); // no ack asked: the inner messages are acked
        Assert.Equal(BatchMarker, begin[Nl.HeaderSize..]);
        Assert.Equal(BatchMarker, Payload(NftMessages.BatchEnd()));
    }

    [Fact]
    public void TableAndChainsMatchNft()
    {
        Assert.Equal(AddTableIpNat, Payload(NftMessages.NewTable(NfProto.IPV4, "nat")));
        Assert.Equal(AddChainPrerouting, Payload(NftMessages.NewBaseChain(NfProto.IPV4, "nat", "prerouting", "nat", NfHook.PRE_ROUTING, 0)));
        Assert.Equal(AddChainPostrouting, Payload(NftMessages.NewBaseChain(NfProto.IPV4, "nat", "postrouting", "nat", NfHook.POST_ROUTING, NfHook.PRIORITY_SRCNAT)));
        var t = NftMessages.NewTable(NfProto.IPV4, "nat").Finish(1).ToArray();
        Assert.Equal(Nfnl.NftType(Nft.MSG_NEWTABLE), BitConverter.ToUInt16(t, 4)); // (10 << 8) | 0
        Assert.Equal(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE, BitConverter.ToUInt16(t, 6));
    }

    [Fact]
    public void RulesMatchNft()
    {
        Assert.Equal(AddRuleMasq, Payload(NftMessages.NewRule(NfProto.IPV4, "nat", "postrouting", MasqExprs())));
        Assert.Equal(AddRuleDnat, Payload(NftMessages.NewRule(NfProto.IPV4, "nat", "prerouting", DnatExprs())));
        Assert.Equal(AddRuleSaddrMasq, Payload(NftMessages.NewRule(NfProto.IPV4, "nat", "postrouting", SaddrMasqExprs())));
    }

    private static NetlinkMessage AsReply(ushort msg, byte[] payload) => new(Nfnl.NftType(msg), Nl.NLM_F_MULTI, 1, 1, payload);

    [Fact]
    public void CapturesParseBackToTheSameObjects()
    {
        var table = NftMessages.ParseTable(AsReply(Nft.MSG_NEWTABLE, AddTableIpNat))!;
        Assert.Equal((NfProto.IPV4, "nat", 0u), (table.Family, table.Name, table.Flags));
        var chain = NftMessages.ParseChain(AsReply(Nft.MSG_NEWCHAIN, AddChainPostrouting))!;
        Assert.Equal(("nat", "postrouting", (uint?)NfHook.POST_ROUTING, 100, "nat"), (chain.Table, chain.Name, chain.Hook, chain.Priority, chain.Type));
        foreach (var (bytes, chainName, exprs) in new[] { (AddRuleMasq, "postrouting", MasqExprs()), (AddRuleDnat, "prerouting", DnatExprs()), (AddRuleSaddrMasq, "postrouting", SaddrMasqExprs()) })
        {
            var rule = NftMessages.ParseRule(AsReply(Nft.MSG_NEWRULE, bytes))!;
            Assert.Equal(("nat", chainName), (rule.Table, rule.Chain));
            Assert.Equal(exprs, rule.Expressions);
            // and emitted again, byte for byte
            Assert.Equal(bytes, Payload(NftMessages.NewRule(rule.Family, rule.Table, rule.Chain, rule.Expressions)));
        }
    }

    [Fact]
    public void DumpReplyWithCounterAndHandleParses()
    {
        // TestGetRule: reply to "nft list chain ip filter forward" (nested attributes without NLA_F_NESTED, as the kernel sends them)
        var payload = Hex(
            "02 00 00 0c" +                                            // NFPROTO_IPV4, v0, res_id = generation 12
            "0b 00 01 00 66 69 6c 74 65 72 00 00" +                    // NFTA_RULE_TABLE "filter"
            "0c 00 02 00 66 6f 72 77 61 72 64 00" +                    // NFTA_RULE_CHAIN "forward"
            "0c 00 03 00 00 00 00 00 00 00 00 02" +                    // NFTA_RULE_HANDLE 2 (be64)
            "30 00 04 00 2c 00 01 00 0c 00 01 00 63 6f 75 6e 74 65 72 00" + // expressions: "counter"
            "1c 00 02 00 0c 00 01 00 00 00 00 00 6d 92 20 20" +        //   NFTA_COUNTER_BYTES
            "0c 00 02 00 00 00 00 00 00 0a 48 d9");                    //   NFTA_COUNTER_PACKETS
        var rule = NftMessages.ParseRule(AsReply(Nft.MSG_NEWRULE, payload))!;
        Assert.Equal(("filter", "forward", 2ul), (rule.Table, rule.Chain, rule.Handle));
        Assert.Equal(0x6d922020ul, rule.Counter.Bytes);
        Assert.Equal(0x0a48d9ul, rule.Counter.Packets);
    }

    [Fact]
    public void Ipv6RuleWithCommentRoundTrips()
    {
        var exprs = new NftExpression[]
        {
            new NftMeta(NftMeta.KEY_NFPROTO), new NftCmp(NftCmp.OP_EQ, new byte[] { NfProto.IPV6 }),
            new NftPayload(NftPayload.BASE_NETWORK, 8, 16), new NftBitwise(new byte[16] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0, 0 }, new byte[16]),
            new NftCmp(NftCmp.OP_EQ, IPAddress.Parse("fd00:0:0:10::").GetAddressBytes()),
            new NftFib(NftFib.RESULT_ADDRTYPE, NftFib.F_DADDR), new NftCmp(NftCmp.OP_EQ, BitConverter.GetBytes(NftFib.RTN_LOCAL)),
            new NftCounter(), new NftImmediate(IPAddress.Parse("fd00::1").GetAddressBytes()), new NftNat(NftNat.SNAT, NfProto.IPV6, Nft.REG_1),
        };
        var bytes = Payload(NftMessages.NewRule(NfProto.INET, "netnsps", "postrouting", exprs, "netnsps: web"));
        var rule = NftMessages.ParseRule(AsReply(Nft.MSG_NEWRULE, bytes))!;
        Assert.Equal(exprs, rule.Expressions);
        Assert.Equal("netnsps: web", rule.Comment);
        Assert.Equal(NfProto.INET, rule.Family);
        // the user data is libnftnl's TLV: type 0 (comment), length with the NUL, text
        Assert.Equal(new byte[] { 0, 4, (byte)'a', (byte)'b', (byte)'c', 0 }, NftMessages.CommentUserData("abc"));
        Assert.Null(NftMessages.ParseComment(new byte[] { 0, 9, (byte)'a' })); // truncated
    }

    [Fact]
    public void BatchCollectorMapsErrorsToTheirMessage()
    {
        uint[] seqs = { 10, 11, 12, 13 };
        ushort ack = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK;
        ushort[] flags = { Nl.NLM_F_REQUEST, ack, ack, Nl.NLM_F_REQUEST };
        var c = new BatchCollector(seqs, flags, 77, "test");
        c.Accept(Ack(11, 0));
        Assert.False(c.Complete);
        c.Accept(Ack(12, -17));
        Assert.True(c.Complete);
        Assert.Equal(2, Assert.Single(c.Errors).Index);
        Assert.Equal(Errors.Errno.EEXIST, c.Errors[0].Ack.Errno);

        // no CAP_NET_ADMIN: the kernel answers the batch begin only
        var refused = new BatchCollector(seqs, flags, 77, "test");
        refused.Accept(Ack(10, -1));
        Assert.True(refused.Refused);
        Assert.False(refused.Complete);
        Assert.Equal(0, refused.Errors[0].Index);
        Assert.Throws<NetlinkProtocolException>(() => refused.Accept(Ack(99, 0)));
    }

    internal static NetlinkMessage Ack(uint seq, int error)
    {
        var payload = new byte[4 + Nl.HeaderSize];
        BitConverter.GetBytes(error).CopyTo(payload, 0);
        BitConverter.GetBytes(seq).CopyTo(payload, 12);
        return new NetlinkMessage(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED, seq, 77, payload);
    }
}
