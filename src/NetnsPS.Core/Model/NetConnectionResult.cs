namespace NetnsPS;

/// <summary>The result of one ICMP echo or TCP connect attempt made from inside a namespace.</summary>
public sealed class NetConnectionResult
{
    public string Namespace { get; init; } = string.Empty;
    public string Target { get; init; } = string.Empty;
    public string Protocol { get; init; } = "Icmp";
    public int? Port { get; init; }
    public int Sequence { get; init; }
    /// <summary>Success, TimedOut, Refused, Unreachable or Failed.</summary>
    public string Status { get; init; } = "Failed";
    public bool Success => Status == "Success";
    /// <summary>Round-trip time (echo reply, or TCP handshake) in milliseconds; null without an answer.</summary>
    public double? RoundTripMs { get; init; }
    /// <summary>Who answered: the echo reply's source, or the ICMP error's sender.</summary>
    public string? ReplyFrom { get; init; }
    /// <summary>Local address the namespace used (TCP).</summary>
    public string? Source { get; init; }
    public string? Message { get; init; }
}
