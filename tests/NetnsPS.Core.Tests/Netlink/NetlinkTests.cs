using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;
using Xunit;

namespace NetnsPS.Core.Tests.Netlink;

public sealed class NetlinkTests(NamespaceFixture fx) : NamespaceTests(fx)
{
    [Fact]
    public void GetNsidRequestBytesMatchIproute2()
    {
        // What `ip netns list` sends per namespace (strace -e sendmsg -x ip netns list), with fd 5, seq 7:
        byte[] expected =
        {
            0x1c, 0, 0, 0,   // nlmsg_len 28
            0x5a, 0,         // RTM_GETNSID (90)
            0x01, 0,         // NLM_F_REQUEST
            7, 0, 0, 0,      // seq
            0, 0, 0, 0,      // port id (kernel fills)
            0, 0, 0, 0,      // rtgenmsg: AF_UNSPEC + 3 pad bytes, zeroed
            8, 0, 3, 0,      // nla_len 8, NETNSA_FD
            5, 0, 0, 0,      // fd 5
        };
        Assert.Equal(expected, NsIds.GetRequest(5).Finish(7).ToArray());
    }

    [Fact]
    public void BuilderPatchesNestedLengthsAndZeroesPadding()
    {
        var b = new NetlinkMessageBuilder(Rtm.NEWLINK, Nl.NLM_F_REQUEST);
        b.AddHeader(16);
        b.BeginNested(18).AddString(1, "veth").EndNested(); // IFLA_LINKINFO { IFLA_INFO_KIND "veth" }
        b.AddU8(9, 0xFF);
        var bytes = b.Finish(1).ToArray();
        Assert.Equal(16 + 16 + 4 + 12 + 8, bytes.Length);
        // nested header: len 16 (4 + 4 + "veth\0" padded to 8), type 18|NLA_F_NESTED
        Assert.Equal(new byte[] { 16, 0, 18, 0x80 }, bytes[32..36]);
        Assert.Equal(new byte[] { 9, 0, 1, 0, (byte)'v', (byte)'e', (byte)'t', (byte)'h', 0, 0, 0, 0 }, bytes[36..48]);
        Assert.Equal(new byte[] { 5, 0, 9, 0, 0xFF, 0, 0, 0 }, bytes[48..56]);
    }

    [Fact]
    public void AttributeReaderStopsAtTruncatedInputAndMasksFlags()
    {
        byte[] data = { 8, 0, 0x01, 0x80, 1, 2, 3, 4, 12, 0, 2, 0, 9, 9 }; // second attribute claims 12 bytes, has 6
        var r = new NetlinkAttributeReader(data);
        Assert.True(r.MoveNext());
        Assert.Equal(1, r.Current.Type);
        Assert.True(r.Current.IsNested);
        Assert.Equal(0x04030201u, r.Current.U32);
        Assert.False(r.MoveNext());
    }

    [Fact]
    public void AttributeGettersDemandExactLength()
    {
        byte[] data = { 6, 0, 1, 0, 1, 2, 0, 0 };
        var r = new NetlinkAttributeReader(data);
        Assert.True(r.MoveNext());
        Assert.Equal(0x0201, r.Current.U16);
        try { _ = r.Current.U32; Assert.Fail("expected a protocol error"); }
        catch (NetlinkProtocolException) { }
    }

    [Fact]
    public void ParsesExtendedAckWithMessageAndOffset()
    {
        // NLMSG_ERROR payload with NLM_F_CAPPED|NLM_F_ACK_TLVS: error -22, echoed header, MSG + OFFS attributes.
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(-22));
        payload.AddRange(new byte[] { 32, 0, 0, 0, 24, 0, 1, 3, 9, 0, 0, 0, 0, 0, 0, 0 });
        var msg = System.Text.Encoding.ASCII.GetBytes("Invalid header for route dump request\0");
        payload.AddRange(BitConverter.GetBytes((ushort)(4 + msg.Length)));
        payload.AddRange(BitConverter.GetBytes(Nl.NLMSGERR_ATTR_MSG));
        payload.AddRange(msg);
        while (payload.Count % 4 != 0) payload.Add(0);
        payload.AddRange(new byte[] { 8, 0, 2, 0, 16, 0, 0, 0 });
        var ack = NetlinkAck.Parse(payload.ToArray(), Nl.NLM_F_CAPPED | Nl.NLM_F_ACK_TLVS);
        Assert.Equal(Errno.EINVAL, ack.Errno);
        Assert.Equal("Invalid header for route dump request", ack.Message);
        Assert.Equal(16u, ack.Offset);
        Assert.Equal(9u, ack.OriginalSeq);
        Assert.Contains("Invalid argument", ack.Describe());
    }

    [Fact]
    public void KernelExtackReachesTheException()
    {
        // A strict RTM_GETROUTE dump with a malformed header: the kernel answers EINVAL with an extack message.
        using var s = NetlinkSocket.Open();
        var b = new NetlinkMessageBuilder(Rtm.GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        var rtm = b.AddHeader(12);
        rtm[0] = 2;    // AF_INET
        rtm[1] = 24;   // rtm_dst_len set: not allowed in a strict dump request
        var ex = Assert.Throws<NetlinkException>(() => s.Execute(b, "route dump"));
        Assert.Equal(Errno.EINVAL, ex.Errno);
        Assert.False(string.IsNullOrEmpty(ex.Ack.Message));
        Assert.Contains(ex.Ack.Message!, ex.Message);
    }

    [Fact]
    public void NsidMatchesIpNetnsSetAndList()
    {
        var name = Fx.Name("nsid");
        var e = NamespaceStore.Create(name);
        using var s = NetlinkSocket.Open();
        using var h = NamespaceHandle.Open(e.Path);
        Assert.Null(NsIds.Get(s, h));
        NamespaceFixture.Ip("netns", "set", name, "4242");
        Assert.Equal(4242, NsIds.Get(s, h));
        Assert.Contains($"{name} (id: 4242)", NamespaceFixture.Ip("netns", "list"));
        var other = NamespaceStore.Create(Fx.Name("nsid2"));
        using var h2 = NamespaceHandle.Open(other.Path);
        NsIds.Set(s, h2, 4343);
        Assert.Contains($"{other.Name} (id: 4343)", NamespaceFixture.Ip("netns", "list"));
        // setting a taken id: the kernel refuses, with its errno in the exception
        using var h3 = NamespaceHandle.Open(NamespaceStore.Create(Fx.Name("nsid3")).Path);
        var ex = Assert.Throws<NetlinkException>(() => NsIds.Set(s, h3, 4242));
        Assert.Equal(Errno.EEXIST, ex.Errno);
        foreach (var n in new[] { name, other.Name, Fx.Name("nsid3") }) NamespaceStore.Delete(n);
    }

    [Fact]
    public void SocketOpenedInsideANamespaceSeesThatNamespace()
    {
        var e = NamespaceStore.Create(Fx.Name("sock"));
        using var h = NamespaceHandle.Open(e.Path);
        using var inside = NetlinkSocket.Open(h);
        // Inside, the host's own namespace has no nsid yet; ask for the nsid of the namespace itself: kernel reports
        // it relative to the socket's namespace, where a namespace seen from itself is NETNSA_NSID_NOT_ASSIGNED.
        using var self = NamespaceHandle.OpenCurrentThread();
        Assert.Null(NsIds.Get(inside, self));
        NsIds.Set(inside, self, 77);  // the host gets id 77 inside the new namespace
        var shown = NamespaceFixture.Ip("-n", e.Name, "netns", "list-id");
        Assert.Contains("nsid 77", shown);
        NamespaceStore.Delete(e.Name);
    }
}
