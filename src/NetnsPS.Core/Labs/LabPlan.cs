using NetnsPS.Core.Adapters;
using NetnsPS.Core.Addressing;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Exec;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Nat;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Routing;
using NetnsPS.Core.Shaping;
using NetnsPS.Core.Sysctl;

namespace NetnsPS.Core.Labs;

/// <summary>
/// The steps that build a lab, in dependency order: namespaces, loopback, forwarding, bridges, links, bridge ports,
/// addresses, link state, routes, NAT. Planning makes nothing; <see cref="LabBuilder.Build"/> runs the steps.
/// </summary>
internal static class LabPlan
{
    /// <summary>A step of the build: what it does, and the work.</summary>
    public sealed record Step(string Description, Action Run);

    public static List<Step> Steps(LabDefinition def, NetLab lab, NamespaceSessions sessions, Func<string, string> full, Func<string, string> hostAdapter)
    {
        var steps = new List<Step>();
        NamespaceContext Ctx(string shortName) => sessions.Get(full(shortName));
        string Where(string shortName) => shortName.Length == 0 ? "(host)" : full(shortName);
        string AdapterName(LabEndpoint e) => e.IsHost ? hostAdapter(e.Adapter) : e.Adapter;

        // A large lab's namespaces in batches made by the parallel creator of New-NetNamespace (one at a time was most of
        // its build); a batch is one step, so progress still moves every few dozen namespaces. A small lab keeps a step
        // per namespace (a failure names the one namespace).
        int per = def.Namespaces.Count > CreateBatch ? CreateBatch : 1;
        for (int i = 0; i < def.Namespaces.Count; i += per)
        {
            var batch = def.Namespaces.Skip(i).Take(per).Select(n => full(n.Name)).ToList();
            steps.Add(new Step(batch.Count == 1 ? $"create namespace {batch[0]}" : $"create namespaces {batch[0]} .. {batch[^1]} ({batch.Count})",
                () => CreateNamespaces(batch)));
        }
        foreach (var n in def.Namespaces)
            steps.Add(new Step($"set lo up in {full(n.Name)}", () =>
            {
                var c = Ctx(n.Name);
                AdapterService.Set(c, AdapterService.Require(c, "lo"), true, null, null, null);
            }));
        foreach (var n in def.Namespaces.Where(n => n.Forwarding))
            steps.Add(new Step($"enable forwarding in {full(n.Name)}", () =>
            {
                var c = Ctx(n.Name);
                SysctlService.Write(c, "net.ipv4.ip_forward", "1");
                SysctlService.Write(c, "net.ipv6.conf.all.forwarding", "1");
            }));
        // Bridges live inside lab namespaces only, so removing the namespaces removes them (rollback and Remove-NetLab).
        foreach (var b in def.Bridges)
            steps.Add(new Step($"create bridge {full(b.Namespace)}/{b.Name}", () =>
                AdapterFactory.Create(sessions, Ctx(b.Namespace), new AdapterSpec { Kind = AdapterKind.Bridge, Name = b.Name })));
        foreach (var l in def.Links)
            steps.Add(new Step($"create veth {Where(l.A.Namespace)}/{AdapterName(l.A)} <-> {Where(l.B.Namespace)}/{AdapterName(l.B)}", () =>
                AdapterService.NewVeth(sessions, Ctx(l.A.Namespace), AdapterName(l.A), Ctx(l.B.Namespace), AdapterName(l.B), l.Mtu)));
        foreach (var e in def.Links.SelectMany(l => new[] { l.A, l.B }).Where(e => e.Bridge is not null))
            steps.Add(new Step($"make {Where(e.Namespace)}/{e.Adapter} a port of bridge {e.Bridge}", () =>
            {
                var c = Ctx(e.Namespace);
                AdapterService.Set(c, AdapterService.Require(c, e.Adapter), null, null, null, null, master: AdapterService.Require(c, e.Bridge!).Index);
            }));
        foreach (var b in def.Bridges)
            foreach (var (addr, len) in b.Addresses)
                steps.Add(new Step($"add address {IpPrefix.Format(addr, len)} to {Where(b.Namespace)}/{b.Name}", () =>
                {
                    var c = Ctx(b.Namespace);
                    AddressService.AddAddress(c, AdapterService.Require(c, b.Name), addr, len, skipDad: true);
                }));
        foreach (var e in def.Links.SelectMany(l => new[] { l.A, l.B }))
            foreach (var (addr, len) in e.Addresses)
                steps.Add(new Step($"add address {IpPrefix.Format(addr, len)} to {Where(e.Namespace)}/{AdapterName(e)}", () =>
                {
                    var c = Ctx(e.Namespace);
                    AddressService.AddAddress(c, AdapterService.Require(c, AdapterName(e)), addr, len, skipDad: true);
                }));
        foreach (var b in def.Bridges)
            steps.Add(new Step($"set {Where(b.Namespace)}/{b.Name} up", () =>
            {
                var c = Ctx(b.Namespace);
                AdapterService.Set(c, AdapterService.Require(c, b.Name), true, null, null, null);
            }));
        foreach (var e in def.Links.SelectMany(l => new[] { l.A, l.B }))
            steps.Add(new Step($"set {Where(e.Namespace)}/{AdapterName(e)} up", () =>
            {
                var c = Ctx(e.Namespace);
                AdapterService.Set(c, AdapterService.Require(c, AdapterName(e)), true, null, null, null);
            }));
        // Shaping last among the adapter steps: each end's egress (tbf, or netem where the kernel has it). The qdiscs live on
        // the lab's veths, so removing the namespaces and host adapters (rollback, Remove-NetLab) removes them too.
        foreach (var l in def.Links)
            foreach (var e in new[] { l.A, l.B })
                if (l.ShapingOf(e) is LinkShaping sh)
                    steps.Add(new Step($"shape {Where(e.Namespace)}/{AdapterName(e)} ({sh.Describe()})", () =>
                    {
                        var c = Ctx(e.Namespace);
                        QdiscService.Set(c, AdapterService.Require(c, AdapterName(e)), sh);
                    }));
        steps.AddRange(LabTunnels.Steps(def, sessions, full));
        foreach (var n in def.Namespaces)
            foreach (var r in n.Routes)
                steps.Add(new Step($"add route {r} in {full(n.Name)}", () =>
                {
                    var c = Ctx(n.Name);
                    var link = r.Adapter is null ? null : AdapterService.Require(c, r.Adapter);
                    RouteService.AddRoute(c, r.Destination, r.Length, r.Gateway, link, r.Metric, Rta.TABLE_MAIN);
                }));
        foreach (var n in def.Namespaces.Where(n => n.Masquerade.Count > 0 || n.PortForwards.Count > 0))
            steps.Add(new Step($"NAT in {full(n.Name)} (nf_tables table inet {NatService.TableName}: {NatSummary(n)})", () =>
                NatService.Apply(Ctx(n.Name), n.Masquerade.Select(a => MasqueradeSpec(a)).ToList(), n.PortForwards,
                    $"set up NAT for lab '{def.Name}'", full(n.Name))));
        return steps;
    }

    /// <summary>How many namespaces one creation step of a large lab (more than this many) makes.</summary>
    private const int CreateBatch = 64;

    /// <summary>Creates <paramref name="names"/> on the creator threads; the first refusal (in order) is thrown once all are done.</summary>
    private static void CreateNamespaces(List<string> names)
    {
        if (names.Count == 1) { NamespaceStore.Create(names[0]); return; }
        using var creator = new NamespaceCreator(NamespaceCreator.DefaultThreads);
        foreach (var n in names) creator.Submit(n);
        creator.Complete();
        NetnsException? first = null;
        foreach (var r in creator.TakeResults(wait: true)) first ??= r.Error;
        if (first is not null) throw first;
    }

    private static string NatSummary(LabNamespace n) => string.Join(", ",
        n.Masquerade.Select(a => $"masquerade on {a}").Concat(n.PortForwards.Select(f => $"forward {f}")));

    /// <summary>The NAT a lab's Masquerade = 'ADAPTER' makes: masquerade of everything leaving through the adapter, named after it.</summary>
    public static NatSpec MasqueradeSpec(string adapter) => new($"masquerade {adapter}", adapter);
}
