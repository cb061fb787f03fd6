using NetnsPS.Core.Errors;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Nft;
using NetnsPS.Core.Netlink.Rtnl;
using Xunit;
using Xunit.Abstractions;

namespace NetnsPS.Core.Tests.Netlink;

// The test namespaces NetnsPS.Core.Tests.Netlink and .Nat would hide the product's.
using Nat = NetnsPS.Core.Nat;
using Netlink = NetnsPS.Core.Netlink;
using static NetnsPS.Core.Tests.WireBytes;

/// <summary>
/// Fuzzing of the receive side: random datagrams and mutations of the recorded kernel replies (Captures/*.hex,
/// wrapped in nlmsghdr, plus synthetic acks, NLMSG_DONE with extack and RTM_NEWNSID) are fed to every parser:
/// NetlinkMessage.ParseAll, ReplyCollector, NetlinkAck, the attribute reader (walked recursively as if every
/// attribute were nested) and its accessors, Links/Addresses/Routes/NsIds, the nf_tables parsers (tables, chains, rules
/// with every expression kind, rule comments) and the BatchCollector. The only exceptions allowed are the
/// documented ones (NetlinkProtocolException, and NetlinkException for a kernel error the input encodes); every
/// attribute value and message payload must lie inside the input; each input must finish quickly.
/// Deterministic: NETNSPS_FUZZ_SEED (default 20261128) and NETNSPS_FUZZ_COUNT (default 20000; Soak runs more).
/// </summary>
public sealed class ParserFuzzTests
{
    private const ushort SeqNo = 1000, PortNo = 4242;
    private readonly ITestOutputHelper _out;

    public ParserFuzzTests(ITestOutputHelper output) => _out = output;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("NETNSPS_FUZZ_SEED"), out var s) ? s : 20261128;

    public static int Count => int.TryParse(Environment.GetEnvironmentVariable("NETNSPS_FUZZ_COUNT"), out var c) && c > 0 ? c : 20000;

    private static List<byte[]> Load(string name)
        => File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Captures", name + ".hex"))
            .Where(l => l.Length > 0).Select(Convert.FromHexString).ToList();

    /// <summary>One nlmsghdr + payload, padded to 4 bytes.</summary>
    internal static byte[] Message(ushort type, ushort flags, byte[] payload, uint seq = SeqNo, uint port = PortNo)
    {
        var m = new byte[Nl.Align(Nl.HeaderSize + payload.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)(Nl.HeaderSize + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), port);
        payload.CopyTo(m, Nl.HeaderSize);
        return m;
    }


    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Seed datagrams: the captured dumps as multipart replies ending in NLMSG_DONE, acks, errors with extack, nsid replies.</summary>
    internal static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]>();
        foreach (var (name, type) in new[] { ("links", Rtm.NEWLINK), ("addresses", Rtm.NEWADDR), ("routes", Rtm.NEWROUTE) })
        {
            var msgs = Load(name).Select(p => Message(type, Nl.NLM_F_MULTI, p)).ToList();
            corpus.Add(Concat(msgs.Append(Message(Nl.NLMSG_DONE, Nl.NLM_F_MULTI, new byte[4])).ToArray()));
            corpus.AddRange(msgs);
        }
        var echoed = new byte[Nl.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(echoed, 40);
        BinaryPrimitives.WriteUInt32LittleEndian(echoed.AsSpan(8), SeqNo);
        byte[] Err(int errno, params byte[][] tlvs) => Concat(new[] { BitConverter.GetBytes(errno), echoed }.Concat(tlvs).ToArray());
        var tlvMsg = Attr(Nl.NLMSGERR_ATTR_MSG, Encoding.ASCII.GetBytes("Device or resource busy\0"));
        var tlvOffs = Attr(Nl.NLMSGERR_ATTR_OFFS, BitConverter.GetBytes(32u));
        var tlvMiss = Attr(Nl.NLMSGERR_ATTR_MISS_TYPE, BitConverter.GetBytes(3u));
        var tlvNest = Attr(Nl.NLMSGERR_ATTR_MISS_NEST, BitConverter.GetBytes(20u));
        corpus.Add(Message(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED, Err(0)));
        corpus.Add(Message(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED | Nl.NLM_F_ACK_TLVS, Err(-16, tlvMsg, tlvOffs, tlvMiss, tlvNest)));
        // Not capped: the whole request is echoed (here 24 bytes: header + a 4-byte attribute + rtgenmsg), TLVs after it.
        var uncapped = Concat(BitConverter.GetBytes(-22), echoed, new byte[24], tlvMsg, tlvOffs);
        BinaryPrimitives.WriteUInt32LittleEndian(uncapped.AsSpan(4), 40);
        corpus.Add(Message(Nl.NLMSG_ERROR, Nl.NLM_F_ACK_TLVS, uncapped));
        corpus.Add(Message(Nl.NLMSG_DONE, Nl.NLM_F_MULTI | Nl.NLM_F_ACK_TLVS, Concat(BitConverter.GetBytes(-95), tlvMsg)));
        corpus.Add(Message(Rtm.NEWNSID, 0, Concat(new byte[4], Attr(Netnsa.NSID, BitConverter.GetBytes(7)))));
        corpus.Add(Message(Rtm.NEWNSID, 0, Concat(new byte[4], Attr(Netnsa.NSID, BitConverter.GetBytes(-1)))));
        // nf_tables dump replies: a table, a base chain, rules with every expression the module makes, then NLMSG_DONE.
        byte[] Nft(NetlinkMessageBuilder b, ushort msg) => Message(Netlink.Nft.Nfnl.NftType(msg), Nl.NLM_F_MULTI, b.Finish(1).ToArray()[Nl.HeaderSize..]);
        var nftReplies = new List<byte[]>
        {
            Nft(NftMessages.NewTable(NfProto.INET, "netnsps"), Netlink.Nft.Nft.MSG_NEWTABLE),
            Nft(NftMessages.NewBaseChain(NfProto.INET, "netnsps", "postrouting", "nat", NfHook.POST_ROUTING, 100), Netlink.Nft.Nft.MSG_NEWCHAIN),
            Nft(NftMessages.NewRule(NfProto.INET, "netnsps", "postrouting", Nat.NatService.NatExpressions(new Nat.NatSpec("n", "wan0", System.Net.IPAddress.Parse("10.0.0.0"), 20, System.Net.IPAddress.Parse("192.0.2.1"))), "n"), Netlink.Nft.Nft.MSG_NEWRULE),
            Nft(NftMessages.NewRule(NfProto.INET, "netnsps", "prerouting", Nat.NatService.ForwardExpressions(new Nat.PortForwardSpec(6, null, 8080, System.Net.IPAddress.Parse("fd00::2"), 80)), "f"), Netlink.Nft.Nft.MSG_NEWRULE),
            Nft(NftMessages.NewRule(NfProto.INET, "netnsps", "postrouting", new NftExpression[] { new NftMeta(NftMeta.KEY_OIFNAME), new NftCmp(0, new byte[16]), new NftCounter(5, 6), new NftMasq() }), Netlink.Nft.Nft.MSG_NEWRULE),
        };
        corpus.Add(Concat(nftReplies.Append(Message(Nl.NLMSG_DONE, Nl.NLM_F_MULTI, new byte[4])).ToArray()));
        corpus.AddRange(nftReplies);
        corpus.Add(Concat(Message(Nl.NLMSG_NOOP, 0, new byte[4]), Message(Rtm.NEWLINK, Nl.NLM_F_MULTI | Nl.NLM_F_DUMP_INTR, Load("links")[0]),
            Message(Nl.NLMSG_DONE, Nl.NLM_F_MULTI | Nl.NLM_F_DUMP_INTR, new byte[4])));
        return corpus;
    }

    /// <summary>Offsets of attribute headers in a datagram (walking messages, family headers and nests), for targeted damage.</summary>
    private static List<int> AttributeOffsets(byte[] d)
    {
        var offsets = new List<int>();
        void Walk(int start, int end, int depth)
        {
            int p = start;
            while (p + 4 <= end && depth < 8)
            {
                int len = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(p));
                if (len < 4 || p + len > end) return;
                offsets.Add(p);
                if (len > 8) Walk(p + 4, p + len, depth + 1); // maybe nested: the walk stops at the first nonsense
                p += Nl.Align(len);
            }
        }
        int pos = 0;
        while (pos + Nl.HeaderSize <= d.Length)
        {
            long wide = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos)); // a damaged length may be near 4 GiB
            if (wide < Nl.HeaderSize || pos + wide > d.Length) break;
            int len = (int)wide;
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(pos + 4));
            int fixedHeader = type switch
            {
                Rtm.NEWLINK => Ifla.IfInfoMsgSize,
                Rtm.NEWADDR => Ifa.IfAddrMsgSize,
                Rtm.NEWROUTE => Rta.RtMsgSize,
                Rtm.NEWNSID or Nl.NLMSG_DONE => 4,
                Nl.NLMSG_ERROR => 4 + Nl.HeaderSize,
                _ => 0,
            };
            Walk(pos + Nl.HeaderSize + fixedHeader, pos + len, 0);
            pos += Nl.Align(len);
        }
        return offsets;
    }

    /// <summary>One mutation (or a fully random buffer); several may be stacked.</summary>
    internal static byte[] Mutate(Random rng, List<byte[]> corpus)
    {
        if (rng.Next(20) == 0)
        {
            var junk = new byte[rng.Next(0, 600)];
            rng.NextBytes(junk);
            // Half of the random buffers get a plausible first header so the parsers past ParseAll see them too.
            if (junk.Length >= Nl.HeaderSize && rng.Next(2) == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(junk, (uint)rng.Next(Nl.HeaderSize, junk.Length + 1));
                BinaryPrimitives.WriteUInt16LittleEndian(junk.AsSpan(4), new ushort[] { Rtm.NEWLINK, Rtm.NEWADDR, Rtm.NEWROUTE, Rtm.NEWNSID, Nl.NLMSG_ERROR, Nl.NLMSG_DONE }[rng.Next(6)]);
                BinaryPrimitives.WriteUInt32LittleEndian(junk.AsSpan(8), SeqNo);
                BinaryPrimitives.WriteUInt32LittleEndian(junk.AsSpan(12), PortNo);
            }
            return junk;
        }
        var d = (byte[])corpus[rng.Next(corpus.Count)].Clone();
        int rounds = 1 + rng.Next(3);
        for (int r = 0; r < rounds && d.Length > 0; r++)
        {
            switch (rng.Next(10))
            {
                case 0: // bit flips
                    for (int i = 1 + rng.Next(8); i > 0; i--) d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1: // truncate anywhere (headers included)
                    d = d[..rng.Next(d.Length)];
                    break;
                case 2: // message length past the buffer, below the header, or odd
                {
                    var v = new uint[] { (uint)d.Length + 1, (uint)d.Length + 4096, 0, 15, uint.MaxValue, 0x80000000, (uint)rng.Next() }[rng.Next(7)];
                    if (d.Length >= 4) BinaryPrimitives.WriteUInt32LittleEndian(d, v);
                    break;
                }
                case 3: // attribute length damaged: 0..3, past its parent, past the buffer, one off, 0xFFFF
                case 4:
                {
                    var offs = AttributeOffsets(d);
                    if (offs.Count == 0) goto case 0;
                    int o = offs[rng.Next(offs.Count)];
                    int cur = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(o));
                    var v = new[] { rng.Next(4), cur + 1, cur - 1, cur + 4, d.Length - o + 1, 0xFFFF, rng.Next(0x10000) }[rng.Next(7)];
                    BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(o), (ushort)Math.Clamp(v, 0, 0xFFFF));
                    break;
                }
                case 5: // attribute type damaged (nested flag, byte-order flag, other ids: values get read as the wrong kind)
                {
                    var offs = AttributeOffsets(d);
                    if (offs.Count == 0) goto case 0;
                    int o = offs[rng.Next(offs.Count)] + 2;
                    ushort t = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(o));
                    t = rng.Next(3) switch { 0 => (ushort)(t ^ Nl.NLA_F_NESTED), 1 => (ushort)rng.Next(1, 60), _ => (ushort)(t ^ Nl.NLA_F_NET_BYTEORDER) };
                    BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(o), t);
                    break;
                }
                case 6: // a nest with inner attributes whose lengths lie, spliced into an attribute area
                {
                    var inner = new byte[4 + rng.Next(24)];
                    rng.NextBytes(inner);
                    BinaryPrimitives.WriteUInt16LittleEndian(inner, (ushort)rng.Next(0, 64));
                    ushort outerType = new ushort[] { Ifla.LINKINFO, Ifla.PROP_LIST, (ushort)(Ifla.LINKINFO | Nl.NLA_F_NESTED), Ifla.IFNAME, Rta.VIA, Ifa.ADDRESS }[rng.Next(6)];
                    var nest = Attr(outerType, Concat(Attr(Ifla.INFO_KIND, inner), inner));
                    if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt16LittleEndian(nest, (ushort)(nest.Length + rng.Next(1, 64)));
                    var offs = AttributeOffsets(d);
                    int at = offs.Count > 0 ? offs[rng.Next(offs.Count)] : Math.Min(d.Length, Nl.HeaderSize);
                    d = Concat(d[..at], nest, d[at..]);
                    if (d.Length >= 4 && rng.Next(2) == 0) // keep the message length consistent half of the time
                        BinaryPrimitives.WriteUInt32LittleEndian(d, BinaryPrimitives.ReadUInt32LittleEndian(d) + (uint)nest.Length);
                    break;
                }
                case 7: // random bytes overwrite a window
                {
                    int at = rng.Next(d.Length), n = Math.Min(d.Length - at, 1 + rng.Next(16));
                    rng.NextBytes(d.AsSpan(at, n));
                    break;
                }
                case 8: // header fields: type, flags, sequence, port
                {
                    if (d.Length < Nl.HeaderSize) goto case 0;
                    switch (rng.Next(4))
                    {
                        case 0: BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(4), new ushort[] { 0, 1, 2, 3, 4, 16, 20, 24, 88, (ushort)rng.Next(0x10000) }[rng.Next(10)]); break;
                        case 1: BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(6), (ushort)rng.Next(0x10000)); break;
                        case 2: BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(8), new uint[] { SeqNo - 1, SeqNo + 1, 0, uint.MaxValue }[rng.Next(4)]); break;
                        default: BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), new uint[] { 0, PortNo + 1, uint.MaxValue }[rng.Next(3)]); break;
                    }
                    break;
                }
                default: // splice two corpus entries, or append garbage
                {
                    var other = corpus[rng.Next(corpus.Count)];
                    d = Concat(d[..rng.Next(d.Length + 1)], other[rng.Next(other.Length)..]);
                    break;
                }
            }
        }
        return d;
    }

    /// <summary>True when <paramref name="inner"/> lies entirely inside <paramref name="outer"/> (no over-read).</summary>
    private static bool Inside(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner)
        => inner.IsEmpty || (outer.Overlaps(inner, out int off) && off >= 0 && off + inner.Length <= outer.Length);

    /// <summary>Walks attributes recursively (every value tried as a nest) and reads every accessor; checks bounds.</summary>
    private static int WalkAttributes(ReadOnlySpan<byte> buffer, ReadOnlySpan<byte> area, int depth)
    {
        int seen = 0, consumed = 0;
        foreach (var a in new NetlinkAttributeReader(area))
        {
            seen++;
            if (!Inside(area, a.Value)) throw new InvalidOperationException($"attribute {a.Type} value outside its area at depth {depth}");
            consumed += 4 + a.Value.Length;
            if (consumed > area.Length) throw new InvalidOperationException("attributes longer than their area");
            _ = a.String; _ = a.IsNested;
            try { _ = a.U8; } catch (NetlinkProtocolException) { }
            try { _ = a.U16; } catch (NetlinkProtocolException) { }
            try { _ = a.U16BigEndian; } catch (NetlinkProtocolException) { }
            try { _ = a.U32; } catch (NetlinkProtocolException) { }
            try { _ = a.S32; } catch (NetlinkProtocolException) { }
            try { _ = a.U64; } catch (NetlinkProtocolException) { }
            if (depth < 6) seen += WalkAttributes(buffer, a.Value, depth + 1);
            if (seen > 100_000) throw new InvalidOperationException("attribute reader does not terminate");
        }
        return seen;
    }

    /// <summary>Feeds one datagram to every parser; throws on anything undocumented or out of bounds.</summary>
    internal static void FeedAll(byte[] datagram)
    {
        List<NetlinkMessage> msgs;
        try { msgs = NetlinkMessage.ParseAll(datagram); }
        catch (NetlinkProtocolException) { msgs = SalvageFirst(datagram); }
        int total = 0;
        foreach (var m in msgs)
        {
            total += Nl.HeaderSize + m.Payload.Length;
            if (total > datagram.Length) throw new InvalidOperationException("ParseAll returned more bytes than the datagram holds");
        }
        foreach (ushort reqFlags in new ushort[] { Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, Nl.NLM_F_REQUEST })
        {
            var c = new ReplyCollector(SeqNo, PortNo, reqFlags, "fuzz", "FuzzFailed", "target");
            foreach (var m in msgs)
            {
                try { if (c.Accept(m)) break; }
                catch (NetlinkProtocolException) { break; }
                // A refusal is the operation's id, or MemoryLimitReached for ENOMEM (whatever the table says).
                catch (NetlinkException ex) when (ex.ErrorCode is "FuzzFailed" or ErrorIds.MemoryLimitReached) { _ = ex.Message; break; }
            }
        }
        var batch = new BatchCollector(new uint[] { SeqNo - 1, SeqNo, SeqNo + 1 }, new ushort[] { Nl.NLM_F_REQUEST, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, Nl.NLM_F_REQUEST }, PortNo, "fuzz");
        foreach (var m in msgs)
        {
            try { batch.Accept(m); }
            catch (NetlinkProtocolException) { break; }
        }
        foreach (var m in msgs)
        {
            var p = m.Payload;
            Try(() => Links.Parse(p));
            Try(() => Addresses.Parse(p));
            Try(() => Routes.Parse(p));
            Try(() => NsIds.ParseNsid(p));
            foreach (ushort t in new[] { Netlink.Nft.Nft.MSG_NEWTABLE, Netlink.Nft.Nft.MSG_NEWCHAIN, Netlink.Nft.Nft.MSG_NEWRULE })
            {
                var nm = new NetlinkMessage(Nfnl.NftType(t), m.Flags, m.Seq, m.PortId, p);
                Try(() => NftMessages.ParseTable(nm));
                Try(() => NftMessages.ParseChain(nm));
                Try(() => NftMessages.ParseRule(nm) is { } r ? Nat.NatServiceProbe.View(r) : null);
            }
            Try(() => NftMessages.ParseComment(p));
            Try(() => NetlinkAck.Parse(p, m.Flags).Describe());
            Try(() => NetlinkAck.Parse(p, (ushort)(m.Flags ^ Nl.NLM_F_CAPPED)).Describe());
            Try(() => NetlinkAck.ParseDone(p, (ushort)(m.Flags | Nl.NLM_F_ACK_TLVS)).Describe());
            foreach (int skip in new[] { 0, 4, Nl.HeaderSize + 4, Ifa.IfAddrMsgSize, Rta.RtMsgSize, Ifla.IfInfoMsgSize })
                if (skip <= p.Length) WalkAttributes(p, p.AsSpan(skip), 0);
        }
    }

    /// <summary>After a protocol error the messages before the bad one still get parsed (as the socket would have seen them).</summary>
    private static List<NetlinkMessage> SalvageFirst(byte[] d)
    {
        var list = new List<NetlinkMessage>();
        for (int cut = d.Length - 1; cut >= Nl.HeaderSize; cut--)
        {
            try { list = NetlinkMessage.ParseAll(d.AsSpan(0, cut)); break; }
            catch (NetlinkProtocolException) { }
            if (d.Length - cut > 64) break;
        }
        return list;
    }

    private static void Try<T>(Func<T> parse)
    {
        try { _ = parse(); } catch (NetlinkProtocolException) { }
    }

    /// <summary>Runs <paramref name="count"/> inputs; returns (inputs, protocol errors seen). Fails on crash or hang.</summary>
    internal static (int Inputs, long Millis) Run(int seed, int count, Action<string>? log = null)
    {
        var corpus = Corpus();
        var rng = new Random(seed);
        var sw = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < count; i++)
        {
            var input = Mutate(rng, corpus);
            var t = Stopwatch.GetTimestamp();
            try { FeedAll(input); }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException(
                    $"seed {seed} input {i}: {ex.GetType().Name}: {ex.Message}\n{Convert.ToHexString(input)}\n{ex.StackTrace}");
            }
            var el = Stopwatch.GetElapsedTime(t);
            if (el > slowest) slowest = el;
            if (el > TimeSpan.FromSeconds(2))
                throw new Xunit.Sdk.XunitException($"seed {seed} input {i} took {el.TotalMilliseconds:F0} ms (hang?)\n{Convert.ToHexString(input)}");
        }
        log?.Invoke($"fuzz: seed {seed}, {count} inputs in {sw.ElapsedMilliseconds} ms, slowest {slowest.TotalMilliseconds:F2} ms");
        return (count, sw.ElapsedMilliseconds);
    }

    [Fact]
    public void CorpusParsesCleanly()
    {
        // The unmutated seeds are valid: they must parse without any exception (else the fuzzing starts from noise).
        foreach (var d in Corpus())
        {
            var msgs = NetlinkMessage.ParseAll(d);
            Assert.NotEmpty(msgs);
            foreach (var m in msgs)
            {
                if (m.Type == Rtm.NEWLINK) Links.Parse(m.Payload);
                if (m.Type == Rtm.NEWADDR) Addresses.Parse(m.Payload);
                if (m.Type == Rtm.NEWROUTE) Routes.Parse(m.Payload);
                if (m.Type == Rtm.NEWNSID) NsIds.ParseNsid(m.Payload);
                if (m.Type == Nfnl.NftType(Netlink.Nft.Nft.MSG_NEWTABLE)) Assert.NotNull(NftMessages.ParseTable(m));
                if (m.Type == Nfnl.NftType(Netlink.Nft.Nft.MSG_NEWCHAIN)) Assert.NotNull(NftMessages.ParseChain(m));
                if (m.Type == Nfnl.NftType(Netlink.Nft.Nft.MSG_NEWRULE)) Assert.NotNull(Nat.NatServiceProbe.View(NftMessages.ParseRule(m)!));
                if (m.Type == Nl.NLMSG_ERROR) NetlinkAck.Parse(m.Payload, m.Flags);
            }
        }
    }

    [Fact]
    public async Task MutatedAndRandomRepliesNeverCrashHangOrOverRead()
    {
        // Run on a worker with a deadline so a hang fails the test instead of stalling the run.
        int count = Count, seed = Seed;
        var task = Task.Run(() => Run(seed, count, _out.WriteLine));
        var budget = TimeSpan.FromSeconds(Math.Max(60, count / 500));
        if (await Task.WhenAny(task, Task.Delay(budget)) != task)
            throw new Xunit.Sdk.XunitException($"fuzz run of {count} inputs did not finish in {budget} (hang)");
        var (inputs, millis) = await task;
        Assert.Equal(count, inputs);
        var line = $"FUZZ seed={seed} inputs={count} ms={millis}";
        _out.WriteLine(line);
        var report = Environment.GetEnvironmentVariable("NETNSPS_FUZZ_REPORT");
        if (!string.IsNullOrEmpty(report)) File.AppendAllText(report, line + "\n");
    }

    [Fact]
    public void MutatorReallyDamagesTheInputs()
    {
        // The oracle: a fuzzer that only produced valid input would prove nothing. Most mutants must be rejected or changed.
        var corpus = Corpus();
        var rng = new Random(Seed);
        int rejected = 0, n = 2000;
        for (int i = 0; i < n; i++)
        {
            var d = Mutate(rng, corpus);
            try
            {
                foreach (var m in NetlinkMessage.ParseAll(d))
                {
                    if (m.Type == Rtm.NEWLINK) Links.Parse(m.Payload);
                    else if (m.Type == Rtm.NEWADDR) Addresses.Parse(m.Payload);
                    else if (m.Type == Rtm.NEWROUTE) Routes.Parse(m.Payload);
                }
            }
            catch (NetlinkProtocolException) { rejected++; }
        }
        Assert.InRange(rejected, n / 10, n);
    }
}
