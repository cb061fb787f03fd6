namespace NetnsPS;

/// <summary>An IP address on an adapter in a namespace.</summary>
public sealed class NetNamespaceAddress
{
    public string Namespace { get; init; } = string.Empty;
    public string InterfaceAlias { get; init; } = string.Empty;
    public int InterfaceIndex { get; init; }
    public string IPAddress { get; init; } = string.Empty;
    public int PrefixLength { get; init; }
    /// <summary>IPv4 or IPv6.</summary>
    public NetAddressFamily AddressFamily { get; init; }
    /// <summary>Universe (global), Link, Host, Site.</summary>
    public NetScope Scope { get; init; }
    /// <summary>Preferred, Tentative (IPv6 duplicate address detection running) or Duplicate (DAD failed).</summary>
    public string AddressState { get; init; } = string.Empty;
    public NetAddressFlags Flags { get; init; }

    public override string ToString() => $"{IPAddress}/{PrefixLength}";
}

/// <summary>A route in a namespace.</summary>
public sealed class NetNamespaceRoute
{
    public string Namespace { get; init; } = string.Empty;
    /// <summary>Destination with prefix length; 0.0.0.0/0 or ::/0 for the default route.</summary>
    public string DestinationPrefix { get; init; } = string.Empty;
    /// <summary>Gateway (RTA_GATEWAY or RTA_VIA); null for a route without one (on-link, local, blackhole...), as `ip -j route` has no "gateway" key.</summary>
    public string? NextHop { get; init; }
    public string? InterfaceAlias { get; init; }
    public int? InterfaceIndex { get; init; }
    public uint? RouteMetric { get; init; }
    public uint Table { get; init; }
    public NetAddressFamily AddressFamily { get; init; }
    /// <summary>kernel, boot, static, dhcp, ... (RTPROT_*), as a number when unnamed.</summary>
    public string Protocol { get; init; } = string.Empty;
    public NetScope Scope { get; init; }
    /// <summary>Unicast, Local, Broadcast, Blackhole, Unreachable, ...</summary>
    public string Type { get; init; } = string.Empty;
    public string? PreferredSource { get; init; }

    public override string ToString() =>
        $"{DestinationPrefix}{(NextHop is null ? "" : $" via {NextHop}")}{(InterfaceAlias is null ? "" : $" dev {InterfaceAlias}")}";
}

/// <summary>A net.* sysctl of a namespace.</summary>
public sealed class NetNamespaceSysctl
{
    public string Namespace { get; init; } = string.Empty;
    /// <summary>Dotted name, e.g. net.ipv4.ip_forward.</summary>
    public string Name { get; init; } = string.Empty;
    public string Value { get; init; } = string.Empty;

    public override string ToString() => $"{Name} = {Value}";
}
