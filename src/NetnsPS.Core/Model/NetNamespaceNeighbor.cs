namespace NetnsPS;

/// <summary>An ARP (IPv4) or NDP (IPv6) neighbour cache entry in a namespace, named like Windows' Get-NetNeighbor.</summary>
public sealed class NetNamespaceNeighbor
{
    public string Namespace { get; init; } = string.Empty;
    public string InterfaceAlias { get; init; } = string.Empty;
    public int InterfaceIndex { get; init; }
    public string IPAddress { get; init; } = string.Empty;
    /// <summary>aa:bb:cc:dd:ee:ff; null while unresolved (Incomplete, Unreachable).</summary>
    public string? LinkLayerAddress { get; init; }
    /// <summary>Reachable, Stale, Delay, Probe, Incomplete, Unreachable, Permanent, NoArp, None.</summary>
    public string State { get; init; } = string.Empty;
    /// <summary>IPv4 or IPv6.</summary>
    public NetAddressFamily AddressFamily { get; init; }
    /// <summary>IPv6: the neighbour announced itself as a router (NTF_ROUTER).</summary>
    public bool IsRouter { get; init; }

    public override string ToString() => $"{IPAddress} {LinkLayerAddress}";
}
