using System.Text;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Nft;

/// <summary>An nf_tables table as a dump shows it.</summary>
public sealed record NftTable(byte Family, string Name, uint Flags, ulong Handle, uint Use);

/// <summary>An nf_tables chain; Hook is null for a regular (non-base) chain.</summary>
public sealed record NftChain(byte Family, string Table, string Name, ulong Handle, uint? Hook, int Priority, string? Type, uint? Policy);

/// <summary>An nf_tables rule: its table and chain, handle, expressions and comment (NFTA_RULE_USERDATA).</summary>
public sealed record NftRule(byte Family, string Table, string Chain, ulong Handle, IReadOnlyList<NftExpression> Expressions, string? Comment)
{
    /// <summary>The first counter of the rule (packets, bytes), or zeros.</summary>
    public NftCounter Counter => Expressions.OfType<NftCounter>().FirstOrDefault() ?? new NftCounter();
}

/// <summary>
/// Requests and parsers for nf_tables tables, chains and rules (NETLINK_NETFILTER, subsystem NFNL_SUBSYS_NFTABLES).
/// Changes go into a batch (<see cref="Batch"/>); dumps are single requests. Every change asks for an ack, so the
/// kernel answers each message and an error names the message that caused it.
/// </summary>
public static class NftMessages
{
    private static NetlinkMessageBuilder Message(ushort msg, ushort flags, byte family)
    {
        var b = new NetlinkMessageBuilder(Nfnl.NftType(msg), flags);
        Nfnl.WriteGenMsg(b.AddHeader(Nfnl.GenMsgSize), family, 0);
        return b;
    }

    /// <summary>NFNL_MSG_BATCH_BEGIN / END: family 0, res_id NFNL_SUBSYS_NFTABLES (big-endian), no ack asked.</summary>
    public static NetlinkMessageBuilder BatchBegin() => BatchMarker(Nfnl.MSG_BATCH_BEGIN);

    public static NetlinkMessageBuilder BatchEnd() => BatchMarker(Nfnl.MSG_BATCH_END);

    private static NetlinkMessageBuilder BatchMarker(ushort type)
    {
        var b = new NetlinkMessageBuilder(type, Nl.NLM_F_REQUEST);
        Nfnl.WriteGenMsg(b.AddHeader(Nfnl.GenMsgSize), 0, Nfnl.SUBSYS_NFTABLES);
        return b;
    }

    /// <summary>The whole batch: BEGIN, <paramref name="messages"/>, END.</summary>
    public static List<NetlinkMessageBuilder> Batch(IEnumerable<NetlinkMessageBuilder> messages)
    {
        var list = new List<NetlinkMessageBuilder> { BatchBegin() };
        list.AddRange(messages);
        list.Add(BatchEnd());
        return list;
    }

    /// <summary>nft add table FAMILY NAME (NLM_F_CREATE: an existing table is kept as it is).</summary>
    public static NetlinkMessageBuilder NewTable(byte family, string name, bool exclusive = false) =>
        Message(Nft.MSG_NEWTABLE, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | (exclusive ? Nl.NLM_F_EXCL : 0)), family)
            .AddString(Nft.TABLE_NAME, name)
            .AddU32BigEndian(Nft.TABLE_FLAGS, 0);

    /// <summary>nft delete table FAMILY NAME (with everything in it).</summary>
    public static NetlinkMessageBuilder DeleteTable(byte family, string name) =>
        Message(Nft.MSG_DELTABLE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, family).AddString(Nft.TABLE_NAME, name);

    /// <summary>nft add chain FAMILY TABLE NAME { type TYPE hook HOOK priority PRIORITY; }.</summary>
    public static NetlinkMessageBuilder NewBaseChain(byte family, string table, string name, string type, uint hook, int priority)
    {
        var b = Message(Nft.MSG_NEWCHAIN, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE, family)
            .AddString(Nft.CHAIN_TABLE, table)
            .AddString(Nft.CHAIN_NAME, name);
        b.BeginNested(Nft.CHAIN_HOOK);
        b.AddU32BigEndian(Nft.HOOK_HOOKNUM, hook).AddU32BigEndian(Nft.HOOK_PRIORITY, unchecked((uint)priority));
        b.EndNested();
        return b.AddString(Nft.CHAIN_TYPE, type);
    }

    /// <summary>nft add rule FAMILY TABLE CHAIN EXPRESSIONS [comment COMMENT] (appended at the end of the chain).</summary>
    public static NetlinkMessageBuilder NewRule(byte family, string table, string chain, IEnumerable<NftExpression> expressions, string? comment = null)
    {
        var b = Message(Nft.MSG_NEWRULE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_APPEND, family)
            .AddString(Nft.RULE_TABLE, table)
            .AddString(Nft.RULE_CHAIN, chain);
        b.BeginNested(Nft.RULE_EXPRESSIONS);
        foreach (var e in expressions) e.Encode(b);
        b.EndNested();
        if (comment is not null) b.AddAttribute(Nft.RULE_USERDATA, CommentUserData(comment));
        return b;
    }

    /// <summary>nft delete rule FAMILY TABLE CHAIN handle HANDLE.</summary>
    public static NetlinkMessageBuilder DeleteRule(byte family, string table, string chain, ulong handle) =>
        Message(Nft.MSG_DELRULE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, family)
            .AddString(Nft.RULE_TABLE, table)
            .AddString(Nft.RULE_CHAIN, chain)
            .AddU64BigEndian(Nft.RULE_HANDLE, handle);

    /// <summary>Dump of the tables (of every family with <see cref="NfProto.UNSPEC"/>).</summary>
    public static NetlinkMessageBuilder DumpTables(byte family = NfProto.UNSPEC) => Message(Nft.MSG_GETTABLE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, family);

    /// <summary>Dump of the chains, of one table when <paramref name="table"/> is given.</summary>
    public static NetlinkMessageBuilder DumpChains(byte family = NfProto.UNSPEC, string? table = null)
    {
        var b = Message(Nft.MSG_GETCHAIN, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, family);
        if (table is not null) b.AddString(Nft.CHAIN_TABLE, table);
        return b;
    }

    /// <summary>Dump of the rules, of one table (and chain) when given.</summary>
    public static NetlinkMessageBuilder DumpRules(byte family = NfProto.UNSPEC, string? table = null, string? chain = null)
    {
        var b = Message(Nft.MSG_GETRULE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, family);
        if (table is not null) b.AddString(Nft.RULE_TABLE, table);
        if (chain is not null) b.AddString(Nft.RULE_CHAIN, chain);
        return b;
    }

    /// <summary>libnftnl's rule user data with one comment: u8 type (NFTNL_UDATA_RULE_COMMENT), u8 length, text with its NUL.</summary>
    public static byte[] CommentUserData(string comment)
    {
        var text = Encoding.UTF8.GetBytes(comment);
        if (text.Length + 1 > byte.MaxValue) throw new ArgumentException($"Rule comment longer than {byte.MaxValue - 1} bytes.", nameof(comment));
        var data = new byte[2 + text.Length + 1];
        data[0] = Nft.UDATA_RULE_COMMENT;
        data[1] = (byte)(text.Length + 1);
        text.CopyTo(data, 2);
        return data;
    }

    /// <summary>The comment in rule user data, or null (bounds-checked walk over the TLVs).</summary>
    public static string? ParseComment(ReadOnlySpan<byte> data)
    {
        while (data.Length >= 2)
        {
            int len = data[1];
            if (2 + len > data.Length) return null;
            if (data[0] == Nft.UDATA_RULE_COMMENT)
            {
                var v = data.Slice(2, len);
                int nul = v.IndexOf((byte)0);
                return Encoding.UTF8.GetString(nul >= 0 ? v[..nul] : v);
            }
            data = data[(2 + len)..];
        }
        return null;
    }

    private static byte FamilyOf(NetlinkMessage m)
    {
        if (m.Payload.Length < Nfnl.GenMsgSize) throw new NetlinkProtocolException($"nf_tables message of {m.Payload.Length} bytes has no nfgenmsg.");
        return m.Payload[0];
    }

    private static bool IsNft(NetlinkMessage m, ushort msg) => m.Type == Nfnl.NftType(msg);

    public static NftTable? ParseTable(NetlinkMessage m)
    {
        if (!IsNft(m, Nft.MSG_NEWTABLE)) return null;
        byte family = FamilyOf(m);
        string name = ""; uint flags = 0, use = 0; ulong handle = 0;
        foreach (var a in new NetlinkAttributeReader(m.Payload.AsSpan(Nfnl.GenMsgSize)))
            switch (a.Type)
            {
                case Nft.TABLE_NAME: name = a.String; break;
                case Nft.TABLE_FLAGS when a.Value.Length == 4: flags = a.U32BigEndian; break;
                case Nft.TABLE_USE when a.Value.Length == 4: use = a.U32BigEndian; break;
                case Nft.TABLE_HANDLE when a.Value.Length == 8: handle = a.U64BigEndian; break;
            }
        return new NftTable(family, name, flags, handle, use);
    }

    public static NftChain? ParseChain(NetlinkMessage m)
    {
        if (!IsNft(m, Nft.MSG_NEWCHAIN)) return null;
        byte family = FamilyOf(m);
        string table = "", name = ""; string? type = null; ulong handle = 0; uint? hook = null, policy = null; int prio = 0;
        foreach (var a in new NetlinkAttributeReader(m.Payload.AsSpan(Nfnl.GenMsgSize)))
            switch (a.Type)
            {
                case Nft.CHAIN_TABLE: table = a.String; break;
                case Nft.CHAIN_NAME: name = a.String; break;
                case Nft.CHAIN_TYPE: type = a.String; break;
                case Nft.CHAIN_HANDLE when a.Value.Length == 8: handle = a.U64BigEndian; break;
                case Nft.CHAIN_POLICY when a.Value.Length == 4: policy = a.U32BigEndian; break;
                case Nft.CHAIN_HOOK:
                    foreach (var h in a.Nested)
                    {
                        if (h.Type == Nft.HOOK_HOOKNUM && h.Value.Length == 4) hook = h.U32BigEndian;
                        else if (h.Type == Nft.HOOK_PRIORITY && h.Value.Length == 4) prio = unchecked((int)h.U32BigEndian);
                    }
                    break;
            }
        return new NftChain(family, table, name, handle, hook, prio, type, policy);
    }

    public static NftRule? ParseRule(NetlinkMessage m)
    {
        if (!IsNft(m, Nft.MSG_NEWRULE)) return null;
        byte family = FamilyOf(m);
        string table = "", chain = ""; ulong handle = 0; string? comment = null;
        var exprs = new List<NftExpression>();
        foreach (var a in new NetlinkAttributeReader(m.Payload.AsSpan(Nfnl.GenMsgSize)))
            switch (a.Type)
            {
                case Nft.RULE_TABLE: table = a.String; break;
                case Nft.RULE_CHAIN: chain = a.String; break;
                case Nft.RULE_HANDLE when a.Value.Length == 8: handle = a.U64BigEndian; break;
                case Nft.RULE_USERDATA: comment = ParseComment(a.Value); break;
                case Nft.RULE_EXPRESSIONS:
                    foreach (var e in a.Nested)
                        if (e.Type == Nft.LIST_ELEM) exprs.Add(NftExpression.Decode(e.Value));
                    break;
            }
        return new NftRule(family, table, chain, handle, exprs, comment);
    }

    public static List<NftTable> ListTables(NetlinkSocket s, byte family = NfProto.UNSPEC) =>
        s.Execute(DumpTables(family), "list nf_tables tables", ErrorIds.NftRequestFailed).Select(ParseTable).OfType<NftTable>().ToList();

    public static List<NftChain> ListChains(NetlinkSocket s, byte family, string? table) =>
        s.Execute(DumpChains(family, table), "list nf_tables chains", ErrorIds.NftRequestFailed).Select(ParseChain).OfType<NftChain>().ToList();

    public static List<NftRule> ListRules(NetlinkSocket s, byte family, string? table) =>
        s.Execute(DumpRules(family, table), "list nf_tables rules", ErrorIds.NftRequestFailed).Select(ParseRule).OfType<NftRule>().ToList();
}
