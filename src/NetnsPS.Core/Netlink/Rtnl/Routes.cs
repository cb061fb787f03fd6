using System.Buffers.Binary;
using System.Net;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>RTA_* ids and rtmsg values (linux/rtnetlink.h).</summary>
public static class Rta
{
    public const ushort DST = 1, SRC = 2, IIF = 3, OIF = 4, GATEWAY = 5, PRIORITY = 6, PREFSRC = 7, METRICS = 8,
        TABLE = 15, VIA = 18, PREF = 20;
    public const int RtMsgSize = 12;
    public const byte TABLE_UNSPEC = 0, TABLE_MAIN = 254, TABLE_LOCAL = 255;
    public const byte PROT_UNSPEC = 0, PROT_KERNEL = 2, PROT_BOOT = 3, PROT_STATIC = 4;
}

/// <summary>Route types (RTN_*).</summary>
public enum RouteType : byte
{
    Unspecified = 0, Unicast = 1, Local = 2, Broadcast = 3, Anycast = 4, Multicast = 5, Blackhole = 6,
    Unreachable = 7, Prohibit = 8, Throw = 9, Nat = 10,
}

/// <summary>One route (RTM_NEWROUTE), pure data.</summary>
public sealed record RouteInfo(byte Family, IPAddress Destination, int DestinationLength, IPAddress? Gateway, int? OutputInterface,
    uint? Metric, uint Table, byte Protocol, RouteScope Scope, RouteType Type, IPAddress? PreferredSource)
{
    /// <summary>"10.1.0.0/16"; "0.0.0.0/0" and "::/0" for a default route (as IpPrefix.Format writes them).</summary>
    public string DestinationPrefix => $"{Destination}/{DestinationLength}";
}

/// <summary>Requests and parsers for routes (RTM_*ROUTE).</summary>
public static class Routes
{
    private static void Header(NetlinkMessageBuilder b, byte family, int dstLen, uint table, byte protocol, RouteScope scope, RouteType type)
    {
        var h = b.AddHeader(Rta.RtMsgSize);
        h[0] = family;
        h[1] = (byte)dstLen;
        h[4] = table < 256 ? (byte)table : Rta.TABLE_UNSPEC;
        h[5] = protocol;
        h[6] = (byte)scope;
        h[7] = (byte)type;
        if (table >= 256) b.AddU32(Rta.TABLE, table);
    }

    /// <summary>Dump of routes of a family; <paramref name="table"/> 0 means every table (strict filtering by RTA_TABLE otherwise).</summary>
    public static NetlinkMessageBuilder DumpRequest(byte family, uint table)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        var h = b.AddHeader(Rta.RtMsgSize);
        h[0] = family;
        if (table != 0) b.AddU32(Rta.TABLE, table);
        return b;
    }

    /// <summary>ip route add PREFIX [via GW] [dev INDEX] [metric M] [table T].</summary>
    public static NetlinkMessageBuilder AddRequest(IPAddress destination, int dstLen, IPAddress? gateway, int? oif, uint? metric, uint table, bool replace = false)
    {
        var flags = (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | (replace ? Nl.NLM_F_REPLACE : Nl.NLM_F_EXCL));
        var b = new NetlinkMessageBuilder(Rtm.NEWROUTE, flags);
        byte family = Af.Of(destination);
        // Like ip: a route through a gateway has universe scope; a device route without one is link scope.
        var scope = gateway is null && oif is not null ? RouteScope.Link : RouteScope.Universe;
        Header(b, family, dstLen, table, Rta.PROT_BOOT, scope, RouteType.Unicast);
        Attributes(b, destination, dstLen, gateway, oif, metric);
        return b;
    }

    public static NetlinkMessageBuilder DeleteRequest(IPAddress destination, int dstLen, IPAddress? gateway, int? oif, uint? metric, uint table)
    {
        var b = new NetlinkMessageBuilder(Rtm.DELROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        Header(b, Af.Of(destination), dstLen, table, Rta.PROT_UNSPEC, RouteScope.Nowhere, RouteType.Unspecified);
        Attributes(b, destination, dstLen, gateway, oif, metric);
        return b;
    }

    private static void Attributes(NetlinkMessageBuilder b, IPAddress destination, int dstLen, IPAddress? gateway, int? oif, uint? metric)
    {
        if (dstLen > 0) b.AddAttribute(Rta.DST, destination.GetAddressBytes());
        if (gateway is not null)
        {
            if (Af.Of(gateway) == Af.Of(destination)) b.AddAttribute(Rta.GATEWAY, gateway.GetAddressBytes());
            else
            {
                // RTA_VIA: struct rtvia { family; addr } for a gateway of the other family (IPv4 over IPv6 next hop).
                var g = gateway.GetAddressBytes();
                var via = new byte[2 + g.Length];
                BinaryPrimitives.WriteUInt16LittleEndian(via, Af.Of(gateway));
                g.CopyTo(via, 2);
                b.AddAttribute(Rta.VIA, via);
            }
        }
        if (oif is int o) b.AddU32(Rta.OIF, (uint)o);
        if (metric is uint m) b.AddU32(Rta.PRIORITY, m);
    }

    public static RouteInfo Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Rta.RtMsgSize) throw new NetlinkProtocolException("RTM_NEWROUTE shorter than rtmsg.");
        byte family = payload[0];
        int dstLen = payload[1];
        uint table = payload[4];
        byte protocol = payload[5];
        var scope = (RouteScope)payload[6];
        var type = (RouteType)payload[7];
        IPAddress? dst = null, gw = null, pref = null;
        int? oif = null;
        uint? metric = null;
        foreach (var a in new NetlinkAttributeReader(payload[Rta.RtMsgSize..]))
        {
            switch (a.Type)
            {
                case Rta.DST: dst = Af.ReadAddress(a.Value); break;
                case Rta.GATEWAY: gw = Af.ReadAddress(a.Value); break;
                case Rta.VIA when a.Value.Length > 2: gw = Af.ReadAddress(a.Value[2..]); break;
                case Rta.OIF: oif = a.S32; break;
                case Rta.PRIORITY: metric = a.U32; break;
                case Rta.TABLE: table = a.U32; break;
                case Rta.PREFSRC: pref = Af.ReadAddress(a.Value); break;
            }
        }
        dst ??= family == Af.INET6 ? IPAddress.IPv6Any : IPAddress.Any;
        return new RouteInfo(family, dst, dstLen, gw, oif, metric, table, protocol, scope, type, pref);
    }

    public static List<RouteInfo> Dump(NetlinkSocket socket, byte family, uint table, object? target = null)
    {
        var list = new List<RouteInfo>();
        foreach (var m in socket.Execute(DumpRequest(family, table), "RTM_GETROUTE dump", ErrorIds.RouteQueryFailed, target))
            if (m.Type == Rtm.NEWROUTE)
            {
                var r = Parse(m.Payload);
                if (table == 0 || r.Table == table) list.Add(r);
            }
        return list;
    }
}
