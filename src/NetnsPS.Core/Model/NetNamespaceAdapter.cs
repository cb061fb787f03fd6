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
    public string State { get; init; } = string.Empty;
    /// <summary>Operational state (IFLA_OPERSTATE): Up, Down, LowerLayerDown, Unknown...</summary>
    public string OperationalStatus { get; init; } = string.Empty;
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
    public uint Flags { get; init; }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
