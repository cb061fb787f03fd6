namespace NetnsPS;

/// <summary>
/// The queueing discipline (qdisc) of an adapter in a namespace, as `tc -s qdisc show` lists it: its kind, its shaping
/// parameters (tbf: Rate, Burst, Limit, Latency; netem: Delay, Jitter, Loss, Corruption) and its counters.
/// </summary>
public sealed class NetNamespaceQdisc
{
    public string Namespace { get; init; } = string.Empty;
    public string InterfaceAlias { get; init; } = string.Empty;
    public int InterfaceIndex { get; init; }
    /// <summary>tbf, netem, noqueue, pfifo_fast, mq...</summary>
    public string Kind { get; init; } = string.Empty;
    /// <summary>"8001:" (a handle of 0, "0:", marks the kernel's default qdisc).</summary>
    public string Handle { get; init; } = string.Empty;
    /// <summary>"root", "ingress" or the parent class ("1:2").</summary>
    public string Parent { get; init; } = string.Empty;
    /// <summary>The kernel's default qdisc of the adapter (handle 0): nothing set, nothing to remove.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Shaped rate in bits per second (tbf, or netem's rate); null when not shaped.</summary>
    public ulong? RateBitsPerSecond { get; init; }
    /// <summary>The rate in tc's notation: 10Mbit.</summary>
    public string? Rate { get; init; }
    /// <summary>tbf: the bucket size in bytes.</summary>
    public uint? Burst { get; init; }
    /// <summary>tbf: queue limit in bytes; netem: in packets.</summary>
    public uint? Limit { get; init; }
    /// <summary>tbf: the longest a packet can wait in the queue (from Limit, Rate and Burst).</summary>
    public TimeSpan? Latency { get; init; }
    public TimeSpan? Delay { get; init; }
    public TimeSpan? Jitter { get; init; }
    /// <summary>Percent of packets dropped at random (netem).</summary>
    public double? Loss { get; init; }
    /// <summary>Percent of packets with one bit flipped (netem).</summary>
    public double? Corruption { get; init; }

    public ulong BytesSent { get; init; }
    public ulong PacketsSent { get; init; }
    public uint Drops { get; init; }
    public uint Overlimits { get; init; }
    public uint Requeues { get; init; }
    /// <summary>Bytes waiting in the queue.</summary>
    public uint Backlog { get; init; }
    /// <summary>Packets waiting in the queue.</summary>
    public uint QueueLength { get; init; }

    public override string ToString() => $"{Kind} {Handle} on {InterfaceAlias}{(Rate is null ? "" : " rate " + Rate)}";
}
