namespace NetnsPS.Core.Netlink;

/// <summary>nlmsghdr types and flags (linux/netlink.h).</summary>
public static class Nl
{
    public const int HeaderSize = 16;
    public const int AttrHeaderSize = 4;

    public const ushort NLMSG_NOOP = 1;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort NLMSG_OVERRUN = 4;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_ECHO = 0x8;
    public const ushort NLM_F_DUMP_INTR = 0x10;
    public const ushort NLM_F_ROOT = 0x100;
    public const ushort NLM_F_MATCH = 0x200;
    public const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;
    public const ushort NLM_F_APPEND = 0x800;
    // flags of NLMSG_ERROR replies
    public const ushort NLM_F_CAPPED = 0x100;
    public const ushort NLM_F_ACK_TLVS = 0x200;

    // enum nlmsgerr_attrs
    public const ushort NLMSGERR_ATTR_MSG = 1;
    public const ushort NLMSGERR_ATTR_OFFS = 2;
    public const ushort NLMSGERR_ATTR_COOKIE = 3;
    public const ushort NLMSGERR_ATTR_POLICY = 4;
    public const ushort NLMSGERR_ATTR_MISS_TYPE = 5;
    public const ushort NLMSGERR_ATTR_MISS_NEST = 6;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_F_NET_BYTEORDER = 0x4000;
    public const ushort NLA_TYPE_MASK = 0x3FFF;

    public static int Align(int len) => (len + 3) & ~3;
}

/// <summary>rtnetlink message types (linux/rtnetlink.h).</summary>
public static class Rtm
{
    public const ushort NEWLINK = 16, DELLINK = 17, GETLINK = 18, SETLINK = 19;
    public const ushort NEWADDR = 20, DELADDR = 21, GETADDR = 22;
    public const ushort NEWROUTE = 24, DELROUTE = 25, GETROUTE = 26;
    public const ushort NEWNSID = 88, DELNSID = 89, GETNSID = 90;
}

/// <summary>rtnetlink multicast groups (enum rtnetlink_groups in linux/rtnetlink.h), joined with NETLINK_ADD_MEMBERSHIP.</summary>
public static class RtnlGroup
{
    public const uint LINK = 1, NSID = 28;
}

/// <summary>Network namespace id attributes (linux/net_namespace.h).</summary>
public static class Netnsa
{
    public const ushort NSID = 1, PID = 2, FD = 3, TARGET_NSID = 4, CURRENT_NSID = 5;
    public const int NSID_NOT_ASSIGNED = -1;
}
