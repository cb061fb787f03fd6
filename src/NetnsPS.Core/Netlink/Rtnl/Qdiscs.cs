using System.Buffers.Binary;
using System.Globalization;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>Traffic control ids (linux/rtnetlink.h, linux/pkt_sched.h, linux/gen_stats.h).</summary>
public static class Tca
{
    public const ushort RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_GETQDISC = 38;
    public const int TcMsgSize = 20;

    // enum TCA_*
    public const ushort KIND = 1, OPTIONS = 2, STATS = 3, XSTATS = 4, RATE = 5, FCNT = 6, STATS2 = 7, STAB = 8;

    // enum TCA_STATS_* (inside TCA_STATS2)
    public const ushort STATS_BASIC = 1, STATS_RATE_EST = 2, STATS_QUEUE = 3, STATS_APP = 4, STATS_RATE_EST64 = 5,
        STATS_BASIC_HW = 7, STATS_PKT64 = 8;

    // enum TCA_TBF_*
    public const ushort TBF_PARMS = 1, TBF_RTAB = 2, TBF_PTAB = 3, TBF_RATE64 = 4, TBF_PRATE64 = 5, TBF_BURST = 6, TBF_PBURST = 7;

    // enum TCA_NETEM_*
    public const ushort NETEM_CORR = 1, NETEM_DELAY_DIST = 2, NETEM_REORDER = 3, NETEM_CORRUPT = 4, NETEM_LOSS = 5, NETEM_RATE = 6,
        NETEM_ECN = 7, NETEM_RATE64 = 8, NETEM_PAD = 9, NETEM_LATENCY64 = 10, NETEM_JITTER64 = 11, NETEM_SLOT = 12;

    public const uint H_ROOT = 0xFFFFFFFF, H_INGRESS = 0xFFFFFFF1, H_UNSPEC = 0;
    public const byte LINKLAYER_ETHERNET = 1;

    /// <summary>"8001:" for a qdisc handle (major only), "1:2" for a class, "root", "ingress", "none".</summary>
    public static string FormatHandle(uint h) => h switch
    {
        H_ROOT => "root",
        H_INGRESS => "ingress",
        H_UNSPEC => "0:",
        _ => (h & 0xFFFF) == 0 ? $"{h >> 16:x}:" : $"{h >> 16:x}:{h & 0xFFFF:x}",
    };
}

/// <summary>
/// tc's units, parsed and computed exactly as iproute2 (lib/utils_math.c get_rate64/get_size, lib/utils.c get_time,
/// tc/tc_core.c): rates in bits (bit, kbit, mbit, gbit, tbit; Kibit...; Bps, KBps, MBps...: bytes) per second, sizes in
/// bytes (b, kb/k, mb/m, gb/g: 1024-based; kbit, mbit, gbit), times in µs (us, ms, s); a bare number is bit/s, bytes, µs.
/// </summary>
public static class TcUnits
{
    private static readonly (string Name, double Scale)[] RateSuffixes =
    {
        ("bit", 1.0), ("kibit", 1024.0), ("kbit", 1000.0), ("mibit", 1024.0 * 1024), ("mbit", 1e6), ("gibit", 1024.0 * 1024 * 1024),
        ("gbit", 1e9), ("tibit", 1024.0 * 1024 * 1024 * 1024), ("tbit", 1e12),
        ("bps", 8.0), ("kibps", 8.0 * 1024), ("kbps", 8000.0), ("mibps", 8.0 * 1024 * 1024), ("mbps", 8e6),
        ("gibps", 8.0 * 1024 * 1024 * 1024), ("gbps", 8e9), ("tibps", 8.0 * 1024 * 1024 * 1024 * 1024), ("tbps", 8e12),
    };

    /// <summary>psched ticks per µs, from /proc/net/psched as tc_core_init computes it (15.625 on every kernel since 3.x).</summary>
    public static double TicksPerMicrosecond { get; } = ReadTickInUsec();

    private static double ReadTickInUsec()
    {
        try
        {
            var f = File.ReadAllText("/proc/net/psched").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            uint t2us = uint.Parse(f[0], NumberStyles.HexNumber), us2t = uint.Parse(f[1], NumberStyles.HexNumber);
            uint clockRes = uint.Parse(f[2], NumberStyles.HexNumber);
            if (clockRes == 1_000_000_000) t2us = us2t;
            double tick = (double)t2us / us2t * (clockRes / 1e6);
            return tick > 0 ? tick : 15.625;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return 15.625; }
    }

    /// <summary>Splits "1.5mbit" into 1.5 and "mbit" the way strtod does (sign, digits, point, exponent).</summary>
    private static bool SplitNumber(string text, out double value, out string suffix)
    {
        text = text.Trim();
        int i = 0;
        if (i < text.Length && text[i] is '+' or '-') i++;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
        if (i < text.Length - 1 && text[i] is 'e' or 'E' && (char.IsAsciiDigit(text[i + 1]) || (text[i + 1] is '+' or '-' && i + 2 < text.Length && char.IsAsciiDigit(text[i + 2]))))
        {
            i += 2;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        suffix = text[i..];
        return double.TryParse(text[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A rate as tc reads it ("10mbit", "1.5Mbit", "100kbit", "1gbit", "125000bps", "1MBps"; a bare number is bit/s), in bytes per second.</summary>
    public static ulong ParseRate(string text, string what = "Rate")
    {
        if (!SplitNumber(text ?? string.Empty, out double bits, out var suffix) || double.IsNaN(bits))
            throw new NetnsException(ErrorIds.InvalidRate, Errno.EINVAL,
                $"{what} '{text}' is not a rate: give a number with a unit such as 10Mbit, 1.5mbit, 100kbit, 1Gbit or 125000Bps (a bare number is bits per second).", text);
        if (suffix.Length > 0)
        {
            var s = Array.FindIndex(RateSuffixes, r => string.Equals(r.Name, suffix, StringComparison.OrdinalIgnoreCase));
            if (s < 0)
                throw new NetnsException(ErrorIds.InvalidRate, Errno.EINVAL,
                    $"{what} '{text}' has an unknown unit '{suffix}': use bit, kbit, mbit, gbit, tbit (1000-based), kibit, mibit, gibit (1024-based) or Bps, KBps, MBps, GBps (bytes).", text);
            bits *= RateSuffixes[s].Scale;
        }
        double bytes = bits / 8;
        if (!(bytes >= 1))
            throw new NetnsException(ErrorIds.InvalidRate, Errno.EINVAL,
                $"{what} '{text}' is {(bits <= 0 ? "not above zero" : "below 8 bit/s")}: a shaped adapter needs a rate of at least 8bit (1 byte per second).", text);
        if (bytes >= ulong.MaxValue)
            throw new NetnsException(ErrorIds.InvalidRate, Errno.ERANGE, $"{what} '{text}' is too large.", text);
        return (ulong)bytes;
    }

    /// <summary>A size as tc reads it ("32kbit" = 4096 bytes, "10kb" = 10240, "1mb", "1500b", bare = bytes).</summary>
    public static uint ParseSize(string text, string what)
    {
        if (!SplitNumber(text ?? string.Empty, out double sz, out var suffix))
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' is not a size: give bytes, or a number with a unit such as 32kbit, 10kb, 1mb or 1500b.", text);
        double scale = suffix.ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "kb" or "k" => 1024,
            "mb" or "m" => 1024 * 1024,
            "gb" or "g" => 1024.0 * 1024 * 1024,
            "kbit" => 1024 / 8,
            "mbit" => 1024 * 1024 / 8,
            "gbit" => 1024.0 * 1024 * 1024 / 8,
            _ => -1,
        };
        if (scale < 0)
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' has an unknown unit '{suffix}': use b, kb, mb, gb (1024-based bytes) or kbit, mbit, gbit.", text);
        sz *= scale;
        if (!(sz >= 1) || sz > uint.MaxValue || sz != Math.Floor(sz))
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' must be a whole number of bytes from 1 to {uint.MaxValue}.", text);
        return (uint)sz;
    }

    /// <summary>A time as tc reads it ("400ms", "1.5s", "250us"; a bare number is µs).</summary>
    public static TimeSpan ParseTime(string text, string what)
    {
        if (!SplitNumber(text ?? string.Empty, out double t, out var suffix))
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' is not a time: give a number with a unit such as 100ms, 1.5s or 250us.", text);
        double scale = suffix.ToLowerInvariant() switch
        {
            "s" or "sec" or "secs" => 1e6,
            "ms" or "msec" or "msecs" => 1e3,
            "" or "us" or "usec" or "usecs" => 1,
            _ => -1,
        };
        if (scale < 0 || double.IsNaN(t))
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' has an unknown unit '{suffix}': use s, ms or us.", text);
        t *= scale;
        if (t < 0 || t > uint.MaxValue)
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' must be from 0 to {uint.MaxValue} µs.", text);
        return TimeSpan.FromTicks((long)(t * 10));
    }

    /// <summary>
    /// A duration from PowerShell: tc's notation with its unit ("100ms", "1.5s", "250us") or a TimeSpan's text
    /// ("00:00:00.1"). A bare number is refused (tc would read µs, a PowerShell user may mean ms): the unit is required.
    /// </summary>
    public static TimeSpan ParseDuration(string text, string what)
    {
        var t = (text ?? string.Empty).Trim();
        if (t.Contains(':') && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span))
        {
            if (span < TimeSpan.Zero) throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' is negative.", text);
            return span;
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw new NetnsException(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"{what} '{text}' has no unit: write it as tc does, such as {t}ms, {t}s or {t}us.", text);
        return ParseTime(t, what);
    }

    /// <summary>"10Mbit", "1.5Mbit", "800bit": bits per second in tc's 1000-based units (bytes per second in).</summary>
    public static string FormatRate(ulong bytesPerSecond)
    {
        double bits = bytesPerSecond * 8.0;
        string[] units = { "bit", "Kbit", "Mbit", "Gbit", "Tbit" };
        int u = 0;
        while (u < units.Length - 1 && bits >= 1000)
        {
            bits /= 1000;
            u++;
        }
        return bits.ToString("0.###", CultureInfo.InvariantCulture) + units[u];
    }

    /// <summary>µs → psched ticks as tc_core_time2tick does (the µs value truncated to an integer first).</summary>
    public static uint TimeToTicks(double microseconds) => (uint)Math.Min((long)microseconds * TicksPerMicrosecond, uint.MaxValue);

    /// <summary>tc_calc_xmittime: the time to send <paramref name="size"/> bytes at <paramref name="rate"/> bytes/s, in ticks.</summary>
    public static uint TransmitTime(ulong rate, uint size) => TimeToTicks(1e6 * ((double)size / rate));

    /// <summary>A fraction as netem carries it: percent/100 of 2^32-1, rounded (tc's set_percent).</summary>
    public static uint Percent(double percent) => (uint)Math.Round(percent / 100.0 * uint.MaxValue, MidpointRounding.ToEven);

    public static double PercentOf(uint value) => value * 100.0 / uint.MaxValue;
}

/// <summary>tbf parameters: rate (bytes/s), bucket size, and the queue limit (bytes).</summary>
public sealed record TbfParameters(ulong Rate, uint Burst, uint Limit)
{
    /// <summary>The tick count of the bucket at the rate (struct tc_tbf_qopt.buffer), as tc computes it.</summary>
    public uint BufferTicks => TcUnits.TransmitTime(Math.Min(Rate, uint.MaxValue), Burst);

    /// <summary>tc's limit for a latency: rate × latency + burst (bytes).</summary>
    public static uint LimitFor(ulong rate, uint burst, TimeSpan latency)
        => (uint)Math.Min(rate * (double)(long)(latency.Ticks / 10) / 1e6 + burst, uint.MaxValue);

    /// <summary>The latency a limit gives at the rate (what tc prints as "lat").</summary>
    public TimeSpan Latency => TimeSpan.FromTicks(Math.Max(0, (long)((1e6 * ((double)Limit / Rate) - BufferTicks / TcUnits.TicksPerMicrosecond) * 10)));
}

/// <summary>netem parameters; Loss and Corruption in percent; Rate 0 = none.</summary>
public sealed record NetemParameters(TimeSpan Delay, TimeSpan Jitter, double Loss, double Corruption, uint Limit = 1000, ulong Rate = 0);

/// <summary>TCA_STATS2 counters of a qdisc.</summary>
public sealed record QdiscStatistics(ulong Bytes, ulong Packets, uint Drops, uint Overlimits, uint Requeues, uint Backlog, uint QueueLength);

/// <summary>One qdisc (RTM_NEWQDISC), pure data.</summary>
public sealed record QdiscInfo(int InterfaceIndex, uint Handle, uint Parent, string Kind, TbfParameters? Tbf, NetemParameters? Netem, QdiscStatistics? Statistics)
{
    public bool IsRoot => Parent == Tca.H_ROOT;
}

/// <summary>Requests and parsers for queueing disciplines (RTM_*QDISC): tbf and netem as tc 6.x sends them.</summary>
public static class Qdiscs
{
    private static void Header(NetlinkMessageBuilder b, int index, uint handle, uint parent)
    {
        var h = b.AddHeader(Tca.TcMsgSize);
        h[0] = Af.UNSPEC;
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], handle);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], parent);
    }

    public static NetlinkMessageBuilder DumpRequest()
    {
        var b = new NetlinkMessageBuilder(Tca.RTM_GETQDISC, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        Header(b, 0, 0, 0);
        return b;
    }

    private static NetlinkMessageBuilder NewRequest(int index, bool replace)
        => new(Tca.RTM_NEWQDISC, (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | (replace ? Nl.NLM_F_REPLACE : Nl.NLM_F_EXCL)));

    /// <summary>
    /// tc qdisc add|replace dev INDEX root tbf rate R burst B limit L: TCA_OPTIONS (without NLA_F_NESTED, as tc) holding
    /// TCA_TBF_PARMS, TCA_TBF_BURST and, for 2^32 bytes/s and more, TCA_TBF_RATE64. No rate table: the ratespec names
    /// its link layer (ethernet), so the kernel computes times itself and ignores TCA_TBF_RTAB (tc still sends 1 KiB of it).
    /// </summary>
    public static NetlinkMessageBuilder TbfRequest(int index, TbfParameters p, bool replace = true)
    {
        var b = NewRequest(index, replace);
        Header(b, index, 0, Tca.H_ROOT);
        b.AddString(Tca.KIND, "tbf");
        var opts = new NetlinkMessageBuilder(0, 0);
        Span<byte> qopt = stackalloc byte[36];
        qopt.Clear();
        WriteRateSpec(qopt, (uint)Math.Min(p.Rate, uint.MaxValue));
        // peakrate (12 bytes) stays zero
        BinaryPrimitives.WriteUInt32LittleEndian(qopt[24..], p.Limit);
        BinaryPrimitives.WriteUInt32LittleEndian(qopt[28..], p.BufferTicks);
        // mtu (peak bucket) stays zero
        opts.AddAttribute(Tca.TBF_PARMS, qopt);
        opts.AddU32(Tca.TBF_BURST, p.Burst);
        if (p.Rate >= 1UL << 32) AddU64(opts, Tca.TBF_RATE64, p.Rate);
        b.AddAttribute(Tca.OPTIONS, Attributes(opts));
        return b;
    }

    /// <summary>
    /// tc qdisc add|replace dev INDEX root netem delay D J loss L% corrupt C% limit N rate R: TCA_OPTIONS is struct
    /// tc_netem_qopt followed by attributes (TCA_NETEM_CORRUPT, TCA_NETEM_RATE64, TCA_NETEM_RATE), in tc 6.1's order.
    /// </summary>
    public static NetlinkMessageBuilder NetemRequest(int index, NetemParameters p, bool replace = true)
    {
        var b = NewRequest(index, replace);
        Header(b, index, 0, Tca.H_ROOT);
        b.AddString(Tca.KIND, "netem");
        var opts = new NetlinkMessageBuilder(0, 0);
        var q = opts.AddHeader(24);
        BinaryPrimitives.WriteUInt32LittleEndian(q, TcUnits.TimeToTicks(p.Delay.Ticks / 10.0));
        BinaryPrimitives.WriteUInt32LittleEndian(q[4..], p.Limit);
        BinaryPrimitives.WriteUInt32LittleEndian(q[8..], TcUnits.Percent(p.Loss));
        // gap, duplicate = 0
        BinaryPrimitives.WriteUInt32LittleEndian(q[20..], TcUnits.TimeToTicks(p.Jitter.Ticks / 10.0));
        if (p.Corruption > 0)
        {
            Span<byte> c = stackalloc byte[8];
            c.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(c, TcUnits.Percent(p.Corruption));
            opts.AddAttribute(Tca.NETEM_CORRUPT, c);
        }
        if (p.Rate > 0)
        {
            if (p.Rate >= 1UL << 32) AddU64(opts, Tca.NETEM_RATE64, p.Rate);
            Span<byte> r = stackalloc byte[16];
            r.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)Math.Min(p.Rate, uint.MaxValue));
            opts.AddAttribute(Tca.NETEM_RATE, r);
        }
        b.AddAttribute(Tca.OPTIONS, Attributes(opts));
        return b;
    }

    /// <summary>tc qdisc del dev INDEX root: the device goes back to its default qdisc.</summary>
    public static NetlinkMessageBuilder DeleteRootRequest(int index)
    {
        var b = new NetlinkMessageBuilder(Tca.RTM_DELQDISC, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        Header(b, index, 0, Tca.H_ROOT);
        return b;
    }

    /// <summary>struct tc_ratespec as tc_calc_rtable fills it for mtu 2047: cell_log 3, ethernet, cell_align -1.</summary>
    private static void WriteRateSpec(Span<byte> s, uint rate)
    {
        s[0] = 3;
        s[1] = Tca.LINKLAYER_ETHERNET;
        BinaryPrimitives.WriteInt16LittleEndian(s[4..], -1);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], rate);
    }

    private static void AddU64(NetlinkMessageBuilder b, ushort type, ulong v)
    {
        Span<byte> x = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(x, v);
        b.AddAttribute(type, x);
    }

    /// <summary>The attribute bytes a scratch builder holds (after its 16-byte header), for use as one attribute's value.</summary>
    private static byte[] Attributes(NetlinkMessageBuilder scratch) => scratch.Finish(0)[Nl.HeaderSize..].ToArray();

    /// <summary>Parses an RTM_NEWQDISC payload (tcmsg, TCA_KIND, TCA_OPTIONS of tbf or netem, TCA_STATS2).</summary>
    public static QdiscInfo Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Tca.TcMsgSize) throw new NetlinkProtocolException("RTM_NEWQDISC shorter than tcmsg.");
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint handle = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        uint parent = BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]);
        string kind = string.Empty;
        ReadOnlySpan<byte> options = default;
        QdiscStatistics? stats = null;
        foreach (var a in new NetlinkAttributeReader(payload[Tca.TcMsgSize..]))
        {
            switch (a.Type)
            {
                case Tca.KIND: kind = a.String; break;
                case Tca.OPTIONS: options = a.Value; break;
                case Tca.STATS2: stats = ParseStats(a.Value); break;
            }
        }
        TbfParameters? tbf = kind == "tbf" && options.Length > 0 ? ParseTbf(options) : null;
        NetemParameters? netem = kind == "netem" && options.Length >= 24 ? ParseNetem(options) : null;
        return new QdiscInfo(index, handle, parent, kind, tbf, netem, stats);
    }

    /// <summary>TCA_OPTIONS of tbf: TCA_TBF_PARMS (rate, limit, buffer in ticks), TCA_TBF_RATE64, TCA_TBF_BURST (requests only).</summary>
    public static TbfParameters? ParseTbf(ReadOnlySpan<byte> options)
    {
        ulong rate = 0; uint limit = 0, buffer = 0; uint? burst = null; ulong? rate64 = null;
        foreach (var a in new NetlinkAttributeReader(options))
        {
            if (a.Type == Tca.TBF_PARMS && a.Value.Length >= 36)
            {
                rate = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[8..]);
                limit = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[24..]);
                buffer = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[28..]);
            }
            else if (a.Type == Tca.TBF_RATE64 && a.Value.Length == 8) rate64 = a.U64;
            else if (a.Type == Tca.TBF_BURST && a.Value.Length == 4) burst = a.U32;
        }
        if (rate64 is ulong r64) rate = r64;
        if (rate == 0) return null;
        // Dumps carry the bucket as time only: the bytes it holds at the rate, as tc prints "burst".
        burst ??= (uint)Math.Min(Math.Round(rate * (buffer / TcUnits.TicksPerMicrosecond) / 1e6), uint.MaxValue);
        return new TbfParameters(rate, burst.Value, limit);
    }

    /// <summary>TCA_OPTIONS of netem: struct tc_netem_qopt, then attributes (LATENCY64/JITTER64 in ns win over the tick fields).</summary>
    public static NetemParameters ParseNetem(ReadOnlySpan<byte> options)
    {
        double Us(uint ticks) => ticks / TcUnits.TicksPerMicrosecond;
        var delay = TimeSpan.FromTicks((long)(Us(BinaryPrimitives.ReadUInt32LittleEndian(options)) * 10));
        uint limit = BinaryPrimitives.ReadUInt32LittleEndian(options[4..]);
        double loss = TcUnits.PercentOf(BinaryPrimitives.ReadUInt32LittleEndian(options[8..]));
        var jitter = TimeSpan.FromTicks((long)(Us(BinaryPrimitives.ReadUInt32LittleEndian(options[20..])) * 10));
        double corruption = 0;
        ulong rate = 0; ulong? rate64 = null;
        foreach (var a in new NetlinkAttributeReader(options[24..]))
        {
            switch (a.Type)
            {
                case Tca.NETEM_CORRUPT when a.Value.Length >= 4: corruption = TcUnits.PercentOf(BinaryPrimitives.ReadUInt32LittleEndian(a.Value)); break;
                case Tca.NETEM_RATE when a.Value.Length >= 4: rate = BinaryPrimitives.ReadUInt32LittleEndian(a.Value); break;
                case Tca.NETEM_RATE64 when a.Value.Length == 8: rate64 = a.U64; break;
                case Tca.NETEM_LATENCY64 when a.Value.Length == 8: delay = TimeSpan.FromTicks((long)(a.U64 / 100)); break;
                case Tca.NETEM_JITTER64 when a.Value.Length == 8: jitter = TimeSpan.FromTicks((long)(a.U64 / 100)); break;
            }
        }
        return new NetemParameters(delay, jitter, loss, corruption, limit, rate64 ?? rate);
    }

    /// <summary>TCA_STATS2: TCA_STATS_BASIC (bytes u64, packets u32), TCA_STATS_PKT64, TCA_STATS_QUEUE (qlen, backlog, drops, requeues, overlimits).</summary>
    public static QdiscStatistics ParseStats(ReadOnlySpan<byte> stats2)
    {
        ulong bytes = 0, packets = 0; ulong? pkt64 = null;
        uint qlen = 0, backlog = 0, drops = 0, requeues = 0, overlimits = 0;
        foreach (var a in new NetlinkAttributeReader(stats2))
        {
            switch (a.Type)
            {
                case Tca.STATS_BASIC when a.Value.Length >= 12:
                    bytes = BinaryPrimitives.ReadUInt64LittleEndian(a.Value);
                    packets = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[8..]);
                    break;
                case Tca.STATS_PKT64 when a.Value.Length == 8: pkt64 = a.U64; break;
                case Tca.STATS_QUEUE when a.Value.Length >= 20:
                    qlen = BinaryPrimitives.ReadUInt32LittleEndian(a.Value);
                    backlog = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[4..]);
                    drops = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[8..]);
                    requeues = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[12..]);
                    overlimits = BinaryPrimitives.ReadUInt32LittleEndian(a.Value[16..]);
                    break;
            }
        }
        return new QdiscStatistics(bytes, pkt64 ?? packets, drops, overlimits, requeues, backlog, qlen);
    }

    public static List<QdiscInfo> Dump(NetlinkSocket socket, object? target = null)
    {
        var list = new List<QdiscInfo>();
        foreach (var m in socket.Execute(DumpRequest(), "RTM_GETQDISC dump", ErrorIds.QdiscQueryFailed, target))
            if (m.Type == Tca.RTM_NEWQDISC) list.Add(Parse(m.Payload));
        return list;
    }
}
