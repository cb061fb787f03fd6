using System.Buffers.Binary;
using System.Net;

namespace NetnsPS.Core.Capture;

/// <summary>
/// Decodes an Ethernet frame (802.1Q tags skipped) into a <see cref="NetNamespacePacket"/>: MACs, EtherType, IPv4/IPv6
/// addresses (IPv6 extension headers followed), ARP, ICMP/ICMPv6 type and code, TCP/UDP ports and TCP flags. Truncated
/// frames decode as far as their bytes go; nothing here throws on malformed input.
/// </summary>
public static class PacketDecoder
{
    public static NetNamespacePacket Decode(ReadOnlySpan<byte> frame, int originalLength, long unixNanoseconds, PacketType type,
        string nsName = "", string ifName = "", long number = 0)
    {
        var time = DateTime.UnixEpoch.AddTicks(unixNanoseconds / 100).ToLocalTime();
        string? srcMac = null, dstMac = null, proto = "", src = null, dst = null, info = "";
        ushort etherType = 0;
        int? sport = null, dport = null, icmpType = null, icmpCode = null, ttl = null, payload = null;
        TcpFlags? flags = null;
        uint? seq = null, ack = null;
        if (frame.Length >= 14)
        {
            dstMac = Mac(frame[..6]);
            srcMac = Mac(frame[6..12]);
            int off = 12;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[off..]);
            while (etherType is 0x8100 or 0x88a8 && frame.Length >= off + 6)
            {
                off += 4;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[off..]);
            }
            var l3 = frame[(off + 2)..];
            proto = $"0x{etherType:x4}";
            int l4Proto = -1;
            ReadOnlySpan<byte> l4 = default;
            int l4Len = 0;
            switch (etherType)
            {
                case 0x0800:
                    proto = "IPv4";
                    if (l3.Length >= 20 && l3[0] >> 4 == 4)
                    {
                        int ihl = (l3[0] & 0x0f) * 4;
                        ttl = l3[8];
                        src = new IPAddress(l3.Slice(12, 4)).ToString();
                        dst = new IPAddress(l3.Slice(16, 4)).ToString();
                        int total = BinaryPrimitives.ReadUInt16BigEndian(l3[2..]);
                        bool laterFragment = (BinaryPrimitives.ReadUInt16BigEndian(l3[6..]) & 0x1fff) != 0;
                        if (laterFragment) info = "fragment";
                        else if (ihl >= 20 && l3.Length >= ihl)
                        {
                            l4Proto = l3[9];
                            l4 = l3[ihl..];
                            l4Len = Math.Max(0, total - ihl);
                        }
                    }
                    break;
                case 0x86dd:
                    proto = "IPv6";
                    if (l3.Length >= 40 && l3[0] >> 4 == 6)
                    {
                        ttl = l3[7];
                        src = new IPAddress(l3.Slice(8, 16)).ToString();
                        dst = new IPAddress(l3.Slice(24, 16)).ToString();
                        int next = l3[6];
                        int pos = 40;
                        int len = BinaryPrimitives.ReadUInt16BigEndian(l3[4..]);
                        // hop-by-hop, routing, destination options: (len+1)*8 bytes; fragment: 8 bytes
                        for (int hops = 0; hops < 8 && next is 0 or 43 or 60 or 44 && l3.Length >= pos + 8; hops++)
                        {
                            int size = next == 44 ? 8 : (l3[pos + 1] + 1) * 8;
                            if (next == 44 && (BinaryPrimitives.ReadUInt16BigEndian(l3[(pos + 2)..]) & 0xfff8) != 0) { info = "fragment"; next = -1; break; }
                            next = l3[pos];
                            pos += size;
                            len -= size;
                        }
                        if (next >= 0 && l3.Length >= pos)
                        {
                            l4Proto = next;
                            l4 = l3[pos..];
                            l4Len = Math.Max(0, len);
                        }
                    }
                    break;
                case 0x0806:
                    proto = "ARP";
                    if (l3.Length >= 28 && BinaryPrimitives.ReadUInt16BigEndian(l3[2..]) == 0x0800 && l3[4] == 6 && l3[5] == 4)
                    {
                        int op = BinaryPrimitives.ReadUInt16BigEndian(l3[6..]);
                        src = new IPAddress(l3.Slice(14, 4)).ToString();
                        dst = new IPAddress(l3.Slice(24, 4)).ToString();
                        info = op switch
                        {
                            1 => $"Who has {dst}? Tell {src}",
                            2 => $"{src} is at {Mac(l3.Slice(8, 6))}",
                            _ => $"operation {op}",
                        };
                    }
                    break;
            }
            switch (l4Proto)
            {
                case 1 or 58:
                    proto = l4Proto == 1 ? "ICMP" : "ICMPv6";
                    if (l4.Length >= 2)
                    {
                        icmpType = l4[0];
                        icmpCode = l4[1];
                        info = IcmpInfo(l4Proto == 58, l4);
                    }
                    break;
                case 6:
                    proto = "TCP";
                    if (l4.Length >= 14)
                    {
                        sport = BinaryPrimitives.ReadUInt16BigEndian(l4);
                        dport = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                        seq = BinaryPrimitives.ReadUInt32BigEndian(l4[4..]);
                        ack = BinaryPrimitives.ReadUInt32BigEndian(l4[8..]);
                        int doff = (l4[12] >> 4) * 4;
                        flags = (TcpFlags)l4[13];
                        payload = Math.Max(0, l4Len - doff);
                        info = $"[{FlagText(flags.Value)}] seq {seq}{((flags.Value & TcpFlags.ACK) != 0 ? $" ack {ack}" : "")} len {payload}";
                    }
                    break;
                case 17:
                    proto = "UDP";
                    if (l4.Length >= 8)
                    {
                        sport = BinaryPrimitives.ReadUInt16BigEndian(l4);
                        dport = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                        payload = Math.Max(0, BinaryPrimitives.ReadUInt16BigEndian(l4[4..]) - 8);
                        info = $"len {payload}";
                    }
                    break;
                case >= 0:
                    info = $"IP protocol {l4Proto}";
                    break;
            }
        }
        return new NetNamespacePacket
        {
            Time = time, TimestampNs = unixNanoseconds, Namespace = nsName, InterfaceAlias = ifName, Number = number,
            Direction = type == PacketType.Outgoing ? PacketDirection.Out : PacketDirection.In, PacketType = type,
            Length = Math.Max(originalLength, frame.Length), CapturedLength = frame.Length,
            SourceMac = srcMac, DestinationMac = dstMac, EtherType = etherType, Protocol = proto ?? "",
            Source = src, Destination = dst, SourcePort = sport, DestinationPort = dport, TcpFlags = flags,
            SequenceNumber = seq, AcknowledgementNumber = ack, IcmpType = icmpType, IcmpCode = icmpCode, Ttl = ttl,
            PayloadLength = payload, Info = info ?? "", Data = frame.ToArray(),
        };
    }

    private static string IcmpInfo(bool v6, ReadOnlySpan<byte> icmp)
    {
        int type = icmp[0], code = icmp[1];
        string echo = icmp.Length >= 8 ? $" id {BinaryPrimitives.ReadUInt16BigEndian(icmp[4..])} seq {BinaryPrimitives.ReadUInt16BigEndian(icmp[6..])}" : "";
        return (v6, type) switch
        {
            (false, 8) or (true, 128) => "Echo request" + echo,
            (false, 0) or (true, 129) => "Echo reply" + echo,
            (false, 3) or (true, 1) => $"Destination unreachable (code {code})",
            (false, 11) or (true, 3) => $"Time exceeded (code {code})",
            (true, 133) => "Router solicitation",
            (true, 134) => "Router advertisement",
            (true, 135) => "Neighbor solicitation",
            (true, 136) => "Neighbor advertisement",
            (true, 143) => "Multicast listener report v2",
            _ => $"type {type} code {code}",
        };
    }

    public static string FlagText(TcpFlags f)
    {
        var names = new List<string>();
        foreach (var (flag, name) in new[] { (TcpFlags.SYN, "SYN"), (TcpFlags.FIN, "FIN"), (TcpFlags.RST, "RST"), (TcpFlags.PSH, "PSH"),
                     (TcpFlags.ACK, "ACK"), (TcpFlags.URG, "URG"), (TcpFlags.ECE, "ECE"), (TcpFlags.CWR, "CWR") })
            if ((f & flag) != 0) names.Add(name);
        return string.Join(", ", names);
    }

    private static string Mac(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant() is var h
        ? string.Join(':', Enumerable.Range(0, b.Length).Select(i => h.Substring(i * 2, 2))) : "";
}
