using System.Buffers.Binary;
using System.Net;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>IFA_* ids (linux/if_addr.h).</summary>
public static class Ifa
{
    public const ushort ADDRESS = 1, LOCAL = 2, LABEL = 3, BROADCAST = 4, CACHEINFO = 6, FLAGS = 8;
    public const int IfAddrMsgSize = 8;
    public const uint F_SECONDARY = 0x01, F_NODAD = 0x02, F_DADFAILED = 0x08, F_TENTATIVE = 0x40, F_PERMANENT = 0x80, F_NOPREFIXROUTE = 0x200;
}

/// <summary>Route/address scopes (rtnetlink.h).</summary>
public enum RouteScope : byte { Universe = 0, Site = 200, Link = 253, Host = 254, Nowhere = 255 }

/// <summary>One address (RTM_NEWADDR), pure data.</summary>
public sealed record AddressInfo(byte Family, int InterfaceIndex, IPAddress Address, int PrefixLength, RouteScope Scope,
    uint Flags, string? Label, IPAddress? Peer, IPAddress? Broadcast)
{
    public bool IsTentative => (Flags & Ifa.F_TENTATIVE) != 0;
    public bool IsPermanent => (Flags & Ifa.F_PERMANENT) != 0;
}

/// <summary>Requests and parsers for addresses (RTM_*ADDR).</summary>
public static class Addresses
{
    private static void Header(NetlinkMessageBuilder b, byte family, int prefixLen, int index, RouteScope scope = RouteScope.Universe)
    {
        var h = b.AddHeader(Ifa.IfAddrMsgSize);
        h[0] = family;
        h[1] = (byte)prefixLen;
        h[3] = (byte)scope;
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
    }

    /// <summary>Dump of every address of a family (0: all), optionally of one interface (strict filtering).</summary>
    public static NetlinkMessageBuilder DumpRequest(byte family = Af.UNSPEC, int index = 0)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        Header(b, family, 0, index);
        return b;
    }

    /// <summary>ip address add ADDR/LEN dev INDEX (IPv4: IFA_LOCAL and IFA_ADDRESS; IPv6: IFA_ADDRESS).</summary>
    public static NetlinkMessageBuilder AddRequest(int index, IPAddress address, int prefixLen, bool replace = false, bool noDad = false)
    {
        var flags = (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | (replace ? Nl.NLM_F_REPLACE : Nl.NLM_F_EXCL));
        var b = new NetlinkMessageBuilder(Rtm.NEWADDR, flags);
        byte family = Af.Of(address);
        Header(b, family, prefixLen, index, address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback) ? RouteScope.Host : RouteScope.Universe);
        var bytes = address.GetAddressBytes();
        if (family == Af.INET) b.AddAttribute(Ifa.LOCAL, bytes);
        b.AddAttribute(Ifa.ADDRESS, bytes);
        if (noDad) b.AddU32(Ifa.FLAGS, Ifa.F_NODAD);
        return b;
    }

    public static NetlinkMessageBuilder DeleteRequest(int index, IPAddress address, int prefixLen)
    {
        var b = new NetlinkMessageBuilder(Rtm.DELADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        byte family = Af.Of(address);
        Header(b, family, prefixLen, index);
        var bytes = address.GetAddressBytes();
        if (family == Af.INET) b.AddAttribute(Ifa.LOCAL, bytes);
        b.AddAttribute(Ifa.ADDRESS, bytes);
        return b;
    }

    public static AddressInfo Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Ifa.IfAddrMsgSize) throw new NetlinkProtocolException("RTM_NEWADDR shorter than ifaddrmsg.");
        byte family = payload[0];
        int prefix = payload[1];
        uint flags = payload[2];
        var scope = (RouteScope)payload[3];
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        IPAddress? address = null, local = null, brd = null;
        string? label = null;
        foreach (var a in new NetlinkAttributeReader(payload[Ifa.IfAddrMsgSize..]))
        {
            switch (a.Type)
            {
                case Ifa.ADDRESS: address = Af.ReadAddress(a.Value); break;
                case Ifa.LOCAL: local = Af.ReadAddress(a.Value); break;
                case Ifa.BROADCAST: brd = Af.ReadAddress(a.Value); break;
                case Ifa.LABEL: label = a.String; break;
                case Ifa.FLAGS: flags = a.U32; break;
            }
        }
        // IPv4: IFA_LOCAL is the address, IFA_ADDRESS the peer (equal unless point-to-point). IPv6: only IFA_ADDRESS.
        var own = local ?? address ?? throw new NetlinkProtocolException("RTM_NEWADDR without IFA_ADDRESS.");
        var peer = local is not null && address is not null && !address.Equals(local) ? address : null;
        return new AddressInfo(family, index, own, prefix, scope, flags, label, peer, brd);
    }

    public static List<AddressInfo> Dump(NetlinkSocket socket, byte family = Af.UNSPEC, int index = 0, object? target = null)
    {
        var list = new List<AddressInfo>();
        foreach (var m in socket.Execute(DumpRequest(family, index), "RTM_GETADDR dump", ErrorIds.AddressQueryFailed, target))
            if (m.Type == Rtm.NEWADDR) list.Add(Parse(m.Payload));
        return list;
    }
}
