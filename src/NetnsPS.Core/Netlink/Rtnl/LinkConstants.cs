namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>IFLA_* attribute ids (linux/if_link.h) and ifinfomsg flags.</summary>
public static class Ifla
{
    public const ushort ADDRESS = 1, BROADCAST = 2, IFNAME = 3, MTU = 4, LINK = 5, QDISC = 6, MASTER = 10,
        TXQLEN = 13, OPERSTATE = 16, LINKMODE = 17, LINKINFO = 18, NET_NS_PID = 19, IFALIAS = 20, GROUP = 27,
        NET_NS_FD = 28, EXT_MASK = 29, PROMISCUITY = 30, CARRIER = 33, LINK_NETNSID = 37, PROP_LIST = 52,
        ALT_IFNAME = 53, PERM_ADDRESS = 54, STATS64 = 23, TARGET_NETNSID = 46;

    /// <summary>IFLA_MACVLAN_* (INFO_DATA of macvlan).</summary>
    public const ushort MACVLAN_MODE = 1;
    public const uint MACVLAN_MODE_PRIVATE = 1, MACVLAN_MODE_VEPA = 2, MACVLAN_MODE_BRIDGE = 4, MACVLAN_MODE_PASSTHRU = 8, MACVLAN_MODE_SOURCE = 16;

    /// <summary>IFLA_VXLAN_* (INFO_DATA of vxlan).</summary>
    public const ushort VXLAN_ID = 1, VXLAN_GROUP = 2, VXLAN_LINK = 3, VXLAN_LOCAL = 4, VXLAN_PORT = 15, VXLAN_GROUP6 = 16, VXLAN_LOCAL6 = 17;

    /// <summary>IFLA_TUN_* (INFO_DATA of tun, read only).</summary>
    public const ushort TUN_OWNER = 1, TUN_GROUP = 2, TUN_TYPE = 3, TUN_PI = 4, TUN_VNET_HDR = 5, TUN_PERSIST = 6;

    public const ushort INFO_KIND = 1, INFO_DATA = 2, INFO_SLAVE_KIND = 4;
    public const ushort VETH_INFO_PEER = 1;

    public const uint IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_POINTOPOINT = 0x10,
        IFF_RUNNING = 0x40, IFF_NOARP = 0x80, IFF_PROMISC = 0x100, IFF_MULTICAST = 0x1000, IFF_LOWER_UP = 0x10000;

    public const uint RTEXT_FILTER_SKIP_STATS = 1 << 3;

    public const ushort ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772, ARPHRD_NONE = 0xFFFE;

    public const int IfInfoMsgSize = 16;
}

/// <summary>RFC 2863 operational state (IFLA_OPERSTATE).</summary>
public enum OperationalState : byte
{
    Unknown = 0, NotPresent = 1, Down = 2, LowerLayerDown = 3, Testing = 4, Dormant = 5, Up = 6,
}
