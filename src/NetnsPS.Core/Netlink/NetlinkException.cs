using System.Buffers.Binary;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Netlink;

/// <summary>The kernel refused a request: errno, its text and the extended ack (message, offset, missing attribute).</summary>
public sealed class NetlinkException : NetnsException
{
    public NetlinkException(string errorCode, Errno errno, string message, NetlinkAck ack, string operation, object? target = null)
        : base(errorCode, errno, message, target)
    {
        Ack = ack;
        Operation = operation;
    }

    public NetlinkAck Ack { get; }

    public string Operation { get; }
}

/// <summary>A reply that breaks the protocol (truncated, wrong sequence): a bug, here or in the kernel.</summary>
public sealed class NetlinkProtocolException : NetnsException
{
    public NetlinkProtocolException(string message) : base(ErrorIds.NetlinkProtocolError, Errno.EIO, message) { }
}

/// <summary>The parsed NLMSG_ERROR (or NLMSG_DONE) payload.</summary>
public readonly record struct NetlinkAck(int Error, string? Message, uint? Offset, ushort? MissingType, uint? MissingNest, uint OriginalSeq)
{
    public Errno Errno => (Errno)(-Error);

    /// <summary>Parses an NLMSG_ERROR payload (struct nlmsgerr then, with NLM_F_ACK_TLVS, the extack attributes).</summary>
    public static NetlinkAck Parse(ReadOnlySpan<byte> payload, ushort flags)
    {
        if (payload.Length < 4 + Nl.HeaderSize)
            throw new NetlinkProtocolException($"NLMSG_ERROR payload of {payload.Length} bytes is too short.");
        int error = BinaryPrimitives.ReadInt32LittleEndian(payload);
        uint origLen = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        uint origSeq = BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]);
        int tlvStart = 4 + Nl.HeaderSize;
        if ((flags & Nl.NLM_F_CAPPED) == 0 && error != 0)
            tlvStart = 4 + Nl.Align((int)Math.Min(origLen, (uint)(payload.Length - 4)));
        return ParseTlvs(error, origSeq, (flags & Nl.NLM_F_ACK_TLVS) != 0 && tlvStart <= payload.Length ? payload[tlvStart..] : default);
    }

    /// <summary>Parses an NLMSG_DONE payload of a dump (int error, then extack attributes).</summary>
    public static NetlinkAck ParseDone(ReadOnlySpan<byte> payload, ushort flags)
    {
        int error = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
        return ParseTlvs(error, 0, (flags & Nl.NLM_F_ACK_TLVS) != 0 && payload.Length > 4 ? payload[4..] : default);
    }

    private static NetlinkAck ParseTlvs(int error, uint seq, ReadOnlySpan<byte> tlvs)
    {
        string? msg = null; uint? offs = null; ushort? miss = null; uint? missNest = null;
        foreach (var a in new NetlinkAttributeReader(tlvs))
        {
            switch (a.Type)
            {
                case Nl.NLMSGERR_ATTR_MSG: msg = a.String; break;
                case Nl.NLMSGERR_ATTR_OFFS when a.Value.Length == 4: offs = a.U32; break;
                case Nl.NLMSGERR_ATTR_MISS_TYPE when a.Value.Length == 4: miss = (ushort)a.U32; break;
                case Nl.NLMSGERR_ATTR_MISS_TYPE when a.Value.Length == 2: miss = a.U16; break;
                case Nl.NLMSGERR_ATTR_MISS_NEST when a.Value.Length == 4: missNest = a.U32; break;
            }
        }
        return new NetlinkAck(error, msg, offs, miss, missNest, seq);
    }

    /// <summary>"File exists (errno 17 EEXIST): kernel says ..."</summary>
    public string Describe()
    {
        var text = Sys.Describe(Errno);
        if (!string.IsNullOrEmpty(Message)) text += $"; kernel: {Message}";
        if (Offset is uint o) text += $" (at byte {o} of the request)";
        if (MissingType is ushort m) text += $" (missing attribute {m})";
        return text;
    }
}
