namespace NetnsPS;

// Properties whose values are one of a few names are enums, not strings. They format, sort into groups and convert to
// text exactly as the strings did ("IPv4", "Up", "Link"), and PowerShell compares an enum with a string by name,
// ignoring case: `$a.AddressFamily -eq 'ipv4'`, `Where-Object State -eq Up` and `switch ($a.Scope) { 'Link' {...} }`
// keep working, while a misspelt name can no longer be compared silently (tab completion offers the names).
// The values are the kernel's numbers, so `[int]$a.AddressFamily` is AF_INET (2) or AF_INET6 (10).
// ConvertTo-Json writes the numbers unless given -EnumsAsStrings.

/// <summary>The address family of an address, route, neighbour or NAT rule (AF_INET, AF_INET6; Any for a rule of both).</summary>
public enum NetAddressFamily : byte
{
    /// <summary>AF_UNSPEC: both (a masquerade rule without a source prefix).</summary>
    Any = 0,
    /// <summary>AF_INET.</summary>
    IPv4 = 2,
    /// <summary>AF_INET6.</summary>
    IPv6 = 10,
}

/// <summary>Administrative state of an adapter (IFF_UP): what Set-NetNamespaceAdapter -State sets.</summary>
public enum NetAdapterState : byte
{
    Down = 0,
    Up = 1,
}

/// <summary>RFC 2863 operational state of an adapter (IFLA_OPERSTATE), as `ip link` shows it in "state".</summary>
public enum NetAdapterOperationalStatus : byte
{
    Unknown = 0, NotPresent = 1, Down = 2, LowerLayerDown = 3, Testing = 4, Dormant = 5, Up = 6,
}

/// <summary>
/// Scope of an address or route (RT_SCOPE_*): Universe is global, Site, Link (on-link), Host (this namespace only),
/// Nowhere (no destination). A scope without a name (ip's /etc/iproute2/rt_scopes numbers) shows as its number.
/// </summary>
public enum NetScope : byte
{
    Universe = 0,
    Site = 200,
    Link = 253,
    Host = 254,
    Nowhere = 255,
}
