using System.Collections;
using System.Net;
using System.Text.Json;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Shaping;

namespace NetnsPS.Core.Labs;

/// <summary>
/// One end of a lab link: a namespace of the lab (or "" for the host), the adapter's name there, its addresses, or the
/// bridge of that namespace it becomes a port of (then it has no addresses of its own).
/// </summary>
public sealed record LabEndpoint(string Namespace, string Adapter, IReadOnlyList<(IPAddress Address, int Length)> Addresses, string? Bridge = null)
{
    public bool IsHost => Namespace.Length == 0;

    /// <summary>Shaping of what this end sends, given on the endpoint itself (it replaces the link's for this end).</summary>
    public LinkShaping? Shaping { get; init; }
}

/// <summary>A Linux bridge in a lab namespace (never the host), with its own addresses; link endpoints name it to become its ports.</summary>
public sealed record LabBridge(string Namespace, string Name, IReadOnlyList<(IPAddress Address, int Length)> Addresses);

/// <summary>A veth pair between two endpoints.</summary>
public sealed record LabLink(LabEndpoint A, LabEndpoint B, int? Mtu)
{
    /// <summary>Shaping of both directions (each end's egress): Rate, Delay, Jitter, Loss, Corruption on the link.</summary>
    public LinkShaping? Shaping { get; init; }

    /// <summary>What <paramref name="end"/> sends through: its own shaping, else the link's, else none.</summary>
    public LinkShaping? ShapingOf(LabEndpoint end) => end.Shaping ?? Shaping;
}

/// <summary>A route in a lab namespace: destination prefix, gateway and/or adapter, metric.</summary>
public sealed record LabRoute(IPAddress Destination, int Length, IPAddress? Gateway, string? Adapter, uint? Metric)
{
    public override string ToString() =>
        $"{(Length == 0 ? "default" : IpPrefix.Format(Destination, Length))}{(Gateway is null ? "" : $" via {Gateway}")}{(Adapter is null ? "" : $" dev {Adapter}")}";
}

/// <summary>A namespace of the lab: its short name (the lab's prefix is added), forwarding, routes, masquerading adapters, port forwards.</summary>
public sealed record LabNamespace(string Name, bool Forwarding, IReadOnlyList<LabRoute> Routes, IReadOnlyList<string> Masquerade)
{
    /// <summary>Port forwards into the namespace's netnsps nf_tables table (PortForwards = @(@{ Protocol = 'Tcp'; Port = 8080; To = '10.0.1.2:80' })).</summary>
    public IReadOnlyList<Nat.PortForwardSpec> PortForwards { get; init; } = Array.Empty<Nat.PortForwardSpec>();
}

/// <summary>
/// A lab topology, read from a hashtable (a .psd1 file or inline) or a JSON file. Shape:
/// <code>
/// @{ Name = 'lab'; Namespaces = @( @{ Name = 'client'; Routes = @(@{ Destination = 'default'; Gateway = '10.0.1.1' }) }
///                                  @{ Name = 'router'; Forwarding = $true; Masquerade = 'wan0'
///                                     PortForwards = @(@{ Protocol = 'Tcp'; Port = 8080; To = '10.0.1.2:80' }) } )
///    Bridges = @( @{ Namespace = 'router'; Name = 'br0'; Address = '10.0.2.1/24' } )
///    Links = @( @{ Endpoints = @( @{ Namespace = 'client'; Adapter = 'eth0'; Address = '10.0.1.2/24' }
///                                 @{ Namespace = 'router'; Adapter = 'lan0'; Address = '10.0.1.1/24' } ) }
///               @{ Endpoints = @( @{ Namespace = 'client'; Adapter = 'eth1'; Address = '10.0.2.2/24' }
///                                 @{ Namespace = 'router'; Adapter = 'p1'; Bridge = 'br0' } ) } ) }
/// </code>
/// Everything is validated before anything is made; errors name the offending key as it was written (InvalidLabDefinition).
/// Keys that say what a cmdlet parameter says take the parameter's name or the short name of 0.1 (see <see cref="KeyNames"/>):
/// routes DestinationPrefix/Destination, NextHop/Gateway, InterfaceAlias/Adapter, RouteMetric/Metric; endpoints
/// InterfaceAlias/Adapter and IPAddress/Address; bridges IPAddress/Address; port forwards ExternalPort/Port and
/// ExternalIPAddress/Address. <see cref="ToData"/> writes the short names, so state files and NetLab.Definition read as before.
/// </summary>
public sealed class LabDefinition
{
    public string Name { get; private init; } = "lab";
    public IReadOnlyList<LabNamespace> Namespaces { get; private init; } = Array.Empty<LabNamespace>();
    public IReadOnlyList<LabLink> Links { get; private init; } = Array.Empty<LabLink>();
    public IReadOnlyList<LabBridge> Bridges { get; private init; } = Array.Empty<LabBridge>();

    // One key, two spellings: the cmdlet parameter's name first (New-NetNamespaceRoute -DestinationPrefix...), then the
    // short name the definition had before (kept as an alias). Giving both in one hashtable is an error.
    private static readonly string[] DestinationKey = { "DestinationPrefix", "Destination" };
    private static readonly string[] NextHopKey = { "NextHop", "Gateway" };
    private static readonly string[] InterfaceAliasKey = { "InterfaceAlias", "Adapter" };
    private static readonly string[] RouteMetricKey = { "RouteMetric", "Metric" };
    private static readonly string[] IPAddressKey = { "IPAddress", "Address" };
    private static readonly string[] ExternalPortKey = { "ExternalPort", "Port" };
    private static readonly string[] ExternalIPAddressKey = { "ExternalIPAddress", "Address" };

    /// <summary>Every key with two spellings: (the cmdlets' parameter name, the short alias), per section.</summary>
    public static IReadOnlyList<(string Section, string Name, string Alias)> KeyNames { get; } = new[]
    {
        ("Routes", DestinationKey[0], DestinationKey[1]), ("Routes", NextHopKey[0], NextHopKey[1]),
        ("Routes", InterfaceAliasKey[0], InterfaceAliasKey[1]), ("Routes", RouteMetricKey[0], RouteMetricKey[1]),
        ("Endpoints", InterfaceAliasKey[0], InterfaceAliasKey[1]), ("Endpoints", IPAddressKey[0], IPAddressKey[1]),
        ("Bridges", IPAddressKey[0], IPAddressKey[1]),
        ("PortForwards", ExternalPortKey[0], ExternalPortKey[1]), ("PortForwards", ExternalIPAddressKey[0], ExternalIPAddressKey[1]),
    };

    /// <summary>The definition as plain data again (for the lab's state file and for display).</summary>
    public Dictionary<string, object?> ToData() => new()
    {
        ["Name"] = Name,
        ["Namespaces"] = Namespaces.Select(n => new Dictionary<string, object?>
        {
            ["Name"] = n.Name,
            ["Forwarding"] = n.Forwarding,
            ["Routes"] = n.Routes.Select(r => new Dictionary<string, object?>
            {
                ["Destination"] = IpPrefix.Format(r.Destination, r.Length),
                ["Gateway"] = r.Gateway?.ToString(),
                ["Adapter"] = r.Adapter,
                ["Metric"] = r.Metric,
            }).ToList(),
            ["Masquerade"] = n.Masquerade.ToList(),
            ["PortForwards"] = n.PortForwards.Select(f => new Dictionary<string, object?>
            {
                ["Protocol"] = Nat.PortForwardSpec.ProtocolName(f.Protocol),
                ["Port"] = f.ExternalPort,
                ["To"] = FormatEndpoint(f.Internal, f.InternalPort),
                ["Address"] = f.External?.ToString(),
            }).ToList(),
        }).ToList(),
        ["Bridges"] = Bridges.Select(b => new Dictionary<string, object?>
        {
            ["Namespace"] = b.Namespace,
            ["Name"] = b.Name,
            ["Address"] = b.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)).ToList(),
        }).ToList(),
        ["Links"] = Links.Select(l =>
        {
            var ld = new Dictionary<string, object?>
            {
                ["Mtu"] = l.Mtu,
                ["Endpoints"] = new[] { l.A, l.B }.Select(e =>
                {
                    var d = new Dictionary<string, object?>
                    {
                        ["Namespace"] = e.Namespace,
                        ["Adapter"] = e.Adapter,
                        ["Address"] = e.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)).ToList(),
                    };
                    if (e.Bridge is not null) d["Bridge"] = e.Bridge;
                    AddShaping(d, e.Shaping);
                    return d;
                }).ToList(),
            };
            AddShaping(ld, l.Shaping);
            return ld;
        }).ToList(),
    };

    /// <summary>The shaping keys of a link or endpoint, as a definition writes them (Rate '10Mbit', Delay '100ms', Loss 1).</summary>
    private static void AddShaping(Dictionary<string, object?> d, LinkShaping? s)
    {
        if (s is null) return;
        static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms";
        if (s.Rate is ulong r) d["Rate"] = TcUnits.FormatRate(r);
        if (s.Delay is TimeSpan dl) d["Delay"] = Ms(dl);
        if (s.Jitter is TimeSpan j) d["Jitter"] = Ms(j);
        if (s.Loss is double lo) d["Loss"] = lo;
        if (s.Corruption is double c) d["Corruption"] = c;
    }

    /// <summary>Reads a JSON file's text into the plain shape <see cref="Parse"/> takes.</summary>
    public static object? FromJson(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return Convert(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw Invalid(source, $"not valid JSON: {ex.Message}");
        }

        static object? Convert(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value), StringComparer.OrdinalIgnoreCase),
            JsonValueKind.Array => e.EnumerateArray().Select(Convert).ToList(),
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };
    }

    /// <summary>Validates and reads a definition; <paramref name="unwrap"/> turns host objects (e.g. PSObject) into their base value.</summary>
    public static LabDefinition Parse(object? data, Func<object?, object?>? unwrap = null)
    {
        unwrap ??= o => o;
        var root = Map(unwrap(data), "definition", unwrap);
        CheckKeys(root, "definition", "Name", "Namespaces", "Bridges", "Links");
        var name = Str(root, "Name", "definition", unwrap) ?? "lab";
        if (name.Length == 0 || name.Contains('/') || name.Any(char.IsWhiteSpace))
            throw Invalid("Name", $"'{name}' is not a usable lab name (no '/', no spaces).");

        var namespaces = ParseNamespaces(root, unwrap);
        var nsNames = namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        // Bridges before links: endpoints name them. A bridge's name is an adapter name of its namespace like any other.
        var adapters = new HashSet<(string, string)>();
        var bridges = ParseBridges(root, nsNames, adapters, unwrap);
        var links = ParseLinks(root, nsNames, bridges, adapters, unwrap);
        CheckAdapterReferences(namespaces, adapters);
        return new LabDefinition { Name = name, Namespaces = namespaces, Links = links, Bridges = bridges };
    }

    /// <summary>Namespaces = @('a', @{ Name = 'b'; Forwarding; Routes; Masquerade; PortForwards }): names unique.</summary>
    private static List<LabNamespace> ParseNamespaces(IDictionary<string, object?> root, Func<object?, object?> unwrap)
    {
        var namespaces = new List<LabNamespace>();
        var nsNames = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var item in List(root, "Namespaces", "definition", unwrap))
        {
            var where = $"Namespaces[{i++}]";
            var m = item is string s ? new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Name"] = s } : Map(item, where, unwrap);
            CheckKeys(m, where, "Name", "Forwarding", "Routes", "Masquerade", "PortForwards");
            var n = Str(m, "Name", where, unwrap) ?? throw Invalid(where, "has no Name.");
            try { NamespaceStore.ValidateName(n); }
            catch (NetnsException ex) { throw Invalid($"{where}.Name", ex.Message); }
            if (!nsNames.Add(n)) throw Invalid($"{where}.Name", $"namespace '{n}' is defined twice.");
            var routes = new List<LabRoute>();
            int r = 0;
            foreach (var ri in List(m, "Routes", where, unwrap))
                routes.Add(ParseRoute(ri, $"{where}.Routes[{r++}]", unwrap));
            var masq = List(m, "Masquerade", where, unwrap).Select(x => unwrap(x)?.ToString() ?? "").ToList();
            foreach (var a in masq)
                try { Netlink.Rtnl.Links.ValidateName(a); }
                catch (NetnsException ex) { throw Invalid($"{where}.Masquerade", ex.Message); }
            bool fwd = m.TryGetValue("Forwarding", out var fv) && unwrap(fv) is { } fo && Number(() => System.Convert.ToBoolean(fo), $"{where}.Forwarding", fo, "$true or $false");
            var forwards = new List<Nat.PortForwardSpec>();
            int pf = 0;
            foreach (var fi in List(m, "PortForwards", where, unwrap))
                forwards.Add(ParsePortForward(fi, $"{where}.PortForwards[{pf++}]", forwards, unwrap));
            namespaces.Add(new LabNamespace(n, fwd, routes, masq) { PortForwards = forwards });
        }
        return namespaces;
    }

    /// <summary>@{ DestinationPrefix = 'default'; NextHop; InterfaceAlias; RouteMetric } (or Destination, Gateway, Adapter, Metric): a gateway or an adapter, one family.</summary>
    private static LabRoute ParseRoute(object? item, string rw, Func<object?, object?> unwrap)
    {
        var rm = Map(item, rw, unwrap);
        CheckKeys(rm, rw, Array.Empty<string>(), DestinationKey, NextHopKey, InterfaceAliasKey, RouteMetricKey);
        var dstKey = Spelling(rm, rw, DestinationKey);
        var gwKey = Spelling(rm, rw, NextHopKey);
        var adapterKey = Spelling(rm, rw, InterfaceAliasKey);
        var metricKey = Spelling(rm, rw, RouteMetricKey);
        var dst = Str(rm, dstKey, rw, unwrap) ?? "default";
        var gwText = Str(rm, gwKey, rw, unwrap);
        IPAddress? gw = null;
        if (gwText is not null) gw = Try(() => IpPrefix.ParseAddress(gwText, "gateway"), $"{rw}.{gwKey}");
        var family = gw is null ? NetAddressFamily.IPv4 : IpPrefix.Family(gw);
        var (da, dl) = dst.Equals("default", StringComparison.OrdinalIgnoreCase)
            ? (family == NetAddressFamily.IPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0)
            : Try(() => IpPrefix.ParsePrefix(dst, family), $"{rw}.{dstKey}");
        var adapter = Str(rm, adapterKey, rw, unwrap);
        if (gw is null && adapter is null) throw Invalid(rw, "needs a NextHop (Gateway) or an InterfaceAlias (Adapter).");
        if (gw is not null && Af.Of(gw) != Af.Of(da)) throw Invalid(rw, $"gateway {gw} and destination {dst} are of different address families.");
        uint? metric = rm.TryGetValue(metricKey, out var mv) && unwrap(mv) is { } mo ? Number(() => System.Convert.ToUInt32(mo), $"{rw}.{metricKey}", mo, "a number from 0 to 4294967295") : null;
        return new LabRoute(da, dl, gw, adapter, metric);
    }

    /// <summary>@{ Protocol = 'Tcp'; ExternalPort (Port) = 8080; To = '10.0.1.2:80'; ExternalIPAddress (Address) }: valid, and not a repeat of one in <paramref name="earlier"/>.</summary>
    private static Nat.PortForwardSpec ParsePortForward(object? item, string fw, List<Nat.PortForwardSpec> earlier, Func<object?, object?> unwrap)
    {
        var fm = Map(item, fw, unwrap);
        CheckKeys(fm, fw, new[] { "Protocol", "To" }, ExternalPortKey, ExternalIPAddressKey);
        var portKey = Spelling(fm, fw, ExternalPortKey);
        var extKey = Spelling(fm, fw, ExternalIPAddressKey);
        var proto = Try(() => Nat.PortForwardSpec.ParseProtocol(Str(fm, "Protocol", fw, unwrap) ?? "Tcp"), $"{fw}.Protocol");
        int port = fm.TryGetValue(portKey, out var pv) && unwrap(pv) is { } po
            ? Number(() => System.Convert.ToInt32(po), $"{fw}.{portKey}", po, "a port from 1 to 65535")
            : throw Invalid(fw, "has no ExternalPort (Port).");
        var to = Str(fm, "To", fw, unwrap) ?? throw Invalid(fw, "has no To (the internal address and port, e.g. '10.0.1.2:80').");
        var (toAddr, toPort) = Try(() => ParseEndpoint(to, port), $"{fw}.To");
        var extText = Str(fm, extKey, fw, unwrap);
        var ext = extText is null ? null : Try(() => IpPrefix.ParseAddress(extText, "external address"), $"{fw}.{extKey}");
        var spec = new Nat.PortForwardSpec(proto, ext, port, toAddr, toPort);
        Try(() => { Nat.NatService.Validate(spec); return 0; }, fw);
        if (earlier.Any(f => f.Protocol == proto && f.ExternalPort == port && Equals(f.External, ext) && Af.Of(f.Internal) == Af.Of(toAddr)))
            throw Invalid(fw, $"{Nat.PortForwardSpec.ProtocolName(proto)} port {port} is forwarded twice.");
        return spec;
    }

    /// <summary>Bridges = @(@{ Namespace; Name; IPAddress (Address) }): in a lab namespace, names unique there (added to <paramref name="adapters"/>).</summary>
    private static List<LabBridge> ParseBridges(IDictionary<string, object?> root, HashSet<string> nsNames,
        HashSet<(string, string)> adapters, Func<object?, object?> unwrap)
    {
        var bridges = new List<LabBridge>();
        int i = 0;
        foreach (var item in List(root, "Bridges", "definition", unwrap))
        {
            var where = $"Bridges[{i++}]";
            var m = Map(item, where, unwrap);
            CheckKeys(m, where, new[] { "Namespace", "Name" }, IPAddressKey);
            var ns = Str(m, "Namespace", where, unwrap) ?? "";
            if (ns.Length == 0)
                throw Invalid($"{where}.Namespace", "a bridge is made in one of the lab's namespaces, never in the host ('' or no Namespace).");
            if (!nsNames.Contains(ns))
                throw Invalid($"{where}.Namespace", $"'{ns}' is not one of the lab's namespaces ({string.Join(", ", nsNames)}).");
            var bn = Str(m, "Name", where, unwrap) ?? throw Invalid(where, "has no Name.");
            try { Netlink.Rtnl.Links.ValidateName(bn, "bridge name"); }
            catch (NetnsException ex) { throw Invalid($"{where}.Name", ex.Message); }
            if (!adapters.Add((ns, bn))) throw Invalid($"{where}.Name", $"bridge '{bn}' is defined twice in namespace '{ns}'.");
            bridges.Add(new LabBridge(ns, bn, ParseAddresses(m, where, unwrap)));
        }
        return bridges;
    }

    /// <summary>
    /// Links = @(@{ Endpoints = @(@{ Namespace; InterfaceAlias (Adapter); IPAddress (Address); Bridge }, @{...}); Mtu }): adapter names unique per
    /// namespace (added to <paramref name="adapters"/>), bridge ports without addresses, no loop of bridges.
    /// </summary>
    private static List<LabLink> ParseLinks(IDictionary<string, object?> root, HashSet<string> nsNames, List<LabBridge> bridges,
        HashSet<(string, string)> adapters, Func<object?, object?> unwrap)
    {
        var bridgeNames = bridges.Select(b => (b.Namespace, b.Name)).ToHashSet();

        // Bridges joined by links whose both ends are ports: a link between two already joined bridges closes a loop,
        // and without spanning tree a broadcast would circle in it forever.
        var joined = bridges.ToDictionary(b => (b.Namespace, b.Name), b => (b.Namespace, b.Name));
        (string, string) Root((string, string) b) { while (joined[b] != b) b = joined[b] = joined[joined[b]]; return b; }

        var links = new List<LabLink>();
        int i = 0;
        foreach (var item in List(root, "Links", "definition", unwrap))
        {
            var where = $"Links[{i++}]";
            var m = Map(item, where, unwrap);
            CheckKeys(m, where, "Endpoints", "Mtu", "Rate", "Delay", "Jitter", "Loss", "Corruption");
            var eps = List(m, "Endpoints", where, unwrap).ToList();
            if (eps.Count != 2) throw Invalid($"{where}.Endpoints", $"a link has exactly two endpoints ({eps.Count} given).");
            var ends = new LabEndpoint[2];
            for (int k = 0; k < 2; k++)
                ends[k] = ParseLinkEnd(eps[k], $"{where}.Endpoints[{k}]", nsNames, bridges, bridgeNames, adapters, unwrap);
            if (ends[0].Bridge is string b0 && ends[1].Bridge is string b1)
            {
                var (r0, r1) = (Root((ends[0].Namespace, b0)), Root((ends[1].Namespace, b1)));
                if (r0 == r1)
                    throw Invalid($"{where}.Endpoints", $"both ends join bridges ('{b0}' in '{ends[0].Namespace}', '{b1}' in '{ends[1].Namespace}') that are already one segment: the link would close a loop (no spanning tree).");
                joined[r0] = r1;
            }
            int? mtu = m.TryGetValue("Mtu", out var mt) && unwrap(mt) is { } mo2 ? Number(() => System.Convert.ToInt32(mo2), $"{where}.Mtu", mo2, "a number") : null;
            links.Add(new LabLink(ends[0], ends[1], mtu) { Shaping = ShapingOf(m, where, unwrap) });
        }
        return links;
    }

    private static LabEndpoint ParseLinkEnd(object? item, string ew, HashSet<string> nsNames, List<LabBridge> bridges,
        HashSet<(string Namespace, string Name)> bridgeNames, HashSet<(string, string)> adapters, Func<object?, object?> unwrap)
    {
        var em = Map(item, ew, unwrap);
        CheckKeys(em, ew, new[] { "Namespace", "Bridge", "Rate", "Delay", "Jitter", "Loss", "Corruption" }, InterfaceAliasKey, IPAddressKey);
        var adKey = Spelling(em, ew, InterfaceAliasKey);
        var ns = Str(em, "Namespace", ew, unwrap) ?? "";
        if (ns.Length > 0 && !nsNames.Contains(ns))
            throw Invalid($"{ew}.Namespace", $"'{ns}' is not one of the lab's namespaces ({string.Join(", ", nsNames)}); use '' for the host.");
        var ad = Str(em, adKey, ew, unwrap) ?? throw Invalid(ew, "has no InterfaceAlias (Adapter).");
        try { Netlink.Rtnl.Links.ValidateName(ad); }
        catch (NetnsException ex) { throw Invalid($"{ew}.{adKey}", ex.Message); }
        if (!adapters.Add((ns, ad)))
            throw Invalid($"{ew}.{adKey}", bridgeNames.Contains((ns, ad))
                ? $"'{ad}' is the name of a bridge in namespace '{ns}'."
                : $"adapter '{ad}' appears twice in namespace '{(ns.Length == 0 ? "(host)" : ns)}'.");
        var addrs = ParseAddresses(em, ew, unwrap);
        var br = Str(em, "Bridge", ew, unwrap);
        if (br is not null)
        {
            if (ns.Length == 0)
                throw Invalid($"{ew}.Bridge", $"the host end of a link cannot join a bridge (bridges live in lab namespaces; no bridge '{br}' in the host).");
            if (!bridgeNames.Contains((ns, br)))
                throw Invalid($"{ew}.Bridge", $"no bridge '{br}' in namespace '{ns}' (bridges there: {string.Join(", ", bridges.Where(b => b.Namespace == ns).Select(b => b.Name).DefaultIfEmpty("none"))}).");
            if (addrs.Count > 0)
                throw Invalid($"{ew}.Bridge", $"a bridge port has no addresses of its own: put {string.Join(", ", addrs.Select(a => IpPrefix.Format(a.Address, a.Length)))} on bridge '{br}' (Bridges) or drop the endpoint's {Spelling(em, ew, IPAddressKey)}.");
        }
        return new LabEndpoint(ns, ad, addrs, br) { Shaping = ShapingOf(em, ew, unwrap) };
    }

    /// <summary>Rate '10Mbit', Delay '100ms', Jitter '10ms', Loss 1, Corruption 0.1 (percent) on a link or one endpoint; null when none is given.</summary>
    private static LinkShaping? ShapingOf(IDictionary<string, object?> m, string where, Func<object?, object?> unwrap)
    {
        string? Text(string key) => Str(m, key, where, unwrap);
        double? Percent(string key) => m.TryGetValue(key, out var v) && unwrap(v) is { } o
            ? Number(() => System.Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture), $"{where}.{key}", o, "a percentage")
            : null;
        var s = Try(() => LinkShaping.FromText(Text("Rate"), delay: Text("Delay"), jitter: Text("Jitter"), loss: Percent("Loss"), corruption: Percent("Corruption")), where);
        if (s.IsEmpty) return null;
        Try(() => { s.Validate(where); return 0; }, where);
        return s;
    }

    /// <summary>Masquerade and route adapters name an endpoint or a bridge of their namespace.</summary>
    private static void CheckAdapterReferences(List<LabNamespace> namespaces, HashSet<(string, string)> adapters)
    {
        foreach (var ns in namespaces)
        {
            foreach (var a in ns.Masquerade)
                if (!adapters.Contains((ns.Name, a)))
                    throw Invalid($"Namespaces '{ns.Name}'.Masquerade", $"adapter '{a}' is not an endpoint of a link or a bridge in '{ns.Name}'.");
            foreach (var r in ns.Routes)
                if (r.Adapter is not null && !adapters.Contains((ns.Name, r.Adapter)))
                    throw Invalid($"Namespaces '{ns.Name}'.Routes", $"adapter '{r.Adapter}' of route {r} is not an endpoint of a link or a bridge in '{ns.Name}'.");
        }
    }

    /// <summary>IPAddress (or Address) = '10.0.1.1/24' or a list of them: each with a prefix length.</summary>
    private static List<(IPAddress Address, int Length)> ParseAddresses(IDictionary<string, object?> m, string where, Func<object?, object?> unwrap)
    {
        var key = Spelling(m, where, IPAddressKey);
        var addrs = List(m, key, where, unwrap)
            .Select(a => unwrap(a)?.ToString() ?? "")
            .Select(a => Try(() => IpPrefix.ParsePrefix(a, a.Contains(':') ? NetAddressFamily.IPv6 : NetAddressFamily.IPv4, network: false), $"{where}.{key}"))
            .Select(p => (p.Address, p.Length)).ToList();
        foreach (var (addr, len) in addrs)
            if (len == Af.Bits(Af.Of(addr)) || len == 0)
                throw Invalid($"{where}.{key}", $"{IpPrefix.Format(addr, len)} needs a prefix length (e.g. /24).");
        return addrs;
    }

    /// <summary>A converted scalar (Metric, Mtu, Forwarding); a value that does not convert is InvalidLabDefinition, not a .NET exception.</summary>
    private static T Number<T>(Func<T> convert, string where, object value, string expected)
    {
        try { return convert(); }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            throw Invalid(where, $"'{value}' is not {expected}.");
        }
    }

    private static T Try<T>(Func<T> f, string where)
    {
        try { return f(); }
        catch (NetnsException ex) { throw Invalid(where, ex.Message); }
    }

    /// <summary>"10.0.1.2:80", "[fd00::2]:80", or an address alone (then <paramref name="defaultPort"/>).</summary>
    public static (IPAddress Address, int Port) ParseEndpoint(string text, int defaultPort)
    {
        var t = text.Trim();
        string host = t, port = "";
        if (t.StartsWith('['))
        {
            int close = t.IndexOf(']');
            if (close < 0) throw new NetnsException(ErrorIds.InvalidIPAddress, Errno.EINVAL, $"Invalid address and port '{text}': no ']'.", text);
            host = t[1..close];
            if (close + 1 < t.Length)
            {
                if (t[close + 1] != ':') throw new NetnsException(ErrorIds.InvalidIPAddress, Errno.EINVAL, $"Invalid address and port '{text}'.", text);
                port = t[(close + 2)..];
            }
        }
        else if (t.Count(c => c == ':') == 1)
        {
            host = t[..t.IndexOf(':')];
            port = t[(t.IndexOf(':') + 1)..];
        }
        var addr = IpPrefix.ParseAddress(host, "internal address");
        if (port.Length == 0) return (addr, defaultPort);
        if (!int.TryParse(port, out int p) || p is < 1 or > 65535)
            throw new NetnsException(ErrorIds.InvalidNatArgument, Errno.EINVAL, $"Invalid port '{port}' in '{text}': expected 1 to 65535.", text);
        return (addr, p);
    }

    public static string FormatEndpoint(IPAddress a, int port) =>
        a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]:{port}" : $"{a}:{port}";

    internal static NetnsException Invalid(string where, string message) =>
        new(ErrorIds.InvalidLabDefinition, Errno.EINVAL, $"Lab definition, {where}: {message}", where);

    private static IDictionary<string, object?> Map(object? o, string where, Func<object?, object?> unwrap)
    {
        o = unwrap(o);
        if (o is NetLabDefinition lab) o = lab.Data; // NetLab.Definition: build it again
        if (o is IDictionary d)
        {
            var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in d) result[e.Key.ToString() ?? ""] = e.Value;
            return result;
        }
        throw Invalid(where, $"expected a hashtable, got {(o is null ? "nothing" : o.GetType().Name)}.");
    }

    private static IEnumerable<object?> List(IDictionary<string, object?> m, string key, string where, Func<object?, object?> unwrap)
    {
        if (!m.TryGetValue(key, out var v)) return Array.Empty<object?>();
        v = unwrap(v);
        if (v is null) return Array.Empty<object?>();
        if (v is string || v is IDictionary) return new[] { v };
        if (v is IEnumerable e) return e.Cast<object?>().Select(unwrap).ToList();
        return new[] { v };
    }

    private static string? Str(IDictionary<string, object?> m, string key, string where, Func<object?, object?> unwrap)
    {
        if (!m.TryGetValue(key, out var v)) return null;
        v = unwrap(v);
        return v switch
        {
            null => null,
            string s => s,
            IEnumerable => throw Invalid($"{where}.{key}", "expected one value, got a list."),
            _ => v.ToString(),
        };
    }

    /// <summary>
    /// The key of <paramref name="spellings"/> (a parameter name and its short alias) as the definition wrote it (its own
    /// case), so messages name what the user typed; the first spelling when none is there. Both at once is an error.
    /// </summary>
    private static string Spelling(IDictionary<string, object?> m, string where, string[] spellings)
    {
        var given = m.Keys.Where(k => spellings.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (given.Count > 1)
            throw Invalid(where, $"'{given[0]}' and '{given[1]}' are two names of one key: give one of them.");
        return given.Count == 1 ? given[0] : spellings[0];
    }

    /// <summary>Plain keys and keys with two spellings (a parameter name, its alias), listed as "Name (Alias)" in the message.</summary>
    private static void CheckKeys(IDictionary<string, object?> m, string where, string[] plain, params string[][] spelled)
    {
        foreach (var k in m.Keys)
            if (!plain.Contains(k, StringComparer.OrdinalIgnoreCase) && !spelled.Any(g => g.Contains(k, StringComparer.OrdinalIgnoreCase)))
                throw Invalid(where, $"unknown key '{k}' (allowed: {string.Join(", ", plain.Concat(spelled.Select(g => $"{g[0]} ({g[1]})")))}).");
    }

    private static void CheckKeys(IDictionary<string, object?> m, string where, params string[] allowed)
    {
        foreach (var k in m.Keys)
            if (!allowed.Contains(k, StringComparer.OrdinalIgnoreCase))
                throw Invalid(where, $"unknown key '{k}' (allowed: {string.Join(", ", allowed)}).");
    }
}
