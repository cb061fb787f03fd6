using System.Net;
using System.Net.Sockets;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Labs;

/// <summary>What the preflight found on a host, as the planner needs it: the underlay address and its adapter's MTU, the VNIs in use.</summary>
public sealed record LabHostFacts(IPAddress Underlay, int UnderlayMtu, IReadOnlyCollection<uint> UsedVnis);

/// <summary>A lab spanning hosts, planned: one ordinary lab definition per host ("" = the local machine), and every vxlan link.</summary>
public sealed record LabSpanPlan(IReadOnlyDictionary<string, LabDefinition> Parts, IReadOnlyList<LabSpanPlan.Stitch> Stitches)
{
    /// <summary>A link between two hosts: its VNI, and the tunnel end each host's part makes.</summary>
    public sealed record Stitch(string HostA, LabTunnel A, string HostB, LabTunnel B)
    {
        public override string ToString() => $"vxlan {A.Vni}: {(HostA.Length == 0 ? "(local)" : HostA)} {A.Namespace}/{A.Adapter} <-> {(HostB.Length == 0 ? "(local)" : HostB)} {B.Namespace}/{B.Adapter}, MTU {A.Mtu}";
    }
}

/// <summary>
/// Plans a lab spanning hosts in one place (never per host, so VNIs and MTUs cannot conflict): links between namespaces
/// on one host stay veths of that host's part; a link between hosts becomes a vxlan end on each (a VNI of its own, unique
/// in the lab and unused on both hosts, allocated from a per-lab start so labs do not crowd the same numbers), with the
/// inner MTU = the smaller underlay MTU of the two hosts minus the vxlan overhead (50 bytes over IPv4, 70 over IPv6),
/// applied to both ends and, where an end is a bridge port, to every link of that bridge's segment on every host.
/// </summary>
public static class LabSpanPlanner
{
    /// <summary>Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14).</summary>
    public const int Ipv4Overhead = 50;
    /// <summary>Outer IPv6 (40) + UDP (8) + VXLAN (8) + inner Ethernet (14).</summary>
    public const int Ipv6Overhead = 70;
    public const uint MaxVni = 0xFFFFFF;

    public static int InnerMtu(IPAddress underlay, int underlayMtu) =>
        underlayMtu - (underlay.AddressFamily == AddressFamily.InterNetworkV6 ? Ipv6Overhead : Ipv4Overhead);

    /// <param name="facts">Per host ("" = the local machine): underlay address and MTU, VNIs in use on the definition's VxlanPort.</param>
    public static LabSpanPlan Plan(LabDefinition def, IReadOnlyDictionary<string, LabHostFacts> facts)
    {
        var hostOf = def.Namespaces.ToDictionary(n => n.Name, n => n.Host, StringComparer.Ordinal);
        string HostOf(LabEndpoint e) => e.IsHost ? "" : hostOf[e.Namespace];
        LabHostFacts Facts(string host, string why) => facts.TryGetValue(host, out var f) ? f
            : throw new NetnsException(ErrorIds.InvalidLabHost, Errno.EINVAL,
                $"Lab '{def.Name}': {why} needs the underlay address of {(host.Length == 0 ? "the local machine (Underlay = '192.0.2.100' in the definition)" : $"host '{host}' (its Underlay key, or an address as HostName)")}.", host);

        // Segments: bridges joined by links whose both ends are ports (here or across hosts) carry one MTU.
        var parent = def.Bridges.ToDictionary(b => (b.Namespace, b.Name), b => (b.Namespace, b.Name));
        (string, string) Root((string, string) b) { while (parent[b] != b) b = parent[b] = parent[parent[b]]; return b; }
        foreach (var l in def.Links.Where(l => l.A.Bridge is not null && l.B.Bridge is not null))
            parent[Root((l.A.Namespace, l.A.Bridge!))] = Root((l.B.Namespace, l.B.Bridge!));

        var used = new HashSet<uint>();
        uint next = StartVni(def.Name);
        uint Allocate(string ha, string hb)
        {
            var (ua, ub) = (facts[ha].UsedVnis, facts[hb].UsedVnis);
            for (uint tries = 0; tries < MaxVni; tries++, next = next >= MaxVni ? 1 : next + 1)
                if (!used.Contains(next) && !ua.Contains(next) && !ub.Contains(next))
                {
                    used.Add(next);
                    return next;
                }
            throw new NetnsException(ErrorIds.InvalidLabDefinition, Errno.ENOSPC, $"Lab '{def.Name}': no free VNI left between '{ha}' and '{hb}'.", def.Name);
        }

        var cross = new List<(LabLink Link, string HostA, string HostB, uint Vni, int Mtu)>();
        var segmentMtu = new Dictionary<(string, string), int>();
        int i = 0;
        foreach (var l in def.Links)
        {
            var where = $"Links[{i++}]";
            var (ha, hb) = (HostOf(l.A), HostOf(l.B));
            if (ha == hb) continue;
            if (l.A.IsHost || l.B.IsHost)
                throw LabDefinition.Invalid(where, "a link between hosts joins two lab namespaces; a host end ('' namespace) stays on the local machine with its other end.");
            if (l.Shaping is not null || l.A.Shaping is not null || l.B.Shaping is not null)
                throw LabDefinition.Invalid(where, "a link between hosts is a vxlan tunnel: shaping (Rate, Delay, Loss...) is for veth links on one host.");
            var (fa, fb) = (Facts(ha, $"{where} (between hosts)"), Facts(hb, $"{where} (between hosts)"));
            if (fa.Underlay.AddressFamily != fb.Underlay.AddressFamily)
                throw new NetnsException(ErrorIds.InvalidLabHost, Errno.EINVAL,
                    $"Lab '{def.Name}', {where}: the underlay addresses of '{ha}' ({fa.Underlay}) and '{hb}' ({fb.Underlay}) are of different address families.", where);
            int mtu = Math.Min(InnerMtu(fa.Underlay, fa.UnderlayMtu), InnerMtu(fb.Underlay, fb.UnderlayMtu));
            if (l.Mtu is int asked)
            {
                if (asked > mtu)
                    throw LabDefinition.Invalid($"{where}.Mtu", $"{asked} does not fit through the vxlan between '{ha}' and '{hb}': at most {mtu} (underlay MTU minus {(fa.Underlay.AddressFamily == AddressFamily.InterNetworkV6 ? Ipv6Overhead : Ipv4Overhead)}).");
                mtu = asked;
            }
            cross.Add((l, ha, hb, Allocate(ha, hb), mtu));
            foreach (var e in new[] { l.A, l.B }.Where(e => e.Bridge is not null))
            {
                var seg = Root((e.Namespace, e.Bridge!));
                segmentMtu[seg] = Math.Min(segmentMtu.GetValueOrDefault(seg, int.MaxValue), mtu);
            }
        }

        int? SegmentMtu(LabEndpoint e) => e.Bridge is not null && segmentMtu.TryGetValue(Root((e.Namespace, e.Bridge)), out var m) ? m : null;
        LabTunnel Tunnel(LabEndpoint e, string host, string peer, uint vni, int mtu) =>
            new(e.Namespace, e.Adapter, e.Addresses, e.Bridge, vni, facts[host].Underlay, facts[peer].Underlay, def.VxlanPort, SegmentMtu(e) ?? mtu)
            {
                UnderlayNamespace = (host.Length == 0 ? def.UnderlayNamespace : def.Hosts[host].UnderlayNamespace) ?? "",
            };

        var stitches = cross.Select(c => new LabSpanPlan.Stitch(c.HostA, Tunnel(c.Link.A, c.HostA, c.HostB, c.Vni, c.Mtu),
            c.HostB, Tunnel(c.Link.B, c.HostB, c.HostA, c.Vni, c.Mtu))).ToList();

        // The local machine always has a part: its state file lists every host, so Remove-NetLab there reaches them all.
        var hosts = new[] { "" }.Concat(def.Hosts.Keys.Where(h => def.Namespaces.Any(n => n.Host == h))).ToList();
        var spanHosts = def.Hosts.Where(h => hosts.Contains(h.Key)).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        var parts = new Dictionary<string, LabDefinition>(StringComparer.Ordinal);
        foreach (var h in hosts)
        {
            var namespaces = def.Namespaces.Where(n => n.Host == h).Select(n => n with { Host = "" }).ToList();
            var mine = namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var links = def.Links.Where(l => HostOf(l.A) == h && HostOf(l.B) == h).Select(l =>
            {
                var m = new[] { SegmentMtu(l.A), SegmentMtu(l.B), l.Mtu }.Where(x => x is not null).Min();
                return m == l.Mtu ? l : l with { Mtu = m };
            }).ToList();
            var tunnels = stitches.Where(s => s.HostA == h).Select(s => s.A).Concat(stitches.Where(s => s.HostB == h).Select(s => s.B)).ToList();
            parts[h] = LabDefinition.Part(def.Name, namespaces, def.Bridges.Where(b => mine.Contains(b.Namespace)).ToList(), links, tunnels,
                def.VxlanPort, new LabSpan(h, spanHosts));
        }
        return new LabSpanPlan(parts, stitches);
    }

    /// <summary>Where a lab's VNIs start: spread over 4096..16777215 by the lab's name (FNV-1a), so labs rarely meet.</summary>
    public static uint StartVni(string labName)
    {
        uint h = 2166136261;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(labName)) h = (h ^ b) * 16777619;
        return 4096 + h % (MaxVni - 4096);
    }
}
