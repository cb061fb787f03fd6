using System.Buffers.Binary;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>One link as the kernel reports it (RTM_NEWLINK), pure data.</summary>
public sealed record LinkInfo
{
    public int Index { get; init; }
    public string Name { get; init; } = string.Empty;
    public ushort HardwareType { get; init; }
    public uint Flags { get; init; }
    public OperationalState OperState { get; init; }
    public int Mtu { get; init; }
    public byte[]? Address { get; init; }
    public byte[]? PermanentAddress { get; init; }
    public string? Kind { get; init; }
    public string? SlaveKind { get; init; }
    /// <summary>IFLA_LINK: the peer (veth) or lower device, as an index in the namespace <see cref="LinkNetnsId"/> names.</summary>
    public int? LinkIndex { get; init; }
    /// <summary>IFLA_LINK_NETNSID: the nsid (seen from this link's namespace) of the namespace <see cref="LinkIndex"/> lives in.</summary>
    public int? LinkNetnsId { get; init; }
    public int? MasterIndex { get; init; }
    public string? Alias { get; init; }
    public int? TxQueueLength { get; init; }
    public bool? Carrier { get; init; }
    public string[] AlternativeNames { get; init; } = Array.Empty<string>();
    /// <summary>IFLA_STATS64, when the kernel sent it.</summary>
    public LinkStatistics? Statistics { get; init; }
    /// <summary>Kind-specific data (IFLA_INFO_DATA) the module understands.</summary>
    public uint? VxlanId { get; init; }
    public int? VxlanPort { get; init; }
    public System.Net.IPAddress? VxlanLocal { get; init; }
    /// <summary>IFLA_VXLAN_GROUP(6): a multicast group or a unicast remote.</summary>
    public System.Net.IPAddress? VxlanGroup { get; init; }
    public int? VxlanLinkIndex { get; init; }
    public uint? MacvlanMode { get; init; }
    /// <summary>tun: 1 (IFF_TUN) or 2 (IFF_TAP).</summary>
    public byte? TunType { get; init; }
    public uint? TunOwner { get; init; }
    public bool? TunPersist { get; init; }

    public bool IsUp => (Flags & Ifla.IFF_UP) != 0;
    public bool IsLoopback => (Flags & Ifla.IFF_LOOPBACK) != 0;
}

/// <summary>The counters of IFLA_STATS64 (struct rtnl_link_stats64) users ask for.</summary>
public sealed record LinkStatistics(ulong RxPackets, ulong TxPackets, ulong RxBytes, ulong TxBytes, ulong RxErrors, ulong TxErrors,
    ulong RxDropped, ulong TxDropped)
{
    public static LinkStatistics? Parse(ReadOnlySpan<byte> v)
    {
        if (v.Length < 64) return null;
        Span<ulong> u = stackalloc ulong[8];
        for (int i = 0; i < 8; i++) u[i] = BinaryPrimitives.ReadUInt64LittleEndian(v[(i * 8)..]);
        return new LinkStatistics(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7]);
    }
}
