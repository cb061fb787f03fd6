namespace NetnsPS;

/// <summary>Which way a captured frame went, from the adapter's point of view.</summary>
public enum PacketDirection { In, Out }

/// <summary>The kernel's packet type (sockaddr_ll.sll_pkttype, linux/if_packet.h).</summary>
public enum PacketType : byte { Host = 0, Broadcast = 1, Multicast = 2, OtherHost = 3, Outgoing = 4, Loopback = 5, User = 6, Kernel = 7 }

/// <summary>TCP header flags.</summary>
[Flags]
public enum TcpFlags : byte { None = 0, FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80 }

/// <summary>One frame captured by Start-NetNamespaceCapture, decoded from its Ethernet header up to TCP/UDP/ICMP.</summary>
public sealed class NetNamespacePacket
{
    /// <summary>The kernel's receive (or transmit) time, local time.</summary>
    public DateTime Time { get; init; }
    /// <summary>The kernel's timestamp: nanoseconds since 1970-01-01 UTC (what the pcap file holds).</summary>
    public long TimestampNs { get; init; }
    /// <summary>The namespace name ('' for the host).</summary>
    public string Namespace { get; init; } = string.Empty;
    public string InterfaceAlias { get; init; } = string.Empty;
    /// <summary>Position in this capture, from 1.</summary>
    public long Number { get; init; }
    public PacketDirection Direction { get; init; }
    public PacketType PacketType { get; init; }
    /// <summary>Length on the wire.</summary>
    public int Length { get; init; }
    /// <summary>Bytes captured (at most the snap length).</summary>
    public int CapturedLength { get; init; }
    public string? SourceMac { get; init; }
    public string? DestinationMac { get; init; }
    public ushort EtherType { get; init; }
    /// <summary>ICMP, ICMPv6, TCP, UDP, ARP, IPv4 or IPv6 (another IP protocol), or the EtherType in hex for other frames.</summary>
    public string Protocol { get; init; } = string.Empty;
    /// <summary>Source IP address (the ARP sender for ARP).</summary>
    public string? Source { get; init; }
    /// <summary>Destination IP address (the ARP target for ARP).</summary>
    public string? Destination { get; init; }
    public int? SourcePort { get; init; }
    public int? DestinationPort { get; init; }
    public TcpFlags? TcpFlags { get; init; }
    public uint? SequenceNumber { get; init; }
    public uint? AcknowledgementNumber { get; init; }
    public int? IcmpType { get; init; }
    public int? IcmpCode { get; init; }
    /// <summary>IP time to live or hop limit.</summary>
    public int? Ttl { get; init; }
    /// <summary>Bytes of TCP or UDP payload in this packet (by the headers' lengths).</summary>
    public int? PayloadLength { get; init; }
    /// <summary>A one-line summary, like a packet list: "Echo request id 7 seq 1", "[SYN, ACK] seq 0", "Who has 10.0.0.2? Tell 10.0.0.1".</summary>
    public string Info { get; init; } = string.Empty;
    /// <summary>The captured bytes, from the Ethernet header.</summary>
    public byte[] Data { get; init; } = Array.Empty<byte>();

    public override string ToString() =>
        $"{Protocol} {Source}{(SourcePort is null ? "" : ":" + SourcePort)} > {Destination}{(DestinationPort is null ? "" : ":" + DestinationPort)} {Info}".Trim();
}
