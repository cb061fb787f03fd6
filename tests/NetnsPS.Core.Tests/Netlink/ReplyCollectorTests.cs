using NetnsPS.Core.Errors;
using NetnsPS.Core.Netlink;
using Xunit;

namespace NetnsPS.Core.Tests.Netlink;

/// <summary>The receive-side protocol, fed synthetic kernel messages (no socket).</summary>
public sealed class ReplyCollectorTests
{
    private const uint Seq = 41, Port = 777;
    private const ushort Dump = Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP;

    private static NetlinkMessage Msg(ushort type, ushort flags = 0, uint seq = Seq, uint port = Port, byte[]? payload = null)
        => new(type, flags, seq, port, payload ?? new byte[4]);

    private static byte[] ErrorPayload(int error, string? extack = null)
    {
        var p = new List<byte>(BitConverter.GetBytes(error));
        p.AddRange(new byte[16]); // echoed header (capped)
        if (extack is not null)
        {
            var s = System.Text.Encoding.ASCII.GetBytes(extack + "\0");
            p.AddRange(BitConverter.GetBytes((ushort)(4 + s.Length)));
            p.AddRange(BitConverter.GetBytes(Nl.NLMSGERR_ATTR_MSG));
            p.AddRange(s);
            while (p.Count % 4 != 0) p.Add(0);
        }
        return p.ToArray();
    }

    [Fact]
    public void DumpCollectsMultipartRepliesUntilDone()
    {
        var c = new ReplyCollector(Seq, Port, Dump, "dump");
        Assert.False(c.Accept(Msg(16, Nl.NLM_F_MULTI)));
        Assert.False(c.Accept(Msg(16, Nl.NLM_F_MULTI)));
        Assert.True(c.Accept(Msg(Nl.NLMSG_DONE, Nl.NLM_F_MULTI)));
        Assert.Equal(2, c.Replies.Count);
        Assert.False(c.Interrupted);
    }

    [Fact]
    public void DumpIntrIsReported()
    {
        var c = new ReplyCollector(Seq, Port, Dump, "dump");
        c.Accept(Msg(16, Nl.NLM_F_MULTI));
        c.Accept(Msg(16, Nl.NLM_F_MULTI | Nl.NLM_F_DUMP_INTR));
        Assert.True(c.Accept(Msg(Nl.NLMSG_DONE, Nl.NLM_F_MULTI | Nl.NLM_F_DUMP_INTR)));
        Assert.True(c.Interrupted);
    }

    [Fact]
    public void ErrorAckThrowsWithErrnoAndExtack()
    {
        var c = new ReplyCollector(Seq, Port, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, "add link", "AdapterCreateFailed", "v0");
        var ex = Assert.Throws<NetlinkException>(() =>
            c.Accept(Msg(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED | Nl.NLM_F_ACK_TLVS, payload: ErrorPayload(-17, "Device exists"))));
        Assert.Equal(Errno.EEXIST, ex.Errno);
        Assert.Equal("AdapterCreateFailed", ex.ErrorCode);
        Assert.Equal("v0", ex.Target);
        Assert.Contains("Device exists", ex.Message);
        Assert.Contains("File exists", ex.Message);
    }

    [Fact]
    public void ZeroErrorIsTheAckThatEndsARequest()
    {
        var c = new ReplyCollector(Seq, Port, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, "set");
        Assert.True(c.Accept(Msg(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED, payload: ErrorPayload(0))));
        Assert.Empty(c.Replies);
    }

    [Fact]
    public void DoneWithErrorThrows()
    {
        var c = new ReplyCollector(Seq, Port, Dump, "dump");
        Assert.Throws<NetlinkException>(() => c.Accept(Msg(Nl.NLMSG_DONE, Nl.NLM_F_MULTI, payload: BitConverter.GetBytes(-22))));
    }

    [Fact]
    public void RequestWithoutAckEndsWithItsSingleReply()
    {
        var c = new ReplyCollector(Seq, Port, Nl.NLM_F_REQUEST, "get");
        Assert.True(c.Accept(Msg(88)));
        Assert.Single(c.Replies);
    }

    [Fact]
    public void StaleRepliesAreSkippedAndFutureOnesAreAProtocolError()
    {
        var c = new ReplyCollector(Seq, Port, Dump, "dump");
        Assert.False(c.Accept(Msg(16, seq: Seq - 1)));
        Assert.Empty(c.Replies);
        Assert.Throws<NetlinkProtocolException>(() => c.Accept(Msg(16, seq: Seq + 1)));
        Assert.Throws<NetlinkProtocolException>(() => c.Accept(Msg(16, port: Port + 1)));
        Assert.False(c.Accept(Msg(16, port: 0))); // the kernel's own port id
    }

    [Fact]
    public void NoopIsIgnoredAndOverrunIsAnError()
    {
        var c = new ReplyCollector(Seq, Port, Dump, "dump");
        Assert.False(c.Accept(Msg(Nl.NLMSG_NOOP)));
        Assert.Throws<NetlinkProtocolException>(() => c.Accept(Msg(Nl.NLMSG_OVERRUN)));
    }
}
