namespace NetnsPS;

/// <summary>A network adapter (link) in a namespace, as the cmdlets emit it.</summary>
public sealed class NetNamespaceAdapter
{
    /// <summary>Namespace name; empty for the caller's own (host) namespace.</summary>
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public int InterfaceIndex { get; init; }
    /// <summary>veth, bridge, ifb, loopback, physical...</summary>
    public string Kind { get; init; } = string.Empty;
    /// <summary>Administrative state: Up or Down (IFF_UP).</summary>
    public NetAdapterState State { get; init; }
    /// <summary>Operational state (IFLA_OPERSTATE): Up, Down, LowerLayerDown, Unknown...</summary>
    public NetAdapterOperationalStatus OperationalStatus { get; init; }
    public int Mtu { get; init; }
    public string? MacAddress { get; init; }
    /// <summary>Addresses with prefix length, e.g. 10.0.0.1/24.</summary>
    public string[] IPAddress { get; init; } = Array.Empty<string>();
    /// <summary>veth: the other end's name.</summary>
    public string? PeerName { get; init; }
    /// <summary>veth: namespace of the other end ("" host; null when it lives in an unnamed namespace).</summary>
    public string? PeerNamespace { get; init; }
    public int? PeerIndex { get; init; }
    /// <summary>IFLA_LINK_NETNSID: nsid of the peer's namespace as seen from this adapter's namespace.</summary>
    public int? PeerNamespaceId { get; init; }
    public int? MasterIndex { get; init; }
    public string? Alias { get; init; }
    public NetAdapterFlags Flags { get; init; }

    /// <summary>Name of the master (bridge) this adapter is a port of (IFLA_MASTER), null when none.</summary>
    public string? Master { get; init; }
    /// <summary>Kind of port this adapter is (IFLA_INFO_SLAVE_KIND: bridge...), null when none.</summary>
    public string? PortKind { get; init; }
    /// <summary>IFLA_TXQLEN.</summary>
    public int? TxQueueLength { get; init; }
    /// <summary>IFLA_CARRIER: the lower layer is up (cable plugged, veth peer up...).</summary>
    public bool? Carrier { get; init; }
    /// <summary>IFLA_LINK_NETNSID: nsid of the namespace the peer or lower device lives in (null: this namespace).</summary>
    public int? LinkNetnsId { get; init; }
    /// <summary>Lower device (macvlan parent, vxlan underlay device) when it is in this namespace.</summary>
    public string? Parent { get; init; }

    /// <summary>vxlan: the VNI (IFLA_VXLAN_ID).</summary>
    public uint? VxlanId { get; init; }
    /// <summary>vxlan: UDP destination port.</summary>
    public int? VxlanPort { get; init; }
    /// <summary>vxlan: local (source) address.</summary>
    public string? VxlanLocal { get; init; }
    /// <summary>vxlan: unicast remote or multicast group.</summary>
    public string? VxlanRemote { get; init; }
    /// <summary>macvlan: Private, Vepa, Bridge, Passthru or Source.</summary>
    public string? MacvlanMode { get; init; }
    /// <summary>tun/tap: owner uid (null: any).</summary>
    public uint? TunOwner { get; init; }
    /// <summary>tun/tap: persistent (survives its file descriptor).</summary>
    public bool? TunPersist { get; init; }

    public ulong? RxBytes { get; init; }
    public ulong? TxBytes { get; init; }
    public ulong? RxPackets { get; init; }
    public ulong? TxPackets { get; init; }
    public ulong? RxErrors { get; init; }
    public ulong? TxErrors { get; init; }
    public ulong? RxDropped { get; init; }
    public ulong? TxDropped { get; init; }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
