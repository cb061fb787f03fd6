using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Shaping;

/// <summary>
/// What an adapter's egress should do: a Rate alone is a token bucket (tbf: Burst, and Latency or Limit in bytes); any of
/// Delay, Jitter, Loss, Corruption makes it netem (with the Rate, if given, as netem's own rate; Limit in packets).
/// </summary>
public sealed record LinkShaping
{
    /// <summary>Bytes per second (tc's unit); parse with <see cref="TcUnits.ParseRate"/>.</summary>
    public ulong? Rate { get; init; }
    public uint? Burst { get; init; }
    public uint? Limit { get; init; }
    public TimeSpan? Latency { get; init; }
    public TimeSpan? Delay { get; init; }
    public TimeSpan? Jitter { get; init; }
    /// <summary>Percent, 0 to 100.</summary>
    public double? Loss { get; init; }
    /// <summary>Percent, 0 to 100.</summary>
    public double? Corruption { get; init; }

    public bool IsNetem => Delay is not null || Jitter is not null || Loss is not null || Corruption is not null;

    public bool IsEmpty => Rate is null && !IsNetem;

    /// <summary>The queue length tbf gets when neither Latency nor Limit is given.</summary>
    public static readonly TimeSpan DefaultLatency = TimeSpan.FromMilliseconds(50);

    /// <summary>The bucket tbf gets without Burst: 10 ms at the rate, at least 16 KiB (ten full-size frames).</summary>
    public static uint DefaultBurst(ulong rate) => (uint)Math.Clamp(rate / 100, 16 * 1024, uint.MaxValue);

    /// <summary>
    /// Shaping from the text a user or a lab file gives: Rate "10Mbit", Burst/Limit "32kbit"/"64kb"/bytes (netem: Limit in
    /// packets), Latency/Delay/Jitter "100ms" or a TimeSpan, Loss/Corruption in percent. Null means not given.
    /// </summary>
    public static LinkShaping FromText(string? rate, string? burst = null, string? limit = null, string? latency = null,
        string? delay = null, string? jitter = null, double? loss = null, double? corruption = null) => new()
    {
        Rate = rate is null ? null : TcUnits.ParseRate(rate),
        Burst = burst is null ? null : TcUnits.ParseSize(burst, "Burst"),
        Limit = limit is null ? null : TcUnits.ParseSize(limit, "Limit"),
        Latency = latency is null ? null : TcUnits.ParseDuration(latency, "Latency"),
        Delay = delay is null ? null : TcUnits.ParseDuration(delay, "Delay"),
        Jitter = jitter is null ? null : TcUnits.ParseDuration(jitter, "Jitter"),
        Loss = loss,
        Corruption = corruption,
    };

    /// <summary>"rate 10Mbit burst 16384b lat 50ms" / "netem delay 100ms jitter 10ms loss 1%": for messages and -WhatIf.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (IsNetem) parts.Add("netem"); else parts.Add("tbf");
        if (Rate is ulong r) parts.Add("rate " + TcUnits.FormatRate(r));
        if (Burst is uint b) parts.Add($"burst {b}b");
        if (Latency is TimeSpan l) parts.Add($"latency {l.TotalMilliseconds}ms");
        if (Limit is uint lim) parts.Add($"limit {lim}");
        if (Delay is TimeSpan d) parts.Add($"delay {d.TotalMilliseconds}ms");
        if (Jitter is TimeSpan j) parts.Add($"jitter {j.TotalMilliseconds}ms");
        if (Loss is double lo) parts.Add($"loss {lo}%");
        if (Corruption is double c) parts.Add($"corrupt {c}%");
        return string.Join(' ', parts);
    }

    /// <summary>Checks the combination (InvalidQdiscArgument) before anything is sent; <paramref name="where"/> names the adapter.</summary>
    public void Validate(string where, int? mtu = null)
    {
        NetnsException Bad(string why) => new(ErrorIds.InvalidQdiscArgument, Errno.EINVAL, $"Cannot shape {where}: {why}", where);
        if (IsEmpty) throw Bad("give a Rate, or a Delay, Jitter, Loss or Corruption.");
        if (Rate is 0) throw new NetnsException(ErrorIds.InvalidRate, Errno.EINVAL, $"Cannot shape {where}: a rate of 0 would send nothing; give a rate such as 10Mbit.", where);
        if (Loss is double lo && !(lo is >= 0 and <= 100)) throw Bad($"Loss {lo} is not a percentage from 0 to 100.");
        if (Corruption is double c && !(c is >= 0 and <= 100)) throw Bad($"Corruption {c} is not a percentage from 0 to 100.");
        if (Delay is TimeSpan d && d < TimeSpan.Zero) throw Bad($"Delay {d} is negative.");
        if (Jitter is TimeSpan j && j < TimeSpan.Zero) throw Bad($"Jitter {j} is negative.");
        if (Jitter is not null && Delay is null) throw Bad("Jitter varies a Delay: give a Delay too.");
        if (Latency is TimeSpan l && l <= TimeSpan.Zero) throw Bad($"Latency {l} must be above zero.");
        if (Limit is 0) throw Bad("Limit must be above zero.");
        if (IsNetem)
        {
            if (Burst is not null || Latency is not null)
                throw Bad("Burst and Latency belong to a token bucket (a Rate alone); with Delay, Jitter, Loss or Corruption the adapter gets netem, whose queue is Limit packets.");
        }
        else
        {
            if (Latency is not null && Limit is not null) throw Bad("give Latency or Limit, not both (tc takes one: the queue is Limit bytes, or what the Rate sends in Latency).");
            uint burst = Burst ?? DefaultBurst(Rate!.Value);
            if (mtu is int m && burst < m + 14)
                throw Bad($"Burst {burst} bytes is smaller than a full frame ({m + 14} bytes: MTU {m} plus the Ethernet header): every full-size packet would be dropped.");
        }
    }
}

/// <summary>Queueing disciplines of adapters in namespaces: list with counters, set a tbf or netem root qdisc, remove it.</summary>
public static class QdiscService
{
    /// <summary>A rate as tc writes it (10Mbit, 1.5mbit, 100kbit) in bytes per second.</summary>
    public static ulong ParseRate(string text) => TcUnits.ParseRate(text);

    public static List<NetNamespaceQdisc> List(NamespaceContext ctx, Func<string, bool>? filter = null)
    {
        var names = Links.Names(ctx.Socket, ctx.DisplayName);
        return Qdiscs.Dump(ctx.Socket, ctx.DisplayName)
            .Select(q => (q, name: names.TryGetValue(q.InterfaceIndex, out var n) ? n : $"if{q.InterfaceIndex}"))
            .Where(x => filter is null || filter(x.name))
            .Select(x => Describe(ctx, x.q, x.name))
            .ToList();
    }

    /// <summary>The root qdisc of one adapter, or null (an adapter without a queue, or gone).</summary>
    public static QdiscInfo? Root(NamespaceContext ctx, int index)
        => Qdiscs.Dump(ctx.Socket, ctx.DisplayName).FirstOrDefault(q => q.InterfaceIndex == index && q.IsRoot);

    public static NetNamespaceQdisc Describe(NamespaceContext ctx, QdiscInfo q, string ifName)
    {
        var st = q.Statistics;
        ulong? rate = q.Tbf?.Rate ?? (q.Netem is { Rate: > 0 } n ? n.Rate : null);
        return new NetNamespaceQdisc
        {
            Namespace = ctx.Name,
            InterfaceAlias = ifName,
            InterfaceIndex = q.InterfaceIndex,
            Kind = q.Kind,
            Handle = Tca.FormatHandle(q.Handle),
            Parent = Tca.FormatHandle(q.Parent),
            IsDefault = q.Handle == 0,
            RateBitsPerSecond = rate * 8,
            Rate = rate is ulong r ? TcUnits.FormatRate(r) : null,
            Burst = q.Tbf?.Burst,
            Limit = q.Tbf?.Limit ?? q.Netem?.Limit,
            Latency = q.Tbf?.Latency,
            Delay = q.Netem?.Delay,
            Jitter = q.Netem?.Jitter,
            Loss = q.Netem?.Loss,
            Corruption = q.Netem?.Corruption,
            BytesSent = st?.Bytes ?? 0,
            PacketsSent = st?.Packets ?? 0,
            Drops = st?.Drops ?? 0,
            Overlimits = st?.Overlimits ?? 0,
            Requeues = st?.Requeues ?? 0,
            Backlog = st?.Backlog ?? 0,
            QueueLength = st?.QueueLength ?? 0,
        };
    }

    /// <summary>The request that gives <paramref name="link"/> the shaping (tc qdisc replace dev LINK root ...).</summary>
    public static NetlinkMessageBuilder Request(LinkShaping s, int index)
    {
        if (s.IsNetem)
            return Qdiscs.NetemRequest(index, new NetemParameters(s.Delay ?? TimeSpan.Zero, s.Jitter ?? TimeSpan.Zero, s.Loss ?? 0, s.Corruption ?? 0,
                s.Limit ?? 1000, s.Rate ?? 0));
        ulong rate = s.Rate!.Value;
        uint burst = s.Burst ?? LinkShaping.DefaultBurst(rate);
        uint limit = s.Limit ?? TbfParameters.LimitFor(rate, burst, s.Latency ?? LinkShaping.DefaultLatency);
        return Qdiscs.TbfRequest(index, new TbfParameters(rate, burst, limit));
    }

    /// <summary>Replaces the root qdisc of <paramref name="link"/> (idempotent: the same call twice leaves one qdisc) and reads it back.</summary>
    public static NetNamespaceQdisc Set(NamespaceContext ctx, LinkInfo link, LinkShaping s)
    {
        var where = $"'{link.Name}' in {ctx.Description}";
        s.Validate(where, link.Mtu);
        try
        {
            ctx.Socket.Execute(Request(s, link.Index), $"set qdisc on {link.Name}", ErrorIds.QdiscOperationFailed, link.Name);
        }
        catch (NetlinkException ex) { throw Map(ex, link.Name, s.IsNetem ? "netem" : "tbf", $"shape {where} ({s.Describe()})"); }
        var q = Root(ctx, link.Index) ?? throw new NetnsException(ErrorIds.QdiscOperationFailed, Errno.EIO,
            $"The kernel accepted the qdisc for {where} but does not list it.", link.Name);
        return Describe(ctx, q, link.Name);
    }

    /// <summary>Removes the root qdisc of <paramref name="link"/>: back to the kernel's default. QdiscNotFound when none was set.</summary>
    public static void Remove(NamespaceContext ctx, LinkInfo link)
    {
        var q = Root(ctx, link.Index);
        if (q is null || q.Handle == 0)
            throw new NetnsException(ErrorIds.QdiscNotFound, Errno.ENOENT,
                $"No qdisc is set on '{link.Name}' in {ctx.Description} (it has the kernel's default{(q is null ? "" : ", " + q.Kind)}).", link.Name);
        try
        {
            ctx.Socket.Execute(Qdiscs.DeleteRootRequest(link.Index), $"delete qdisc on {link.Name}", ErrorIds.QdiscOperationFailed, link.Name);
        }
        catch (NetlinkException ex) { throw Map(ex, link.Name, q.Kind, $"remove the {q.Kind} qdisc of '{link.Name}' in {ctx.Description}"); }
    }

    /// <summary>Removes the root qdisc when one is set; false when the adapter has its default (lab teardown and rollback).</summary>
    public static bool RemoveIfSet(NamespaceContext ctx, int index)
    {
        var q = Root(ctx, index);
        if (q is null || q.Handle == 0) return false;
        try { ctx.Socket.Execute(Qdiscs.DeleteRootRequest(index), $"delete qdisc on if{index}", ErrorIds.QdiscOperationFailed, index); }
        catch (NetlinkException ex) when (ex.Errno is Errno.ENOENT or Errno.ENODEV or Errno.EINVAL) { return false; }
        return true;
    }

    private static NetnsException Map(NetlinkException ex, string name, string kind, string what)
    {
        // A kernel without the qdisc's module answers ENOENT "Specified qdisc kind is unknown." (sch_api.c qdisc_create).
        if (ex.Errno == Errno.ENOENT && (ex.Ack.Message?.Contains("kind is unknown", StringComparison.OrdinalIgnoreCase) ?? true))
            return new NetnsException(ErrorIds.QdiscKindUnsupported, Errno.EOPNOTSUPP,
                $"Cannot {what}: this kernel has no '{kind}' qdisc ({ex.Ack.Describe()}). {(kind == "netem" ? "Delay, Jitter, Loss and Corruption need sch_netem (CONFIG_NET_SCH_NETEM); a Rate alone uses tbf." : "")}".TrimEnd(),
                name, ex)
            { Recommendation = kind == "netem" ? "Use a kernel built with CONFIG_NET_SCH_NETEM (or load the sch_netem module), or shape with -Rate alone (tbf)." : null };
        var code = ex.Errno switch
        {
            Errno.ENODEV => ErrorIds.AdapterNotFound,
            Errno.EINVAL or Errno.ERANGE or Errno.EOPNOTSUPP => ErrorIds.InvalidQdiscArgument,
            Errno.EPERM or Errno.EACCES => ErrorIds.InsufficientPrivilege,
            Errno.ENOENT => ErrorIds.QdiscNotFound,
            _ => ErrorIds.QdiscOperationFailed,
        };
        return new NetnsException(code, ex.Errno, $"Cannot {what}: {ex.Ack.Describe()}", name, ex);
    }
}
