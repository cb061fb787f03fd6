using System.Buffers.Binary;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>Requests and parsers for links (RTM_*LINK).</summary>
public static class Links
{
    private static Span<byte> IfInfo(NetlinkMessageBuilder b, int index = 0, uint flags = 0, uint change = 0)
    {
        var h = b.AddHeader(Ifla.IfInfoMsgSize); // family AF_UNSPEC, pad, type 0
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], change);
        return h;
    }

    /// <summary>
    /// Dump request; <paramref name="targetNsid"/> asks for the links of the namespace with that nsid in the socket's
    /// namespace instead (IFLA_TARGET_NETNSID, strict checking), without a socket inside it.
    /// </summary>
    public static NetlinkMessageBuilder DumpRequest(int? targetNsid = null)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        IfInfo(b);
        if (targetNsid is int t) b.AddS32(Ifla.TARGET_NETNSID, t);
        return b; // with IFLA_STATS64 (the counters are a few hundred bytes per link)
    }

    public static NetlinkMessageBuilder GetRequest(string name)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETLINK, Nl.NLM_F_REQUEST);
        IfInfo(b);
        AddName(b, name);
        return b;
    }

    /// <summary>The link with <paramref name="index"/>; with <paramref name="targetNsid"/> the one in the namespace having that nsid in the socket's.</summary>
    public static NetlinkMessageBuilder GetRequest(int index, int? targetNsid = null)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETLINK, Nl.NLM_F_REQUEST);
        IfInfo(b, index);
        if (targetNsid is int t) b.AddS32(Ifla.TARGET_NETNSID, t);
        return b;
    }

    /// <summary>Interface names are at most 15 bytes (IFNAMSIZ-1); a longer name is a user error, not a kernel one.</summary>
    public static void ValidateName(string name, string what = "adapter name")
    {
        if (string.IsNullOrEmpty(name) || System.Text.Encoding.UTF8.GetByteCount(name) > 15 || name is "." or ".." ||
            name.IndexOfAny(new[] { '/', ':', ' ', '\t', '\n', '\0' }) >= 0)
            throw new NetnsException(ErrorIds.InvalidAdapterName, Errno.EINVAL,
                $"Invalid {what} '{name}': 1 to 15 bytes, no '/', ':', whitespace, not '.' or '..'.", name);
    }

    private static void AddName(NetlinkMessageBuilder b, string name) => b.AddString(Ifla.IFNAME, name);

    /// <summary>
    /// One RTM_NEWLINK making a veth pair: <paramref name="name"/> in the socket's namespace (or <paramref name="nsFd"/>),
    /// its peer <paramref name="peerName"/> directly in <paramref name="peerNsFd"/> (no move afterwards).
    /// </summary>
    public static NetlinkMessageBuilder NewVethRequest(string name, string peerName, int? nsFd, int? peerNsFd, int? mtu)
    {
        var b = new NetlinkMessageBuilder(Rtm.NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL);
        IfInfo(b);
        AddName(b, name);
        if (mtu is int m) b.AddU32(Ifla.MTU, (uint)m);
        if (nsFd is int fd) b.AddU32(Ifla.NET_NS_FD, (uint)fd);
        b.BeginNested(Ifla.LINKINFO);
        b.AddString(Ifla.INFO_KIND, "veth");
        b.BeginNested(Ifla.INFO_DATA);
        b.BeginNested(Ifla.VETH_INFO_PEER);
        IfInfo(b);
        AddName(b, peerName);
        if (mtu is int pm) b.AddU32(Ifla.MTU, (uint)pm);
        if (peerNsFd is int pfd) b.AddU32(Ifla.NET_NS_FD, (uint)pfd);
        b.EndNested().EndNested().EndNested();
        return b;
    }

    /// <summary>
    /// ip link add NAME [link PARENT] [mtu M] [address MAC] type KIND [kind data]: one RTM_NEWLINK; <paramref name="data"/>
    /// writes the IFLA_INFO_DATA attributes (null: none).
    /// </summary>
    public static NetlinkMessageBuilder NewLinkRequest(string name, string kind, int? parentIndex = null, int? mtu = null,
        byte[]? address = null, Action<NetlinkMessageBuilder>? data = null)
    {
        var b = new NetlinkMessageBuilder(Rtm.NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL);
        IfInfo(b);
        AddName(b, name);
        if (parentIndex is int p) b.AddU32(Ifla.LINK, (uint)p);
        if (mtu is int m) b.AddU32(Ifla.MTU, (uint)m);
        if (address is not null) b.AddAttribute(Ifla.ADDRESS, address);
        b.BeginNested(Ifla.LINKINFO);
        b.AddString(Ifla.INFO_KIND, kind);
        if (data is not null)
        {
            b.BeginNested(Ifla.INFO_DATA);
            data(b);
            b.EndNested();
        }
        b.EndNested();
        return b;
    }

    /// <summary>Changes of an existing link, by index (ip link set). <paramref name="master"/>: a bridge index, 0 for nomaster.</summary>
    public static NetlinkMessageBuilder SetRequest(int index, bool? up = null, string? newName = null, int? mtu = null,
        byte[]? address = null, int? nsFd = null, int? nsPid = null, int? master = null)
    {
        var b = new NetlinkMessageBuilder(Rtm.NEWLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        IfInfo(b, index, up == true ? Ifla.IFF_UP : 0, up is null ? 0 : Ifla.IFF_UP);
        if (newName is not null) AddName(b, newName);
        if (mtu is int m) b.AddU32(Ifla.MTU, (uint)m);
        if (address is not null) b.AddAttribute(Ifla.ADDRESS, address);
        if (nsFd is int fd) b.AddU32(Ifla.NET_NS_FD, (uint)fd);
        if (nsPid is int pid) b.AddU32(Ifla.NET_NS_PID, (uint)pid);
        if (master is int ms) b.AddU32(Ifla.MASTER, (uint)ms);
        return b;
    }

    public static NetlinkMessageBuilder DeleteRequest(int index)
    {
        var b = new NetlinkMessageBuilder(Rtm.DELLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        IfInfo(b, index);
        return b;
    }

    /// <summary>Parses an RTM_NEWLINK payload (ifinfomsg + attributes).</summary>
    public static LinkInfo Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Ifla.IfInfoMsgSize) throw new NetlinkProtocolException("RTM_NEWLINK shorter than ifinfomsg.");
        var info = new LinkInfo
        {
            HardwareType = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]),
            Index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]),
        };
        var alt = new List<string>();
        foreach (var a in new NetlinkAttributeReader(payload[Ifla.IfInfoMsgSize..]))
        {
            switch (a.Type)
            {
                case Ifla.IFNAME: info = info with { Name = a.String }; break;
                case Ifla.MTU: info = info with { Mtu = (int)a.U32 }; break;
                case Ifla.ADDRESS: info = info with { Address = a.Value.ToArray() }; break;
                case Ifla.PERM_ADDRESS: info = info with { PermanentAddress = a.Value.ToArray() }; break;
                case Ifla.OPERSTATE: info = info with { OperState = (OperationalState)a.U8 }; break;
                case Ifla.LINK: info = info with { LinkIndex = a.S32 }; break;
                case Ifla.LINK_NETNSID: info = info with { LinkNetnsId = a.S32 }; break;
                case Ifla.MASTER: info = info with { MasterIndex = a.S32 }; break;
                case Ifla.IFALIAS: info = info with { Alias = a.String }; break;
                case Ifla.TXQLEN: info = info with { TxQueueLength = (int)a.U32 }; break;
                case Ifla.CARRIER: info = info with { Carrier = a.U8 != 0 }; break;
                case Ifla.STATS64: info = info with { Statistics = LinkStatistics.Parse(a.Value) }; break;
                case Ifla.PROP_LIST:
                    foreach (var p in a.Nested) if (p.Type == Ifla.ALT_IFNAME) alt.Add(p.String);
                    break;
                case Ifla.LINKINFO:
                    foreach (var li in a.Nested)
                    {
                        if (li.Type == Ifla.INFO_KIND) info = info with { Kind = li.String };
                        else if (li.Type == Ifla.INFO_SLAVE_KIND) info = info with { SlaveKind = li.String };
                    }
                    foreach (var li in a.Nested)
                        if (li.Type == Ifla.INFO_DATA) info = ParseInfoData(info, li.Nested);
                    break;
            }
        }
        return alt.Count > 0 ? info with { AlternativeNames = alt.ToArray() } : info;
    }

    private static LinkInfo ParseInfoData(LinkInfo info, NetlinkAttributeReader data)
    {
        foreach (var d in data)
        {
            switch (info.Kind)
            {
                case "vxlan":
                    switch (d.Type)
                    {
                        case Ifla.VXLAN_ID when d.Value.Length == 4: info = info with { VxlanId = d.U32 }; break;
                        case Ifla.VXLAN_PORT when d.Value.Length == 2: info = info with { VxlanPort = d.U16BigEndian }; break;
                        case Ifla.VXLAN_LINK when d.Value.Length == 4: info = info with { VxlanLinkIndex = (int)d.U32 }; break;
                        case Ifla.VXLAN_LOCAL when d.Value.Length == 4:
                        case Ifla.VXLAN_LOCAL6 when d.Value.Length == 16:
                            info = info with { VxlanLocal = new System.Net.IPAddress(d.Value) }; break;
                        case Ifla.VXLAN_GROUP when d.Value.Length == 4:
                        case Ifla.VXLAN_GROUP6 when d.Value.Length == 16:
                            info = info with { VxlanGroup = new System.Net.IPAddress(d.Value) }; break;
                    }
                    break;
                case "macvlan":
                    if (d.Type == Ifla.MACVLAN_MODE && d.Value.Length == 4) info = info with { MacvlanMode = d.U32 };
                    break;
                case "tun":
                    if (d.Type == Ifla.TUN_TYPE && d.Value.Length == 1) info = info with { TunType = d.U8 };
                    else if (d.Type == Ifla.TUN_OWNER && d.Value.Length == 4) info = info with { TunOwner = d.U32 };
                    else if (d.Type == Ifla.TUN_PERSIST && d.Value.Length == 1) info = info with { TunPersist = d.U8 != 0 };
                    break;
            }
        }
        return info;
    }

    /// <summary>Macvlan mode name (private, vepa, bridge, passthru, source) of IFLA_MACVLAN_MODE.</summary>
    public static string? MacvlanModeName(uint? mode) => mode switch
    {
        null => null,
        Ifla.MACVLAN_MODE_PRIVATE => "Private",
        Ifla.MACVLAN_MODE_VEPA => "Vepa",
        Ifla.MACVLAN_MODE_BRIDGE => "Bridge",
        Ifla.MACVLAN_MODE_PASSTHRU => "Passthru",
        Ifla.MACVLAN_MODE_SOURCE => "Source",
        _ => mode.Value.ToString(),
    };

    public static List<LinkInfo> Dump(NetlinkSocket socket, object? target = null, int? targetNsid = null)
    {
        var list = new List<LinkInfo>();
        foreach (var m in socket.Execute(DumpRequest(targetNsid), "RTM_GETLINK dump", ErrorIds.AdapterQueryFailed, target))
            if (m.Type == Rtm.NEWLINK) list.Add(Parse(m.Payload));
        return list;
    }

    /// <summary>Index → name of every link (addresses, routes, neighbours and qdiscs name adapters by it).</summary>
    public static Dictionary<int, string> Names(NetlinkSocket socket, object? target = null)
        => Dump(socket, target).ToDictionary(l => l.Index, l => l.Name);

    /// <summary>The link named <paramref name="name"/>, or null when the namespace has none (ENODEV).</summary>
    public static LinkInfo? TryGet(NetlinkSocket socket, string name)
    {
        try
        {
            foreach (var m in socket.Execute(GetRequest(name), $"RTM_GETLINK {name}", ErrorIds.AdapterQueryFailed, name))
                if (m.Type == Rtm.NEWLINK) return Parse(m.Payload);
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENODEV) { }
        return null;
    }

    /// <summary>
    /// The link with <paramref name="index"/>, or null when there is none (ENODEV). With <paramref name="targetNsid"/>: the
    /// link in the namespace that has this nsid in the socket's (IFLA_TARGET_NETNSID), read without opening that namespace.
    /// </summary>
    public static LinkInfo? TryGet(NetlinkSocket socket, int index, int? targetNsid = null)
    {
        try
        {
            foreach (var m in socket.Execute(GetRequest(index, targetNsid), $"RTM_GETLINK {index}", ErrorIds.AdapterQueryFailed, index))
                if (m.Type == Rtm.NEWLINK) return Parse(m.Payload);
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENODEV) { }
        return null;
    }

    /// <summary>"aa:bb:cc:dd:ee:ff" for a hardware address.</summary>
    public static string? FormatMac(byte[]? a) => a is null || a.Length == 0 ? null : string.Join(":", a.Select(b => b.ToString("x2")));

    /// <summary>Accepts aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabbccddeeff.</summary>
    public static byte[] ParseMac(string text)
    {
        var hex = text.Replace(":", "").Replace("-", "").Replace(".", "");
        if (hex.Length != 12 || !hex.All(Uri.IsHexDigit))
            throw new NetnsException(ErrorIds.InvalidMacAddress, Errno.EINVAL, $"Invalid MAC address '{text}': expected six hex bytes like 02:00:00:00:00:01.", text);
        return Convert.FromHexString(hex);
    }

    /// <summary>Kind as people say it: the rtnl kind (veth, bridge...), else loopback, else physical/none.</summary>
    public static string DescribeKind(LinkInfo l)
        => l.Kind == "tun" && l.TunType == 2 ? "tap" : l.Kind ?? (l.IsLoopback ? "loopback" : l.HardwareType == Ifla.ARPHRD_ETHER ? "physical" : $"arphrd{l.HardwareType}");
}
