using System.Buffers.Binary;
using System.Net;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>NDA_* ids, NUD_* states and NTF_* flags (linux/neighbour.h).</summary>
public static class Nda
{
    public const ushort DST = 1, LLADDR = 2, CACHEINFO = 3, PROBES = 4;
    public const int NdMsgSize = 12;

    public const ushort NUD_INCOMPLETE = 0x01, NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_DELAY = 0x08, NUD_PROBE = 0x10,
        NUD_FAILED = 0x20, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80, NUD_NONE = 0x00;

    public const byte NTF_PROXY = 0x08, NTF_ROUTER = 0x80;

    /// <summary>Windows-like names of a NUD state (Get-NetNeighbor: Incomplete, Reachable, Stale, Delay, Probe, Unreachable, Permanent).</summary>
    public static string StateName(ushort state) => state switch
    {
        NUD_NONE => "None",
        NUD_INCOMPLETE => "Incomplete",
        NUD_REACHABLE => "Reachable",
        NUD_STALE => "Stale",
        NUD_DELAY => "Delay",
        NUD_PROBE => "Probe",
        NUD_FAILED => "Unreachable",
        NUD_NOARP => "NoArp",
        NUD_PERMANENT => "Permanent",
        _ => $"0x{state:x2}",
    };

    public static ushort ParseState(string name) => name.ToLowerInvariant() switch
    {
        "permanent" => NUD_PERMANENT,
        "reachable" => NUD_REACHABLE,
        "stale" => NUD_STALE,
        "noarp" => NUD_NOARP,
        "delay" => NUD_DELAY,
        "probe" => NUD_PROBE,
        "incomplete" => NUD_INCOMPLETE,
        "unreachable" or "failed" => NUD_FAILED,
        _ => throw new ArgumentException($"Unknown neighbour state '{name}'."),
    };
}

/// <summary>One neighbour entry (RTM_NEWNEIGH), pure data.</summary>
public sealed record NeighborInfo(byte Family, int InterfaceIndex, IPAddress Address, byte[]? LinkLayerAddress, ushort State, byte Flags)
{
    public bool IsRouter => (Flags & Nda.NTF_ROUTER) != 0;
}

/// <summary>Requests and parsers for the ARP and NDP tables (RTM_*NEIGH).</summary>
public static class Neighbors
{
    public const ushort RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;

    private static void Header(NetlinkMessageBuilder b, byte family, int index, ushort state = 0, byte flags = 0)
    {
        var h = b.AddHeader(Nda.NdMsgSize);
        h[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], state);
        h[10] = flags;
    }

    public static NetlinkMessageBuilder DumpRequest(byte family = Af.UNSPEC)
    {
        var b = new NetlinkMessageBuilder(RTM_GETNEIGH, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        Header(b, family, 0);
        return b;
    }

    /// <summary>ip neigh add ADDR lladdr MAC nud STATE dev INDEX (NLM_F_EXCL; with <paramref name="replace"/>: ip neigh replace).</summary>
    public static NetlinkMessageBuilder AddRequest(int index, IPAddress address, byte[]? lladdr, ushort state, bool replace = false)
    {
        var b = new NetlinkMessageBuilder(RTM_NEWNEIGH,
            (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | (replace ? Nl.NLM_F_REPLACE : Nl.NLM_F_EXCL)));
        Header(b, Af.Of(address), index, state);
        b.AddAttribute(Nda.DST, address.GetAddressBytes());
        if (lladdr is not null) b.AddAttribute(Nda.LLADDR, lladdr);
        return b;
    }

    public static NetlinkMessageBuilder DeleteRequest(int index, IPAddress address)
    {
        var b = new NetlinkMessageBuilder(RTM_DELNEIGH, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        Header(b, Af.Of(address), index);
        b.AddAttribute(Nda.DST, address.GetAddressBytes());
        return b;
    }

    /// <summary>Parses an RTM_NEWNEIGH payload; null for entries that are not IPv4/IPv6 with an address (bridge fdb, proxies).</summary>
    public static NeighborInfo? Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Nda.NdMsgSize) throw new NetlinkProtocolException("RTM_NEWNEIGH shorter than ndmsg.");
        byte family = payload[0];
        if (family is not (Af.INET or Af.INET6)) return null;
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        ushort state = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]);
        byte flags = payload[10];
        IPAddress? dst = null;
        byte[]? ll = null;
        foreach (var a in new NetlinkAttributeReader(payload[Nda.NdMsgSize..]))
        {
            if (a.Type == Nda.DST && a.Value.Length is 4 or 16) dst = new IPAddress(a.Value);
            else if (a.Type == Nda.LLADDR) ll = a.Value.ToArray();
        }
        if (dst is null || (flags & Nda.NTF_PROXY) != 0) return null;
        return new NeighborInfo(family, index, dst, ll, state, flags);
    }

    public static List<NeighborInfo> Dump(NetlinkSocket socket, byte family = Af.UNSPEC, object? target = null)
    {
        var list = new List<NeighborInfo>();
        foreach (var m in socket.Execute(DumpRequest(family), "RTM_GETNEIGH dump", ErrorIds.NeighborQueryFailed, target))
            if (m.Type == RTM_NEWNEIGH && Parse(m.Payload) is NeighborInfo n) list.Add(n);
        return list;
    }
}
