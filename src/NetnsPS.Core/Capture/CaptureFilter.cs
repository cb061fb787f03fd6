using System.Net;
using System.Net.Sockets;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Capture;

/// <summary>Protocols a capture filter can select.</summary>
public enum CaptureProtocol { IPv4, IPv6, ARP, ICMP, ICMPv6, TCP, UDP }

/// <summary>One classic BPF instruction (struct sock_filter).</summary>
public readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    public override string ToString() => $"{{ 0x{Code:x2}, {Jt}, {Jf}, 0x{K:x8} }}";
}

/// <summary>
/// A simple capture filter: protocols, hosts and ports, each a list where any entry matches (OR), all given lists
/// together (AND), like tcpdump's "(tcp or udp) and (host A or host B) and (port P)". A host matches source or
/// destination (the ARP sender or target for IPv4 hosts); a port matches the TCP or UDP source or destination port.
/// Compiled by <see cref="Compile"/> to a classic BPF program for SO_ATTACH_FILTER, so the kernel drops what does not
/// match and truncates what does to the snap length. Frames are Ethernet (loopback frames too).
/// </summary>
public sealed class CaptureFilter
{
    public IReadOnlyList<CaptureProtocol> Protocols { get; init; } = Array.Empty<CaptureProtocol>();
    public IReadOnlyList<IPAddress> Hosts { get; init; } = Array.Empty<IPAddress>();
    public IReadOnlyList<int> Ports { get; init; } = Array.Empty<int>();

    public bool IsEmpty => Protocols.Count == 0 && Hosts.Count == 0 && Ports.Count == 0;

    public override string ToString()
    {
        var parts = new List<string>();
        if (Protocols.Count > 0) parts.Add("(" + string.Join(" or ", Protocols.Select(p => p.ToString().ToLowerInvariant())) + ")");
        if (Hosts.Count > 0) parts.Add("(" + string.Join(" or ", Hosts.Select(h => "host " + h)) + ")");
        if (Ports.Count > 0) parts.Add("(" + string.Join(" or ", Ports.Select(p => "port " + p)) + ")");
        return parts.Count == 0 ? "all" : string.Join(" and ", parts);
    }

    // ---- classic BPF opcodes (linux/bpf_common.h) ----
    internal const ushort LdW = 0x20, LdH = 0x28, LdB = 0x30, LdHInd = 0x48, LdxMsh = 0xb1;
    internal const ushort Ja = 0x05, JeqK = 0x15, JsetK = 0x45, RetK = 0x06;

    private const ushort EthIPv4 = 0x0800, EthIPv6 = 0x86dd, EthArp = 0x0806;

    /// <summary>The BPF program: returns <paramref name="snapLength"/> for a matching frame, 0 for any other.</summary>
    public BpfInstruction[] Compile(int snapLength)
    {
        if (snapLength <= 0) throw Invalid($"The snap length must be positive, not {snapLength}.");
        var b = new Builder();
        if (IsEmpty)
        {
            b.Ret((uint)snapLength);
            return b.Resolve();
        }
        foreach (var h in Hosts)
            if (h.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) throw Invalid($"'{h}' is not an IPv4 or IPv6 address.");
        foreach (var p in Ports)
            if (p is < 0 or > 65535) throw Invalid($"Port {p} is outside 0-65535.");
        var protos = Protocols.Distinct().ToList();
        if (Ports.Count > 0 && protos.Any(p => p is not (CaptureProtocol.TCP or CaptureProtocol.UDP)))
            throw Invalid($"A port filter applies to TCP and UDP only; it cannot be combined with {string.Join(", ", protos.Where(p => p is not (CaptureProtocol.TCP or CaptureProtocol.UDP)))}.");
        var v4Hosts = Hosts.Where(h => h.AddressFamily == AddressFamily.InterNetwork).Distinct().ToList();
        var v6Hosts = Hosts.Where(h => h.AddressFamily == AddressFamily.InterNetworkV6).Distinct().ToList();
        bool any = protos.Count == 0;
        bool hostsOk4 = Hosts.Count == 0 || v4Hosts.Count > 0, hostsOk6 = Hosts.Count == 0 || v6Hosts.Count > 0;
        bool v4 = hostsOk4 && (any || protos.Any(p => p is CaptureProtocol.IPv4 or CaptureProtocol.ICMP or CaptureProtocol.TCP or CaptureProtocol.UDP));
        bool v6 = hostsOk6 && (any || protos.Any(p => p is CaptureProtocol.IPv6 or CaptureProtocol.ICMPv6 or CaptureProtocol.TCP or CaptureProtocol.UDP));
        bool arp = hostsOk4 && Ports.Count == 0 && (any || protos.Contains(CaptureProtocol.ARP));
        if (!v4 && !v6 && !arp) throw Invalid($"The filter '{this}' can match no packet (the hosts' address family and the protocols exclude each other).");

        // IP protocol numbers per family; null = any protocol of the family.
        var ipProtos4 = any || protos.Contains(CaptureProtocol.IPv4) ? null : protos.Select(Number4).Where(n => n >= 0).ToList();
        var ipProtos6 = any || protos.Contains(CaptureProtocol.IPv6) ? null : protos.Select(Number6).Where(n => n >= 0).ToList();
        if (Ports.Count > 0)
        {
            // ports imply TCP or UDP
            ipProtos4 ??= new List<int> { 6, 17 };
            ipProtos6 ??= new List<int> { 6, 17 };
        }

        int reject = b.NewLabel(), l4 = b.NewLabel(), l6 = b.NewLabel(), lArp = b.NewLabel();
        b.Op(LdH, 12);
        var families = new List<(ushort Type, int Label)>();
        if (v4) families.Add((EthIPv4, l4));
        if (v6) families.Add((EthIPv6, l6));
        if (arp) families.Add((EthArp, lArp));
        for (int i = 0; i < families.Count; i++)
            b.Jump(JeqK, families[i].Type, families[i].Label, i == families.Count - 1 ? reject : Builder.Next);

        if (v4)
        {
            b.Mark(l4);
            if (ipProtos4 is not null) b.AnyOf(LdB, 23, ipProtos4.Select(n => (uint)n), reject);
            if (v4Hosts.Count > 0)
            {
                int ok = b.NewLabel();
                foreach (int off in new[] { 26, 30 })
                {
                    b.Op(LdW, (uint)off);
                    foreach (var h in v4Hosts) b.Jump(JeqK, Word(h.GetAddressBytes(), 0), ok, Builder.Next);
                }
                b.Jump(Ja, 0, reject, reject);
                b.Mark(ok);
            }
            if (Ports.Count > 0)
            {
                // a fragment after the first has no ports
                b.Op(LdH, 20);
                b.Jump(JsetK, 0x1fff, reject, Builder.Next);
                b.Op(LdxMsh, 14);
                int ok = b.NewLabel();
                foreach (uint off in new uint[] { 14, 16 })
                {
                    b.Op(LdHInd, off);
                    foreach (var p in Ports.Distinct()) b.Jump(JeqK, (uint)p, ok, Builder.Next);
                }
                b.Jump(Ja, 0, reject, reject);
                b.Mark(ok);
            }
            b.Ret((uint)snapLength);
        }
        if (v6)
        {
            b.Mark(l6);
            if (ipProtos6 is not null) b.AnyOf(LdB, 20, ipProtos6.Select(n => (uint)n), reject);
            if (v6Hosts.Count > 0)
            {
                int ok = b.NewLabel();
                foreach (uint off in new uint[] { 22, 38 })
                    foreach (var h in v6Hosts)
                    {
                        var bytes = h.GetAddressBytes();
                        int nextHost = b.NewLabel();
                        for (int w = 0; w < 4; w++)
                        {
                            b.Op(LdW, off + (uint)(4 * w));
                            b.Jump(JeqK, Word(bytes, 4 * w), w == 3 ? ok : Builder.Next, nextHost);
                        }
                        b.Mark(nextHost);
                    }
                b.Jump(Ja, 0, reject, reject);
                b.Mark(ok);
            }
            if (Ports.Count > 0)
            {
                // ports right after the fixed header (no extension headers, as tcpdump's "port" does for IPv6)
                int ok = b.NewLabel();
                foreach (uint off in new uint[] { 54, 56 })
                {
                    b.Op(LdH, off);
                    foreach (var p in Ports.Distinct()) b.Jump(JeqK, (uint)p, ok, Builder.Next);
                }
                b.Jump(Ja, 0, reject, reject);
                b.Mark(ok);
            }
            b.Ret((uint)snapLength);
        }
        if (arp)
        {
            b.Mark(lArp);
            if (v4Hosts.Count > 0)
            {
                int ok = b.NewLabel();
                foreach (uint off in new uint[] { 28, 38 })
                {
                    b.Op(LdW, off);
                    foreach (var h in v4Hosts) b.Jump(JeqK, Word(h.GetAddressBytes(), 0), ok, Builder.Next);
                }
                b.Jump(Ja, 0, reject, reject);
                b.Mark(ok);
            }
            b.Ret((uint)snapLength);
        }
        b.Mark(reject);
        b.Ret(0);
        return b.Resolve();
    }

    private static int Number4(CaptureProtocol p) => p switch { CaptureProtocol.ICMP => 1, CaptureProtocol.TCP => 6, CaptureProtocol.UDP => 17, _ => -1 };
    private static int Number6(CaptureProtocol p) => p switch { CaptureProtocol.ICMPv6 => 58, CaptureProtocol.TCP => 6, CaptureProtocol.UDP => 17, _ => -1 };

    private static uint Word(byte[] b, int i) => (uint)(b[i] << 24 | b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]);

    public static NetnsException Invalid(string message) => new(ErrorIds.InvalidCaptureFilter, Errno.EINVAL, message);

    /// <summary>Emits instructions with symbolic jump targets, then resolves them to the 8-bit forward offsets of classic BPF.</summary>
    private sealed class Builder
    {
        public const int Next = -1;
        private readonly List<(ushort Code, uint K, int Jt, int Jf)> _code = new();
        private readonly List<int> _labels = new();

        public int NewLabel() { _labels.Add(-1); return _labels.Count - 1; }
        public void Mark(int label) => _labels[label] = _code.Count;
        public void Op(ushort code, uint k) => _code.Add((code, k, Next, Next));
        public void Ret(uint k) => Op(RetK, k);
        public void Jump(ushort code, uint k, int jt, int jf) => _code.Add((code, k, jt, jf));

        /// <summary>Loads with <paramref name="load"/> at <paramref name="offset"/> and goes on when the value is one of <paramref name="values"/>.</summary>
        public void AnyOf(ushort load, uint offset, IEnumerable<uint> values, int reject)
        {
            var list = values.Distinct().ToList();
            int ok = NewLabel();
            Op(load, offset);
            for (int i = 0; i < list.Count; i++) Jump(JeqK, list[i], ok, i == list.Count - 1 ? reject : Next);
            if (list.Count == 0) Jump(Ja, 0, reject, reject);
            Mark(ok);
        }

        public BpfInstruction[] Resolve()
        {
            if (_code.Count > 4096) throw Invalid($"The filter needs {_code.Count} instructions; the kernel allows 4096.");
            var result = new BpfInstruction[_code.Count];
            for (int i = 0; i < _code.Count; i++)
            {
                var (code, k, jt, jf) = _code[i];
                if (code == Ja)
                {
                    result[i] = new BpfInstruction(code, 0, 0, (uint)Offset(i, jt));
                    continue;
                }
                bool conditional = (code & 0x07) == 0x05;
                if (!conditional) { result[i] = new BpfInstruction(code, 0, 0, k); continue; }
                int t = Offset(i, jt), f = Offset(i, jf);
                if (t > 255 || f > 255) throw Invalid("The filter has too many hosts or ports for one classic BPF program; give fewer.");
                result[i] = new BpfInstruction(code, (byte)t, (byte)f, k);
            }
            return result;
        }

        private int Offset(int from, int label)
        {
            if (label == Next) return 0;
            int to = _labels[label];
            if (to <= from) throw new InvalidOperationException("BPF jumps go forward only.");
            return to - from - 1;
        }
    }
}
