using System.Buffers.Binary;
using System.Net;
using System.Text;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Nft;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Nat;

/// <summary>Source NAT for traffic leaving through <paramref name="Adapter"/>: masquerade, or SNAT to <paramref name="SnatAddress"/>.</summary>
public sealed record NatSpec(string Name, string Adapter, IPAddress? SourcePrefix = null, int SourceLength = 0, IPAddress? SnatAddress = null);

/// <summary>A port forward: <paramref name="Protocol"/> (IPPROTO_TCP/UDP) to External:ExternalPort goes to Internal:InternalPort.</summary>
public sealed record PortForwardSpec(byte Protocol, IPAddress? External, int ExternalPort, IPAddress Internal, int InternalPort)
{
    public const byte TCP = 6, UDP = 17;

    public static string ProtocolName(byte p) => p switch { TCP => "TCP", UDP => "UDP", _ => $"proto{p}" };

    public static byte ParseProtocol(string name) => name.ToUpperInvariant() switch
    {
        "TCP" => TCP,
        "UDP" => UDP,
        _ => throw new NetnsException(ErrorIds.InvalidNatArgument, Errno.EINVAL, $"Unknown protocol '{name}': expected TCP or UDP.", name),
    };

    public override string ToString() =>
        $"{ProtocolName(Protocol)} {(External is null ? "*" : Format(External))}:{ExternalPort} -> {Format(Internal)}:{InternalPort}";

    private static string Format(IPAddress a) => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();
}

/// <summary>
/// NAT and port forwards of a namespace over nf_tables (NETLINK_NETFILTER, socket made inside the namespace). Everything
/// lives in one table, inet netnsps, with three base chains: postrouting (srcnat, 100) for masquerade and SNAT,
/// prerouting and output (dstnat, -100) for port forwards arriving from elsewhere and made inside the namespace. Tables
/// the module did not make are never changed. Every change is one nf_tables transaction (a batch): the kernel applies all
/// of it or nothing.
/// </summary>
public static class NatService
{
    public const string TableName = "netnsps";
    public const byte TableFamily = NfProto.INET;
    public const string Postrouting = "postrouting", Prerouting = "prerouting", Output = "output";
    private const int MaxNameBytes = 128;

    /// <summary>The NETLINK_NETFILTER socket of the namespace; a kernel without nfnetlink is NfTablesNotSupported.</summary>
    public static NetlinkSocket Socket(NamespaceContext ctx)
    {
        try { return ctx.NetfilterSocket; }
        catch (NetnsException ex) when (ex.Errno is Errno.EPROTONOSUPPORT or Errno.EAFNOSUPPORT)
        {
            throw NotSupported(ctx, ex.Errno, ex.Message, ex);
        }
    }

    private static NetnsException NotSupported(NamespaceContext ctx, Errno errno, string detail, Exception? inner = null) =>
        new(ErrorIds.NfTablesNotSupported, errno,
            $"NAT in {ctx.Description} needs nf_tables, which this kernel does not offer (CONFIG_NF_TABLES, CONFIG_NFT_NAT, CONFIG_NFT_MASQ): {detail}",
            ctx.DisplayName, inner);

    // ---- reading ----------------------------------------------------------------------------------------------------

    /// <summary>The rules of the netnsps table (none when it does not exist).</summary>
    public static List<NftRule> Rules(NamespaceContext ctx)
    {
        try { return NftMessages.ListRules(Socket(ctx), TableFamily, TableName); }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENOENT) { return new List<NftRule>(); }
        catch (NetlinkException ex) when (ex.Errno is Errno.EOPNOTSUPP or Errno.EPROTONOSUPPORT) { throw NotSupported(ctx, ex.Errno, ex.Ack.Describe(), ex); }
    }

    /// <summary>Every nf_tables table of the namespace (read-only view; the module changes only its own).</summary>
    public static List<NftTable> Tables(NamespaceContext ctx)
    {
        try { return NftMessages.ListTables(Socket(ctx)); }
        catch (NetlinkException ex) when (ex.Errno is Errno.EOPNOTSUPP or Errno.EPROTONOSUPPORT) { throw NotSupported(ctx, ex.Errno, ex.Ack.Describe(), ex); }
    }

    public static bool HasTable(NamespaceContext ctx) => Tables(ctx).Any(t => t.Family == TableFamily && t.Name == TableName);

    public static List<NetNamespaceNat> ListNat(NamespaceContext ctx) => ListNat(ctx, Rules(ctx));

    private static List<NetNamespaceNat> ListNat(NamespaceContext ctx, List<NftRule> rules)
    {
        var list = new List<NetNamespaceNat>();
        foreach (var r in rules.Where(r => r.Chain == Postrouting))
        {
            var v = RuleView.Of(r);
            if (v is null || v.Action is not (RuleAction.Masquerade or RuleAction.Snat)) continue;
            list.Add(new NetNamespaceNat
            {
                Namespace = ctx.Name,
                Name = r.Comment ?? $"handle {r.Handle}",
                Kind = v.Action == RuleAction.Masquerade ? "Masquerade" : "Snat",
                InterfaceAlias = v.OutputAdapter,
                InternalIPInterfaceAddressPrefix = v.Source is { } s ? IpPrefix.Format(s.Address, s.Length) : null,
                ExternalIPAddress = v.Action == RuleAction.Snat ? v.ToAddress?.ToString() : null,
                AddressFamily = v.Family switch { NfProto.IPV4 => NetAddressFamily.IPv4, NfProto.IPV6 => NetAddressFamily.IPv6, _ => NetAddressFamily.Any },
                Table = $"{NfProto.Name(r.Family)} {r.Table}",
                Chain = r.Chain,
                Handle = r.Handle,
                Packets = r.Counter.Packets,
                Bytes = r.Counter.Bytes,
            });
        }
        return list;
    }

    public static List<NetNamespaceNatStaticMapping> ListMappings(NamespaceContext ctx) => ListMappings(ctx, Rules(ctx));

    private static List<NetNamespaceNatStaticMapping> ListMappings(NamespaceContext ctx, List<NftRule> rules)
    {
        // The output rule of each forward, found by what it matches (a lookup, not a search: tables with hundreds of
        // forwards are listed before and after every change).
        var output = new Dictionary<RuleView.MatchKey, Queue<NftRule>>();
        foreach (var r in rules.Where(r => r.Chain == Output))
            if (RuleView.Of(r) is { Action: RuleAction.Dnat } ov)
            {
                if (!output.TryGetValue(ov.Key, out var q)) output[ov.Key] = q = new Queue<NftRule>();
                q.Enqueue(r);
            }
        var list = new List<NetNamespaceNatStaticMapping>();
        foreach (var r in rules.Where(r => r.Chain == Prerouting))
        {
            var v = RuleView.Of(r);
            if (v is not { Action: RuleAction.Dnat, ToAddress: not null }) continue;
            var pair = (Rule: output.TryGetValue(v.Key, out var same) && same.Count > 0 ? same.Dequeue() : null, View: v);
            list.Add(new NetNamespaceNatStaticMapping
            {
                Namespace = ctx.Name,
                Protocol = PortForwardSpec.ProtocolName(v.Protocol),
                ExternalIPAddress = v.Destination?.ToString(),
                ExternalPort = v.DestinationPort,
                InternalIPAddress = v.ToAddress.ToString(),
                InternalPort = v.ToPort == 0 ? v.DestinationPort : v.ToPort,
                AddressFamily = v.Family == NfProto.IPV6 ? NetAddressFamily.IPv6 : NetAddressFamily.IPv4,
                Table = $"{NfProto.Name(r.Family)} {r.Table}",
                Handle = r.Handle,
                OutputHandle = pair.Rule?.Handle ?? 0,
                Packets = r.Counter.Packets + (pair.Rule?.Counter.Packets ?? 0),
                Bytes = r.Counter.Bytes + (pair.Rule?.Counter.Bytes ?? 0),
            });
        }
        return list;
    }

    // ---- changing ---------------------------------------------------------------------------------------------------

    /// <summary>Checks a NAT before anything is sent: a usable name, the address families of prefix and SNAT address agree.</summary>
    public static void Validate(NatSpec spec)
    {
        ValidateName(spec.Name);
        Links.ValidateName(spec.Adapter, "adapter name");
        if (spec.SourcePrefix is { } p) IpPrefix.ValidatePrefixLength(p, spec.SourceLength);
        if (spec.SourcePrefix is { } sp && spec.SnatAddress is { } sa && Af.Of(sp) != Af.Of(sa))
            throw new NetnsException(ErrorIds.NatAddressFamilyMismatch, Errno.EINVAL,
                $"NAT '{spec.Name}': the source prefix {IpPrefix.Format(sp, spec.SourceLength)} is {IpPrefix.Family(sp)} but the external address {sa} is {IpPrefix.Family(sa)}.", sa.ToString());
    }

    public static void ValidateName(string name)
    {
        if (name.Length == 0 || name.Any(char.IsControl) || Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            throw new NetnsException(ErrorIds.InvalidNatArgument, Errno.EINVAL, $"'{name}' is not a usable NAT name (1-{MaxNameBytes} bytes, no control characters).", name);
    }

    public static void Validate(PortForwardSpec spec)
    {
        foreach (var (port, what) in new[] { (spec.ExternalPort, "external port"), (spec.InternalPort, "internal port") })
            if (port is < 1 or > 65535)
                throw new NetnsException(ErrorIds.InvalidNatArgument, Errno.EINVAL, $"Port forward {spec}: the {what} {port} is outside 1-65535.", port);
        if (spec.Protocol is not (PortForwardSpec.TCP or PortForwardSpec.UDP))
            throw new NetnsException(ErrorIds.InvalidNatArgument, Errno.EINVAL, $"Port forward {spec}: the protocol must be TCP or UDP.", spec.Protocol);
        if (spec.External is { } e && Af.Of(e) != Af.Of(spec.Internal))
            throw new NetnsException(ErrorIds.NatAddressFamilyMismatch, Errno.EINVAL,
                $"Port forward {spec}: the internal address {spec.Internal} is {IpPrefix.Family(spec.Internal)} but the external address {e} is {IpPrefix.Family(e)}.", spec.Internal.ToString());
    }

    /// <summary>Adds a NAT (one transaction: table, chains, rule) and returns it as the kernel lists it.</summary>
    public static NetNamespaceNat AddNat(NamespaceContext ctx, NatSpec spec)
    {
        Validate(spec);
        AdapterService.Require(ctx, spec.Adapter);
        if (ListNat(ctx).Any(n => n.Name == spec.Name))
            throw new NetnsException(ErrorIds.NatAlreadyExists, Errno.EEXIST, $"{ctx.Description} already has a NAT named '{spec.Name}' (Get-NetNamespaceNat).", spec.Name);
        Apply(ctx, new[] { spec }, Array.Empty<PortForwardSpec>(), $"add NAT '{spec.Name}'", spec.Name);
        return ListNat(ctx).LastOrDefault(n => n.Name == spec.Name)
            ?? throw new NetnsException(ErrorIds.NatRequestFailed, Errno.EIO, $"NAT '{spec.Name}' was added but is not listed in {ctx.Description}.", spec.Name);
    }

    /// <summary>Adds a port forward (one transaction: table, chains, prerouting and output rule) and returns it.</summary>
    public static NetNamespaceNatStaticMapping AddMapping(NamespaceContext ctx, PortForwardSpec spec)
    {
        Validate(spec);
        var existing = FindMapping(ListMappings(ctx), spec.Protocol, spec.External, spec.ExternalPort, Af.Of(spec.Internal));
        if (existing is not null)
            throw new NetnsException(ErrorIds.NatStaticMappingAlreadyExists, Errno.EEXIST,
                $"{ctx.Description} already forwards {existing.Protocol} {existing.ExternalIPAddress ?? "*"}:{existing.ExternalPort} (to {existing.InternalIPAddress}:{existing.InternalPort}, handle {existing.Handle}).", spec.ToString());
        Apply(ctx, Array.Empty<NatSpec>(), new[] { spec }, $"add port forward {spec}", spec.ToString());
        return FindMapping(ListMappings(ctx), spec.Protocol, spec.External, spec.ExternalPort, Af.Of(spec.Internal))
            ?? throw new NetnsException(ErrorIds.NatRequestFailed, Errno.EIO, $"Port forward {spec} was added but is not listed in {ctx.Description}.", spec.ToString());
    }

    private static NetNamespaceNatStaticMapping? FindMapping(IEnumerable<NetNamespaceNatStaticMapping> all, byte protocol, IPAddress? external, int port, byte family) =>
        all.FirstOrDefault(m => m.Protocol == PortForwardSpec.ProtocolName(protocol) && m.ExternalPort == port &&
                                m.AddressFamily == (NetAddressFamily)family && m.ExternalIPAddress == external?.ToString());

    /// <summary>
    /// One transaction: the table and its three chains (kept when they exist), then a rule per NAT and two per port
    /// forward. A refused message refuses the whole batch; the error names it.
    /// </summary>
    public static void Apply(NamespaceContext ctx, IReadOnlyCollection<NatSpec> nats, IReadOnlyCollection<PortForwardSpec> forwards, string what, object? target = null)
    {
        foreach (var n in nats) Validate(n);
        foreach (var f in forwards) Validate(f);
        var msgs = new List<(NetlinkMessageBuilder Message, string Description)>
        {
            (NftMessages.NewTable(TableFamily, TableName), $"add table inet {TableName}"),
            (NftMessages.NewBaseChain(TableFamily, TableName, Postrouting, "nat", NfHook.POST_ROUTING, NfHook.PRIORITY_SRCNAT), $"add chain {Postrouting}"),
            (NftMessages.NewBaseChain(TableFamily, TableName, Prerouting, "nat", NfHook.PRE_ROUTING, NfHook.PRIORITY_DSTNAT), $"add chain {Prerouting}"),
            (NftMessages.NewBaseChain(TableFamily, TableName, Output, "nat", NfHook.LOCAL_OUT, NfHook.PRIORITY_DSTNAT), $"add chain {Output}"),
        };
        foreach (var n in nats)
            msgs.Add((NftMessages.NewRule(TableFamily, TableName, Postrouting, NatExpressions(n), n.Name), $"add rule for NAT '{n.Name}'"));
        foreach (var f in forwards)
        {
            var comment = f.ToString();
            msgs.Add((NftMessages.NewRule(TableFamily, TableName, Prerouting, ForwardExpressions(f), comment), $"add prerouting rule for {f}"));
            msgs.Add((NftMessages.NewRule(TableFamily, TableName, Output, ForwardExpressions(f), comment), $"add output rule for {f}"));
        }
        Commit(ctx, msgs, what, target);
    }

    /// <summary>Removes rules by handle in one transaction; removes the table too when nothing else is left in it.</summary>
    public static void RemoveRules(NamespaceContext ctx, IReadOnlyCollection<(string Chain, ulong Handle)> rules, string what, object? target = null)
    {
        var remaining = Rules(ctx).Where(r => !rules.Any(x => x.Chain == r.Chain && x.Handle == r.Handle)).ToList();
        var msgs = remaining.Count == 0
            ? new List<(NetlinkMessageBuilder, string)> { (NftMessages.DeleteTable(TableFamily, TableName), $"delete table inet {TableName} (its last rules)") }
            : rules.Select(r => (NftMessages.DeleteRule(TableFamily, TableName, r.Chain, r.Handle), $"delete rule {r.Chain} handle {r.Handle}")).ToList();
        Commit(ctx, msgs, what, target);
    }

    public static void RemoveNat(NamespaceContext ctx, NetNamespaceNat nat) =>
        RemoveRules(ctx, new[] { (nat.Chain, nat.Handle) }, $"remove NAT '{nat.Name}'", nat.Name);

    public static void RemoveMapping(NamespaceContext ctx, NetNamespaceNatStaticMapping m)
    {
        var rules = new List<(string, ulong)> { (Prerouting, m.Handle) };
        if (m.OutputHandle != 0) rules.Add((Output, m.OutputHandle));
        RemoveRules(ctx, rules, $"remove port forward {m}", m.ToString());
    }

    /// <summary>Deletes the netnsps table with everything in it; false when there is none. Other tables are untouched.</summary>
    public static bool RemoveTable(NamespaceContext ctx)
    {
        if (!HasTable(ctx)) return false;
        try { Commit(ctx, new() { (NftMessages.DeleteTable(TableFamily, TableName), $"delete table inet {TableName}") }, $"delete table inet {TableName}", ctx.DisplayName); }
        catch (NetnsException ex) when (ex.Errno == Errno.ENOENT) { return false; }
        return true;
    }

    /// <summary>A message of a batch refused.</summary>
    private static readonly ErrnoMap MessageErrors = new(ErrorIds.NatRequestFailed)
    {
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
    };

    /// <summary>The batch refused as a whole: no nf_tables in this kernel, or no right to use it.</summary>
    private static readonly ErrnoMap WholeBatchErrors = new(ErrorIds.NatRequestFailed)
    {
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
        { ErrorIds.NfTablesNotSupported, Errno.EOPNOTSUPP, Errno.EPROTONOSUPPORT },
    };

    internal static void Commit(NamespaceContext ctx, List<(NetlinkMessageBuilder Message, string Description)> msgs, string what, object? target)
    {
        var socket = Socket(ctx);
        var result = socket.ExecuteBatch(NftMessages.Batch(msgs.Select(m => m.Message)), what);
        if (result.Errors.Count == 0) return;
        var (index, ack) = result.Errors[0];
        bool whole = index == 0 || index == msgs.Count + 1;
        string step = whole ? "the batch as a whole" : $"message {index} of {msgs.Count} ({msgs[index - 1].Description})";
        var code = (whole ? WholeBatchErrors : MessageErrors)[ack.Errno];
        var more = result.Errors.Count > 1 ? $" ({result.Errors.Count - 1} more error(s) in the same batch)" : "";
        var text = code == ErrorIds.NfTablesNotSupported
            ? $"NAT in {ctx.Description} needs nf_tables, which this kernel does not offer: {ack.Describe()}"
            : $"Cannot {what} in {ctx.Description}: the kernel refused {step}: {ack.Describe()}{more}. Nothing of the transaction was applied.";
        throw new NetlinkException(code, ack.Errno, text, ack, what, target);
    }

    // ---- rules ------------------------------------------------------------------------------------------------------

    private static byte[] IfName(string name)
    {
        var b = new byte[16]; // IFNAMSIZ, NUL-padded: what nft compares for oifname "NAME"
        Encoding.UTF8.GetBytes(name).CopyTo(b, 0);
        return b;
    }

    private static byte[] Port(int port)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)port);
        return b;
    }

    /// <summary>payload load of the source (saddr) or destination (daddr) address of the network header.</summary>
    private static NftPayload AddressLoad(byte family, bool source) => family == NfProto.IPV6
        ? new NftPayload(NftPayload.BASE_NETWORK, source ? 8u : 24u, 16)
        : new NftPayload(NftPayload.BASE_NETWORK, source ? 12u : 16u, 4);

    private static IEnumerable<NftExpression> PrefixMatch(IPAddress prefix, int length, bool source)
    {
        byte family = Af.Of(prefix);
        yield return AddressLoad(family, source);
        int bits = Af.Bits(family);
        if (length < bits)
        {
            var mask = IpPrefix.Mask(new IPAddress(Enumerable.Repeat((byte)0xFF, bits / 8).ToArray()), length).GetAddressBytes();
            yield return new NftBitwise(mask, new byte[bits / 8]);
        }
        yield return new NftCmp(NftCmp.OP_EQ, IpPrefix.Mask(prefix, length).GetAddressBytes());
    }

    /// <summary>[meta nfproto F] oifname ADAPTER [saddr PREFIX] counter (masquerade | snat to ADDRESS).</summary>
    public static List<NftExpression> NatExpressions(NatSpec n)
    {
        var e = new List<NftExpression>();
        byte family = n.SnatAddress is { } a ? Af.Of(a) : n.SourcePrefix is { } p ? Af.Of(p) : NfProto.UNSPEC;
        if (family != NfProto.UNSPEC)
            e.AddRange(new NftExpression[] { new NftMeta(NftMeta.KEY_NFPROTO), new NftCmp(NftCmp.OP_EQ, new[] { family }) });
        e.Add(new NftMeta(NftMeta.KEY_OIFNAME));
        e.Add(new NftCmp(NftCmp.OP_EQ, IfName(n.Adapter)));
        if (n.SourcePrefix is { } sp) e.AddRange(PrefixMatch(sp, n.SourceLength, source: true));
        e.Add(new NftCounter());
        if (n.SnatAddress is { } to)
        {
            e.Add(new NftImmediate(to.GetAddressBytes()));
            e.Add(new NftNat(NftNat.SNAT, family, Nft.REG_1));
        }
        else e.Add(new NftMasq());
        return e;
    }

    /// <summary>meta nfproto F meta l4proto P th dport PORT (daddr ADDRESS | fib daddr type local) counter dnat to INTERNAL:PORT.</summary>
    public static List<NftExpression> ForwardExpressions(PortForwardSpec f)
    {
        byte family = Af.Of(f.Internal);
        var e = new List<NftExpression>
        {
            new NftMeta(NftMeta.KEY_NFPROTO), new NftCmp(NftCmp.OP_EQ, new[] { family }),
            new NftMeta(NftMeta.KEY_L4PROTO), new NftCmp(NftCmp.OP_EQ, new[] { f.Protocol }),
            new NftPayload(NftPayload.BASE_TRANSPORT, 2, 2), new NftCmp(NftCmp.OP_EQ, Port(f.ExternalPort)),
        };
        if (f.External is { } ext) e.AddRange(PrefixMatch(ext, Af.Bits(family), source: false));
        else
        {
            // Only traffic to an address of this namespace (as docker -p does), not traffic routed through it.
            e.Add(new NftFib(NftFib.RESULT_ADDRTYPE, NftFib.F_DADDR));
            e.Add(new NftCmp(NftCmp.OP_EQ, BitConverter.GetBytes(NftFib.RTN_LOCAL))); // host order, as the kernel stores it
        }
        e.Add(new NftCounter());
        e.Add(new NftImmediate(f.Internal.GetAddressBytes()));
        e.Add(new NftImmediate(Port(f.InternalPort), Nft.REG_2));
        e.Add(new NftNat(NftNat.DNAT, family, Nft.REG_1, RegProtoMin: Nft.REG_2));
        return e;
    }

    internal enum RuleAction { None, Masquerade, Snat, Dnat }

    /// <summary>What a rule of the netnsps table matches and does, read back from its expressions; null for a shape the module does not make.</summary>
    internal sealed class RuleView
    {
        public RuleAction Action;
        public byte Family;
        public string? OutputAdapter;
        public (IPAddress Address, int Length)? Source;
        public IPAddress? Destination;
        public bool LocalOnly;
        public byte Protocol;
        public int DestinationPort;
        public IPAddress? ToAddress;
        public int ToPort;

        /// <summary>What a port forward's prerouting and output rules have in common.</summary>
        public MatchKey Key => new(Family, Protocol, DestinationPort, Destination, ToAddress, ToPort);

        public readonly record struct MatchKey(byte Family, byte Protocol, int DestinationPort, IPAddress? Destination, IPAddress? ToAddress, int ToPort);

        public static RuleView? Of(NftRule rule)
        {
            var v = new RuleView();
            NftExpression? loaded = null; // what register 1 holds
            byte[]? mask = null;
            var imm = new Dictionary<uint, byte[]>();
            foreach (var x in rule.Expressions)
            {
                switch (x)
                {
                    case NftMeta or NftPayload or NftFib:
                        if (x switch { NftMeta m => m.Register, NftPayload p => p.Register, NftFib f => f.Register, _ => 0u } != Nft.REG_1) return null;
                        loaded = x; mask = null; break;
                    case NftBitwise b when b.Register == Nft.REG_1:
                        mask = b.Mask; break;
                    case NftCmp c when c.Op == NftCmp.OP_EQ && c.Register == Nft.REG_1 && loaded is not null:
                        if (!Match(v, loaded, mask, c.Data)) return null;
                        loaded = null; break;
                    case NftCounter:
                        break;
                    case NftImmediate i:
                        imm[i.Register] = i.Data; break;
                    case NftMasq:
                        v.Action = RuleAction.Masquerade; break;
                    case NftNat n:
                        v.Action = n.Type == NftNat.SNAT ? RuleAction.Snat : RuleAction.Dnat;
                        if (n.RegAddrMin != 0 && imm.TryGetValue(n.RegAddrMin, out var addr) && addr.Length is 4 or 16) v.ToAddress = new IPAddress(addr);
                        if (n.RegProtoMin != 0 && imm.TryGetValue(n.RegProtoMin, out var port) && port.Length == 2) v.ToPort = BinaryPrimitives.ReadUInt16BigEndian(port);
                        if (v.Family == NfProto.UNSPEC) v.Family = (byte)n.Family;
                        break;
                    default:
                        return null;
                }
            }
            return v.Action == RuleAction.None ? null : v;
        }

        private static bool Match(RuleView v, NftExpression loaded, byte[]? mask, byte[] data)
        {
            switch (loaded)
            {
                case NftMeta { Key: NftMeta.KEY_NFPROTO } when data.Length == 1: v.Family = data[0]; return true;
                case NftMeta { Key: NftMeta.KEY_L4PROTO } when data.Length == 1: v.Protocol = data[0]; return true;
                case NftMeta { Key: NftMeta.KEY_OIFNAME }:
                {
                    int nul = Array.IndexOf(data, (byte)0);
                    v.OutputAdapter = Encoding.UTF8.GetString(data, 0, nul < 0 ? data.Length : nul);
                    return true;
                }
                case NftPayload { Base: NftPayload.BASE_TRANSPORT, Offset: 2, Length: 2 } when data.Length == 2:
                    v.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(data); return true;
                case NftPayload { Base: NftPayload.BASE_NETWORK } p when data.Length is 4 or 16 && p.Length == data.Length:
                {
                    bool v6 = data.Length == 16;
                    bool source = p.Offset == (v6 ? 8u : 12u);
                    if (!source && p.Offset != (v6 ? 24u : 16u)) return false;
                    int len = mask is null ? data.Length * 8 : mask.Sum(b => System.Numerics.BitOperations.PopCount(b));
                    if (source) v.Source = (new IPAddress(data), len);
                    else v.Destination = new IPAddress(data);
                    return true;
                }
                case NftFib { Result: NftFib.RESULT_ADDRTYPE, Flags: NftFib.F_DADDR } when data.Length == 4 && BitConverter.ToUInt32(data) == NftFib.RTN_LOCAL:
                    v.LocalOnly = true; return true;
                default:
                    return false;
            }
        }
    }
}

/// <summary>For tests: the decoded view of a rule (null for shapes the module does not make).</summary>
internal static class NatServiceProbe
{
    internal static object? View(NftRule rule) => NatService.RuleView.Of(rule);
}
