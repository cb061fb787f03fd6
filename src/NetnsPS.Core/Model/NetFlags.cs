namespace NetnsPS;

/// <summary>
/// Adapter flags (IFF_* of linux/if.h, the ifi_flags of RTM_NEWLINK): what `ip link` shows between angle brackets.
/// A [Flags] enum, so PowerShell shows the names (Up, Broadcast, Multicast, LowerUp), `$a.Flags.HasFlag('Up')` and
/// `$a.Flags -band 'Up'` work, and `[uint]$a.Flags` or `$a.Flags.value__` is the kernel's number.
/// </summary>
[Flags]
public enum NetAdapterFlags : uint
{
    None = 0,
    /// <summary>IFF_UP: administratively up.</summary>
    Up = 0x1,
    /// <summary>IFF_BROADCAST: a valid broadcast address is set.</summary>
    Broadcast = 0x2,
    /// <summary>IFF_DEBUG.</summary>
    Debug = 0x4,
    /// <summary>IFF_LOOPBACK.</summary>
    Loopback = 0x8,
    /// <summary>IFF_POINTOPOINT.</summary>
    PointToPoint = 0x10,
    /// <summary>IFF_NOTRAILERS.</summary>
    NoTrailers = 0x20,
    /// <summary>IFF_RUNNING: operationally up (`ip` shows NO-CARRIER for Up without Running).</summary>
    Running = 0x40,
    /// <summary>IFF_NOARP.</summary>
    NoArp = 0x80,
    /// <summary>IFF_PROMISC: receives all packets.</summary>
    Promiscuous = 0x100,
    /// <summary>IFF_ALLMULTI: receives all multicast packets.</summary>
    AllMulticast = 0x200,
    /// <summary>IFF_MASTER: master of a load balancer (bonding).</summary>
    Master = 0x400,
    /// <summary>IFF_SLAVE: port of a load balancer (bonding).</summary>
    Slave = 0x800,
    /// <summary>IFF_MULTICAST: supports multicast.</summary>
    Multicast = 0x1000,
    /// <summary>IFF_PORTSEL: can set media type.</summary>
    PortSelect = 0x2000,
    /// <summary>IFF_AUTOMEDIA: auto media select active.</summary>
    AutoMedia = 0x4000,
    /// <summary>IFF_DYNAMIC: addresses are lost when the adapter goes down.</summary>
    Dynamic = 0x8000,
    /// <summary>IFF_LOWER_UP: the driver signals L1 up (carrier).</summary>
    LowerUp = 0x10000,
    /// <summary>IFF_DORMANT: the driver signals dormant.</summary>
    Dormant = 0x20000,
    /// <summary>IFF_ECHO: echoes sent packets.</summary>
    Echo = 0x40000,
}

/// <summary>
/// Address flags (IFA_F_* of linux/if_addr.h: ifa_flags, or IFA_FLAGS when present): what `ip address` shows after the
/// scope. Permanent is set for addresses added by hand (`ip` shows "dynamic" when it is missing); Secondary on an IPv6
/// address is what `ip` calls "temporary" (the same bit).
/// </summary>
[Flags]
public enum NetAddressFlags : uint
{
    None = 0,
    /// <summary>IFA_F_SECONDARY (IPv4: not the first address of its subnet); IFA_F_TEMPORARY on IPv6 (privacy address).</summary>
    Secondary = 0x01,
    /// <summary>IFA_F_NODAD: no duplicate address detection.</summary>
    NoDad = 0x02,
    /// <summary>IFA_F_OPTIMISTIC: optimistic DAD.</summary>
    Optimistic = 0x04,
    /// <summary>IFA_F_DADFAILED: duplicate address detection failed.</summary>
    DadFailed = 0x08,
    /// <summary>IFA_F_HOMEADDRESS: Mobile IPv6 home address.</summary>
    HomeAddress = 0x10,
    /// <summary>IFA_F_DEPRECATED: preferred lifetime expired.</summary>
    Deprecated = 0x20,
    /// <summary>IFA_F_TENTATIVE: duplicate address detection running.</summary>
    Tentative = 0x40,
    /// <summary>IFA_F_PERMANENT: no lifetime (configured, not learned).</summary>
    Permanent = 0x80,
    /// <summary>IFA_F_MANAGETEMPADDR: make privacy addresses from this one.</summary>
    ManageTempAddress = 0x100,
    /// <summary>IFA_F_NOPREFIXROUTE: no route for the prefix was added.</summary>
    NoPrefixRoute = 0x200,
    /// <summary>IFA_F_MCAUTOJOIN: multicast group joined automatically.</summary>
    MulticastAutoJoin = 0x400,
    /// <summary>IFA_F_STABLE_PRIVACY: stable-privacy (RFC 7217) address.</summary>
    StablePrivacy = 0x800,
}
