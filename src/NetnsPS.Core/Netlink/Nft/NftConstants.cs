namespace NetnsPS.Core.Netlink.Nft;

/// <summary>nfnetlink (linux/netfilter/nfnetlink.h): subsystems, batch messages, struct nfgenmsg.</summary>
public static class Nfnl
{
    public const int GenMsgSize = 4;
    public const ushort SUBSYS_NFTABLES = 10;
    public const ushort MSG_BATCH_BEGIN = 0x10; // NLMSG_MIN_TYPE
    public const ushort MSG_BATCH_END = 0x11;
    public const byte NFNETLINK_V0 = 0;

    /// <summary>The nlmsg_type of an nf_tables message: subsystem in the high byte.</summary>
    public static ushort NftType(ushort msg) => (ushort)((SUBSYS_NFTABLES << 8) | msg);

    /// <summary>struct nfgenmsg { u8 family; u8 version; __be16 res_id; }.</summary>
    public static void WriteGenMsg(Span<byte> header, byte family, ushort resId)
    {
        header[0] = family;
        header[1] = NFNETLINK_V0;
        header[2] = (byte)(resId >> 8);
        header[3] = (byte)resId;
    }
}

/// <summary>NFPROTO_* families (linux/netfilter.h).</summary>
public static class NfProto
{
    public const byte UNSPEC = 0, INET = 1, IPV4 = 2, ARP = 3, NETDEV = 5, BRIDGE = 7, IPV6 = 10;

    public static string Name(byte family) => family switch
    {
        INET => "inet", IPV4 => "ip", IPV6 => "ip6", ARP => "arp", NETDEV => "netdev", BRIDGE => "bridge",
        _ => $"family{family}",
    };
}

/// <summary>NF_INET_* hooks (linux/netfilter.h) and the priorities nft names (srcnat, dstnat).</summary>
public static class NfHook
{
    public const uint PRE_ROUTING = 0, LOCAL_IN = 1, FORWARD = 2, LOCAL_OUT = 3, POST_ROUTING = 4;
    public const int PRIORITY_DSTNAT = -100, PRIORITY_SRCNAT = 100;

    public static string Name(uint hook) => hook switch
    {
        PRE_ROUTING => "prerouting", LOCAL_IN => "input", FORWARD => "forward", LOCAL_OUT => "output", POST_ROUTING => "postrouting",
        _ => $"hook{hook}",
    };
}

/// <summary>nf_tables messages and attributes (linux/netfilter/nf_tables.h). Integers in attributes are big-endian.</summary>
public static class Nft
{
    // enum nf_tables_msg_types
    public const ushort MSG_NEWTABLE = 0, MSG_GETTABLE = 1, MSG_DELTABLE = 2;
    public const ushort MSG_NEWCHAIN = 3, MSG_GETCHAIN = 4, MSG_DELCHAIN = 5;
    public const ushort MSG_NEWRULE = 6, MSG_GETRULE = 7, MSG_DELRULE = 8;

    // enum nft_table_attributes
    public const ushort TABLE_NAME = 1, TABLE_FLAGS = 2, TABLE_USE = 3, TABLE_HANDLE = 4, TABLE_USERDATA = 6;

    // enum nft_chain_attributes
    public const ushort CHAIN_TABLE = 1, CHAIN_HANDLE = 2, CHAIN_NAME = 3, CHAIN_HOOK = 4, CHAIN_POLICY = 5, CHAIN_USE = 6, CHAIN_TYPE = 7;

    // enum nft_hook_attributes
    public const ushort HOOK_HOOKNUM = 1, HOOK_PRIORITY = 2;

    // enum nft_rule_attributes
    public const ushort RULE_TABLE = 1, RULE_CHAIN = 2, RULE_HANDLE = 3, RULE_EXPRESSIONS = 4, RULE_POSITION = 6, RULE_USERDATA = 7;

    // enum nft_list_attributes, nft_expr_attributes, nft_data_attributes
    public const ushort LIST_ELEM = 1;
    public const ushort EXPR_NAME = 1, EXPR_DATA = 2;
    public const ushort DATA_VALUE = 1, DATA_VERDICT = 2;

    // registers: the 16-byte ones (NFT_REG_1..4), as google/nftables and older nft use them
    public const uint REG_VERDICT = 0, REG_1 = 1, REG_2 = 2, REG_3 = 3, REG_4 = 4;

    /// <summary>NFTNL_UDATA_RULE_COMMENT: the type of a comment in NFTA_RULE_USERDATA (libnftnl's TLV: u8 type, u8 length, value).</summary>
    public const byte UDATA_RULE_COMMENT = 0;
}
