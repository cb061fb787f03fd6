using System.Buffers.Binary;
using System.Net;
using NetnsPS.Core.Capture;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using Xunit;

namespace NetnsPS.Core.Tests.Capture;

/// <summary>
/// The capture filter compiler (each program run through a small classic BPF interpreter written here from the kernel's
/// semantics, on frames built byte by byte), the pcap writer (bytes checked against the file format) and the frame
/// decoder (fields, truncated and random input).
/// </summary>
public sealed class PacketCaptureTests
{
    private const int Snap = 262144;

    // ---- a classic BPF interpreter (net/core/filter.c semantics for the instructions a program may hold) ----
    internal static uint Run(BpfInstruction[] prog, byte[] pkt)
    {
        uint a = 0, x = 0;
        for (int pc = 0; pc < prog.Length; pc++)
        {
            var i = prog[pc];
            int cls = i.Code & 0x07;
            switch (cls)
            {
                case 0x00 or 0x01: // LD, LDX
                {
                    int mode = i.Code & 0xe0, size = i.Code & 0x18;
                    if (cls == 0x01)
                    {
                        Assert.Equal(0xa0, mode); // only ldxb 4*([k]&0xf)
                        if (i.K >= pkt.Length) return 0;
                        x = (uint)(pkt[i.K] & 0xf) * 4;
                        break;
                    }
                    long off = mode switch { 0x20 => i.K, 0x40 => x + (long)i.K, _ => throw new InvalidOperationException($"mode {mode:x}") };
                    int len = size switch { 0x00 => 4, 0x08 => 2, 0x10 => 1, _ => throw new InvalidOperationException() };
                    if (off + len > pkt.Length) return 0; // the kernel ends the program with 0 on an out-of-bounds load
                    a = len switch
                    {
                        4 => BinaryPrimitives.ReadUInt32BigEndian(pkt.AsSpan((int)off)),
                        2 => BinaryPrimitives.ReadUInt16BigEndian(pkt.AsSpan((int)off)),
                        _ => pkt[off],
                    };
                    break;
                }
                case 0x05: // JMP
                {
                    int op = i.Code & 0xf0;
                    Assert.Equal(0, i.Code & 0x08); // K operand only
                    if (op == 0x00) { pc += (int)i.K; break; }
                    bool cond = op switch { 0x10 => a == i.K, 0x20 => a > i.K, 0x30 => a >= i.K, 0x40 => (a & i.K) != 0, _ => throw new InvalidOperationException() };
                    pc += cond ? i.Jt : i.Jf;
                    break;
                }
                case 0x06: return i.K; // RET K
                default: throw new InvalidOperationException($"code {i.Code:x}");
            }
            Assert.True(pc < prog.Length, "a jump left the program");
        }
        throw new InvalidOperationException("fell off the end of the program");
    }

    // ---- frames ----
    private static byte[] Eth(ushort type, byte[] payload)
    {
        var f = new byte[14 + payload.Length];
        new byte[] { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 }.CopyTo(f, 0);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), type);
        payload.CopyTo(f, 14);
        return f;
    }

    private static byte[] L4(int proto, int sport, int dport, byte flags = 0x02)
    {
        if (proto == 6)
        {
            var t = new byte[20];
            BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)sport);
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), (ushort)dport);
            BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 1000);
            t[12] = 5 << 4; t[13] = flags;
            return t;
        }
        if (proto == 17)
        {
            var u = new byte[12];
            BinaryPrimitives.WriteUInt16BigEndian(u, (ushort)sport);
            BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(2), (ushort)dport);
            BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(4), 12);
            return u;
        }
        return new byte[] { 8, 0, 0, 0, 0, 7, 0, 1 }; // echo request id 7 seq 1
    }

    internal static byte[] V4(string src, string dst, int proto, int sport = 0, int dport = 0, int options = 0, ushort frag = 0)
    {
        var l4 = L4(proto, sport, dport);
        int ihl = 20 + options;
        var ip = new byte[ihl + l4.Length];
        ip[0] = (byte)(0x40 | ihl / 4);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), frag);
        ip[8] = 64; ip[9] = (byte)proto;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(ip, 12);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(ip, 16);
        l4.CopyTo(ip, ihl);
        return Eth(0x0800, ip);
    }

    internal static byte[] V6(string src, string dst, int proto, int sport = 0, int dport = 0)
    {
        var l4 = proto == 58 ? new byte[] { 128, 0, 0, 0, 0, 7, 0, 1 } : L4(proto, sport, dport);
        var ip = new byte[40 + l4.Length];
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)l4.Length);
        ip[6] = (byte)proto; ip[7] = 64;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(ip, 8);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(ip, 24);
        l4.CopyTo(ip, 40);
        return Eth(0x86dd, ip);
    }

    internal static byte[] Arp(string sender, string target)
    {
        var a = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), 0x0800);
        a[4] = 6; a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(6), 1);
        new byte[] { 2, 0, 0, 0, 0, 1 }.CopyTo(a, 8);
        IPAddress.Parse(sender).GetAddressBytes().CopyTo(a, 14);
        IPAddress.Parse(target).GetAddressBytes().CopyTo(a, 24);
        return Eth(0x0806, a);
    }

    private static readonly Dictionary<string, byte[]> Frames = new()
    {
        ["tcp4 1234>80"] = V4("10.0.0.1", "10.0.0.2", 6, 1234, 80),
        ["tcp4 80>1234"] = V4("10.0.0.2", "10.0.0.1", 6, 80, 1234),
        ["tcp4 1234>81"] = V4("10.0.0.1", "10.0.0.2", 6, 1234, 81),
        ["tcp4 options 1234>80"] = V4("10.0.0.1", "10.0.0.2", 6, 1234, 80, options: 8),
        ["udp4 53>80"] = V4("10.0.0.3", "10.0.0.1", 17, 53, 80),
        ["udp4 53>53"] = V4("10.0.0.3", "10.0.0.4", 17, 53, 53),
        ["icmp4"] = V4("10.0.0.1", "10.0.0.2", 1),
        ["tcp4 later fragment"] = V4("10.0.0.1", "10.0.0.2", 6, 1234, 80, frag: 0x0010),
        ["tcp6 1234>80"] = V6("fd00::1", "fd00::2", 6, 1234, 80),
        ["udp6 5353>5353"] = V6("fd00::3", "fd00::1", 17, 5353, 5353),
        ["icmp6"] = V6("fd00::1", "fd00::2", 58),
        ["icmp6 other"] = V6("fd00::1:0:0:2", "fd00::9", 58),
        ["arp 10.0.0.1?10.0.0.2"] = Arp("10.0.0.1", "10.0.0.2"),
        ["arp 10.0.0.5?10.0.0.6"] = Arp("10.0.0.5", "10.0.0.6"),
        ["short"] = new byte[] { 1, 2, 3 },
        ["other ethertype"] = Eth(0x88cc, new byte[46]),
    };

    public static TheoryData<string, string[]> Cases => new()
    {
        // filter, frames accepted (all others rejected)
        { "", Frames.Keys.ToArray() },
        { "port=80", new[] { "tcp4 1234>80", "tcp4 80>1234", "tcp4 options 1234>80", "udp4 53>80", "tcp6 1234>80" } },
        { "port=53,5353", new[] { "udp4 53>80", "udp4 53>53", "udp6 5353>5353" } },
        { "proto=TCP port=80", new[] { "tcp4 1234>80", "tcp4 80>1234", "tcp4 options 1234>80", "tcp6 1234>80" } },
        { "proto=UDP", new[] { "udp4 53>80", "udp4 53>53", "udp6 5353>5353" } },
        { "proto=ICMP", new[] { "icmp4" } },
        { "proto=ICMP,ICMPv6", new[] { "icmp4", "icmp6", "icmp6 other" } },
        { "proto=ARP", new[] { "arp 10.0.0.1?10.0.0.2", "arp 10.0.0.5?10.0.0.6" } },
        { "proto=IPv6", new[] { "tcp6 1234>80", "udp6 5353>5353", "icmp6", "icmp6 other" } },
        { "proto=IPv4", new[] { "tcp4 1234>80", "tcp4 80>1234", "tcp4 1234>81", "tcp4 options 1234>80", "udp4 53>80", "udp4 53>53", "icmp4", "tcp4 later fragment" } },
        { "host=10.0.0.2", new[] { "tcp4 1234>80", "tcp4 80>1234", "tcp4 1234>81", "tcp4 options 1234>80", "icmp4", "tcp4 later fragment", "arp 10.0.0.1?10.0.0.2" } },
        { "host=10.0.0.4,fd00::2", new[] { "udp4 53>53", "tcp6 1234>80", "icmp6" } },
        { "host=fd00::2", new[] { "tcp6 1234>80", "icmp6" } },
        { "host=fd00::1:0:0:2", new[] { "icmp6 other" } },
        { "proto=ICMP host=10.0.0.1", new[] { "icmp4" } },
        { "proto=UDP host=10.0.0.1 port=80", new[] { "udp4 53>80" } },
        { "proto=ARP host=10.0.0.6", new[] { "arp 10.0.0.5?10.0.0.6" } },
    };

    private static CaptureFilter Parse(string spec)
    {
        var parts = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1].Split(','));
        return new CaptureFilter
        {
            Protocols = parts.TryGetValue("proto", out var pr) ? pr.Select(Enum.Parse<CaptureProtocol>).ToArray() : Array.Empty<CaptureProtocol>(),
            Hosts = parts.TryGetValue("host", out var h) ? h.Select(IPAddress.Parse).ToArray() : Array.Empty<IPAddress>(),
            Ports = parts.TryGetValue("port", out var po) ? po.Select(int.Parse).ToArray() : Array.Empty<int>(),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FilterAcceptsExactlyTheMatchingFrames(string spec, string[] accepted)
    {
        var prog = Parse(spec).Compile(Snap);
        foreach (var (name, frame) in Frames)
        {
            uint r = Run(prog, frame);
            if (accepted.Contains(name)) Assert.True(r == Snap, $"'{spec}' must accept {name} (returned {r})");
            else Assert.True(r == 0, $"'{spec}' must reject {name} (returned {r})");
        }
    }

    [Fact]
    public void EmptyFilterIsOneReturnOfTheSnapLength()
    {
        Assert.Equal(new[] { new BpfInstruction(0x06, 0, 0, 96) }, new CaptureFilter().Compile(96));
    }

    [Fact]
    public void PortFilterProgramBytes()
    {
        // "port 80": ethertype, then per family the protocol, the fragment test (IPv4), the ports; returns 1500 or 0.
        var prog = new CaptureFilter { Ports = new[] { 80 } }.Compile(1500);
        var expected = new BpfInstruction[]
        {
            new(0x28, 0, 0, 12),          // ldh [12]
            new(0x15, 1, 0, 0x0800),      // jeq #IPv4 -> v4
            new(0x15, 12, 21, 0x86dd),    // jeq #IPv6 -> v6, else reject
            new(0x30, 0, 0, 23),          // v4: ldb [23] (protocol)
            new(0x15, 1, 0, 6),           // jeq #tcp -> ok
            new(0x15, 0, 18, 17),         // jeq #udp, else reject
            new(0x28, 0, 0, 20),          // ldh [20] (flags + fragment offset)
            new(0x45, 16, 0, 0x1fff),     // jset #0x1fff -> reject (a later fragment has no ports)
            new(0xb1, 0, 0, 14),          // ldxb 4*([14]&0xf)
            new(0x48, 0, 0, 14),          // ldh [x+14] (source port)
            new(0x15, 3, 0, 80),          // jeq #80 -> accept
            new(0x48, 0, 0, 16),          // ldh [x+16] (destination port)
            new(0x15, 1, 0, 80),          // jeq #80 -> accept
            new(0x05, 0, 0, 10),          // ja reject
            new(0x06, 0, 0, 1500),        // ret #1500
            new(0x30, 0, 0, 20),          // v6: ldb [20] (next header)
            new(0x15, 1, 0, 6),           // jeq #tcp -> ok
            new(0x15, 0, 6, 17),          // jeq #udp, else reject
            new(0x28, 0, 0, 54),          // ldh [54] (source port)
            new(0x15, 3, 0, 80),          // jeq #80 -> accept
            new(0x28, 0, 0, 56),          // ldh [56] (destination port)
            new(0x15, 1, 0, 80),          // jeq #80 -> accept
            new(0x05, 0, 0, 1),           // ja reject
            new(0x06, 0, 0, 1500),        // ret #1500
            new(0x06, 0, 0, 0),           // reject: ret #0
        };
        Assert.Equal(expected, prog);
    }

    [Theory]
    [InlineData("proto=ICMP port=80")]
    [InlineData("proto=ARP port=53")]
    [InlineData("proto=ICMPv6 host=10.0.0.1")]
    [InlineData("proto=ARP host=fd00::1")]
    [InlineData("port=70000")]
    public void ImpossibleFiltersAreInvalidCaptureFilter(string spec)
    {
        var ex = Assert.Throws<NetnsException>(() => Parse(spec).Compile(Snap));
        Assert.Equal("InvalidCaptureFilter", ex.ErrorCode);
        Assert.Equal(Errno.EINVAL, ex.Errno);
    }

    [Fact]
    public void TooManyHostsForEightBitJumpsIsInvalidCaptureFilter()
    {
        var hosts = Enumerable.Range(1, 100).Select(i => IPAddress.Parse($"fd00::{i:x}")).ToArray();
        var ex = Assert.Throws<NetnsException>(() => new CaptureFilter { Hosts = hosts }.Compile(Snap));
        Assert.Equal("InvalidCaptureFilter", ex.ErrorCode);
        // 20 IPv4 hosts still fit, and each one matches
        var v4 = Enumerable.Range(1, 20).Select(i => IPAddress.Parse($"10.1.0.{i}")).ToArray();
        var prog = new CaptureFilter { Hosts = v4 }.Compile(Snap);
        Assert.Equal((uint)Snap, Run(prog, V4("10.1.0.20", "10.9.9.9", 17, 1, 2)));
        Assert.Equal(0u, Run(prog, V4("10.1.0.21", "10.9.9.9", 17, 1, 2)));
    }

    // ---- pcap writer ----
    [Fact]
    public void PcapWriterWritesTheClassicFormat()
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, 64, ownsStream: false))
        {
            w.Write(1_700_000_000_123_456_789L, new byte[] { 1, 2, 3 }, 3);
            w.Write(1_700_000_001_000_000_001L, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray(), 100); // cut to 64
            Assert.Equal(2, w.PacketsWritten);
        }
        var b = ms.ToArray();
        Assert.Equal(Convert.FromHexString(
            "4d3cb2a1" +   // magic a1b23c4d (nanosecond timestamps), little-endian
            "0200" + "0400" + // version 2.4
            "00000000" +   // thiszone
            "00000000" +   // sigfigs
            "40000000" +   // snaplen 64
            "01000000"),   // LINKTYPE_ETHERNET
            b[..24]);
        Assert.Equal(Convert.FromHexString(
            "00f15365" +   // 1700000000 s (0x6553f100)
            "15cd5b07" +   // 123456789 ns
            "03000000" + "03000000" + "010203"), b[24..43]);
        Assert.Equal(1_700_000_001u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(43)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(47)));
        Assert.Equal(64u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(51)));  // captured
        Assert.Equal(100u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(55))); // on the wire
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (byte)i), b[59..]);
        Assert.Equal(59 + 64, b.Length);
    }

    // ---- decoder ----
    [Fact]
    public void DecodesTcpUdpIcmpArpAndIPv6()
    {
        var tcp = V4("10.0.0.1", "10.0.0.2", 6, 40000, 5201);
        tcp[14 + 20 + 13] = 0x12; // SYN+ACK
        var p = PacketDecoder.Decode(tcp, tcp.Length, 1_700_000_000_000_000_000L, PacketType.Outgoing, "ns1", "veth0", 3);
        Assert.Equal(("TCP", "10.0.0.1", "10.0.0.2", 40000, 5201), (p.Protocol, p.Source, p.Destination, p.SourcePort!.Value, p.DestinationPort!.Value));
        Assert.Equal(TcpFlags.SYN | TcpFlags.ACK, p.TcpFlags);
        Assert.Equal(PacketDirection.Out, p.Direction);
        Assert.Equal("02:00:00:00:00:01", p.SourceMac);
        Assert.Equal("02:00:00:00:00:02", p.DestinationMac);
        Assert.Equal(0x0800, p.EtherType);
        Assert.Equal(0, p.PayloadLength);
        Assert.Equal(3, p.Number);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1_700_000_000).ToLocalTime(), p.Time);

        var icmp = PacketDecoder.Decode(V4("10.0.0.1", "10.0.0.2", 1), 42, 0, PacketType.Host);
        Assert.Equal(("ICMP", 8, 0, "Echo request id 7 seq 1", PacketDirection.In), (icmp.Protocol, icmp.IcmpType!.Value, icmp.IcmpCode!.Value, icmp.Info, icmp.Direction));

        var udp6 = PacketDecoder.Decode(V6("fd00::3", "fd00::1", 17, 5353, 53), 74, 0, PacketType.Host);
        Assert.Equal(("UDP", "fd00::3", "fd00::1", 5353, 53, 4), (udp6.Protocol, udp6.Source, udp6.Destination, udp6.SourcePort!.Value, udp6.DestinationPort!.Value, udp6.PayloadLength!.Value));

        var arp = PacketDecoder.Decode(Arp("10.0.0.1", "10.0.0.2"), 42, 0, PacketType.Broadcast);
        Assert.Equal(("ARP", "10.0.0.1", "10.0.0.2", "Who has 10.0.0.2? Tell 10.0.0.1"), (arp.Protocol, arp.Source, arp.Destination, arp.Info));

        var cut = PacketDecoder.Decode(tcp.AsSpan(0, 40), tcp.Length, 0, PacketType.Host);
        Assert.Equal((tcp.Length, 40, "TCP"), (cut.Length, cut.CapturedLength, cut.Protocol));
        Assert.Null(cut.TcpFlags); // the TCP header is cut before its flags
        Assert.Null(cut.SourcePort);
    }

    [Fact]
    public void DecoderNeverThrowsOnTruncatedOrRandomFrames()
    {
        var rng = new Random(20);
        foreach (var f in Frames.Values)
            for (int n = 0; n <= f.Length; n++) PacketDecoder.Decode(f.AsSpan(0, n), f.Length, 0, PacketType.Host);
        for (int i = 0; i < 20000; i++)
        {
            var f = new byte[rng.Next(0, 120)];
            rng.NextBytes(f);
            if (f.Length > 13 && rng.Next(2) == 0) { f[12] = 0x86; f[13] = 0xdd; if (f.Length > 14) f[14] = 0x60; }
            PacketDecoder.Decode(f, f.Length, 0, PacketType.Host);
            // every generated program stays in bounds for random input too
            Run(new CaptureFilter { Ports = new[] { 80 }, Hosts = new[] { IPAddress.Parse("fd00::1"), IPAddress.Parse("10.0.0.1") } }.Compile(Snap), f);
        }
    }
}
