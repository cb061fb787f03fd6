namespace NetnsPS;

/// <summary>
/// A source NAT rule in a namespace's netnsps table, named like Windows' Get-NetNat: masquerade (the source becomes the
/// address of the outgoing adapter) or SNAT to a fixed address, for traffic leaving through an adapter, optionally only
/// from a source prefix.
/// </summary>
public sealed class NetNamespaceNat
{
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    /// <summary>Masquerade or Snat.</summary>
    public string Kind { get; init; } = string.Empty;
    /// <summary>The adapter the traffic leaves through (nft: oifname).</summary>
    public string? InterfaceAlias { get; init; }
    /// <summary>Only traffic from this prefix (nft: ip saddr / ip6 saddr); null for any source.</summary>
    public string? InternalIPInterfaceAddressPrefix { get; init; }
    /// <summary>Snat: the address the source becomes; null for Masquerade.</summary>
    public string? ExternalIPAddress { get; init; }
    /// <summary>IPv4, IPv6, or Any (masquerade without a source prefix covers both).</summary>
    public NetAddressFamily AddressFamily { get; init; }
    /// <summary>The nf_tables table (family inet) and chain the rule is in.</summary>
    public string Table { get; init; } = string.Empty;
    public string Chain { get; init; } = string.Empty;
    /// <summary>The kernel's rule handle (nft -a list ruleset).</summary>
    public ulong Handle { get; init; }
    /// <summary>Packets and bytes the rule translated (connections' first packets: NAT rules see one packet per connection).</summary>
    public ulong Packets { get; init; }
    public ulong Bytes { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// A port forward (destination NAT) in a namespace, named like Windows' Get-NetNatStaticMapping: Protocol traffic to
/// ExternalIPAddress:ExternalPort (any address of the namespace when ExternalIPAddress is null) goes to
/// InternalIPAddress:InternalPort, whether it arrives from another namespace (prerouting) or is made inside the
/// namespace itself (output). Counters are the sum of both rules.
/// </summary>
public sealed class NetNamespaceNatStaticMapping
{
    public string Namespace { get; init; } = string.Empty;
    /// <summary>Always PortForward.</summary>
    public string Kind { get; init; } = "PortForward";
    /// <summary>TCP or UDP.</summary>
    public string Protocol { get; init; } = string.Empty;
    public string? ExternalIPAddress { get; init; }
    public int ExternalPort { get; init; }
    public string InternalIPAddress { get; init; } = string.Empty;
    public int InternalPort { get; init; }
    /// <summary>IPv4 or IPv6 (of the internal address).</summary>
    public NetAddressFamily AddressFamily { get; init; }
    public string Table { get; init; } = string.Empty;
    /// <summary>The handle of the prerouting rule; also the StaticMappingID.</summary>
    public ulong Handle { get; init; }
    /// <summary>The handle of the output rule (connections made inside the namespace); 0 when it is missing.</summary>
    public ulong OutputHandle { get; init; }
    public ulong StaticMappingID => Handle;
    public ulong Packets { get; init; }
    public ulong Bytes { get; init; }

    public override string ToString() => $"{Protocol} {ExternalIPAddress ?? "*"}:{ExternalPort} -> {InternalIPAddress}:{InternalPort}";
}
