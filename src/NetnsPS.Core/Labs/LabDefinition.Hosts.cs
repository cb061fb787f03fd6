using System.Collections;
using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Labs;

/// <summary>
/// A host of a lab spanning machines: how to reach it over PowerShell remoting (the arguments of New-PSSession
/// -HostName ... -SSHTransport), and its underlay address (the address vxlan tunnels to it use). A host without a
/// HostName is given as a PSSession (New-NetLab -Session), matched by the session's Name or ComputerName.
/// </summary>
public sealed record LabHost(string Name)
{
    public string? HostName { get; init; }
    public string? UserName { get; init; }
    public string? KeyFilePath { get; init; }
    public int? Port { get; init; }
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    /// <summary>The address other hosts send this host's vxlan traffic to: Underlay, else HostName when it is an address.</summary>
    public IPAddress? Underlay { get; init; }
    /// <summary>The network namespace (a name in the host's /run/netns) that holds the underlay address, when it is not the host's own.</summary>
    public string? UnderlayNamespace { get; init; }

    /// <summary>Connection data as a definition writes it (Span.Hosts of a part, so Remove-NetLab can reach every host).</summary>
    public Dictionary<string, object?> ToData()
    {
        var d = new Dictionary<string, object?>();
        if (HostName is not null) d["HostName"] = HostName;
        if (UserName is not null) d["UserName"] = UserName;
        if (KeyFilePath is not null) d["KeyFilePath"] = KeyFilePath;
        if (Port is not null) d["Port"] = Port;
        if (Options.Count > 0) d["Options"] = Options.ToDictionary(o => o.Key, o => (object?)o.Value);
        if (Underlay is not null) d["Underlay"] = Underlay.ToString();
        if (UnderlayNamespace is not null) d["UnderlayNamespace"] = UnderlayNamespace;
        return d;
    }
}

/// <summary>
/// One end of a vxlan link to another host, as a part of a lab builds it: made in the host's own namespace on the
/// underlay (local address <see cref="Local"/>, learning off, the all-zero FDB entry pointing at <see cref="Remote"/>,
/// UDP port <see cref="Port"/>) under the name <see cref="Device"/>, then moved into <see cref="Namespace"/> as
/// <see cref="Adapter"/>, with its addresses or as a port of <see cref="Bridge"/>.
/// </summary>
public sealed record LabTunnel(string Namespace, string Adapter, IReadOnlyList<(IPAddress Address, int Length)> Addresses, string? Bridge,
    uint Vni, IPAddress Local, IPAddress Remote, int Port, int? Mtu)
{
    /// <summary>Where the device is made (the namespace holding <see cref="Local"/>): "" for the host's own namespace.</summary>
    public string UnderlayNamespace { get; init; } = "";

    /// <summary>The name the device has in the host namespace before it is moved (unique per host: the VNI is).</summary>
    public string Device => DeviceName(Vni);

    public static string DeviceName(uint vni) => $"nlvx{vni:x6}";

    public override string ToString() => $"{Namespace}/{Adapter} vxlan {Vni} {Local} -> {Remote}:{Port}";
}

/// <summary>What a part of a spanning lab knows of the whole: the host it is on ("" = the controlling machine) and every host.</summary>
public sealed record LabSpan(string Host, IReadOnlyDictionary<string, LabHost> Hosts);

public sealed partial class LabDefinition
{
    /// <summary>The vxlan UDP port of a spanning lab's tunnels, unless the definition says VxlanPort.</summary>
    public const int DefaultVxlanPort = Adapters.AdapterFactory.DefaultVxlanPort;

    /// <summary>Hosts = @{ h1 = @{ HostName; UserName; KeyFilePath; Port; Options; Underlay } }: where namespaces with Host = 'h1' go.</summary>
    public IReadOnlyDictionary<string, LabHost> Hosts { get; private init; } = new Dictionary<string, LabHost>();

    /// <summary>The local machine's underlay address (Underlay = '192.0.2.100'), for links between it and a host.</summary>
    public IPAddress? Underlay { get; private init; }

    /// <summary>The namespace holding the local machine's underlay address, when it is not the machine's own (UnderlayNamespace = 'ul').</summary>
    public string? UnderlayNamespace { get; private init; }

    public int VxlanPort { get; private init; } = DefaultVxlanPort;

    /// <summary>Vxlan ends (a part of a spanning lab, or a link to a peer outside the lab).</summary>
    public IReadOnlyList<LabTunnel> Tunnels { get; private init; } = Array.Empty<LabTunnel>();

    /// <summary>Set on a part of a spanning lab (what New-NetLab sends each host).</summary>
    public LabSpan? Span { get; private init; }

    /// <summary>True when a namespace is placed on a host other than the local machine.</summary>
    public bool IsSpanning => Namespaces.Any(n => n.Host.Length > 0);

    private static readonly string[] HostKeys = { "HostName", "UserName", "KeyFilePath", "Port", "Options", "Underlay", "UnderlayNamespace" };

    internal static NetnsException InvalidHost(string where, string message) =>
        new(ErrorIds.InvalidLabHost, Errno.EINVAL, $"Lab definition, {where}: {message}", where);

    private static Dictionary<string, LabHost> ParseHosts(IDictionary<string, object?> root, Func<object?, object?> unwrap) =>
        root.TryGetValue("Hosts", out var h) && unwrap(h) is not null ? ParseHostTable(unwrap(h), "Hosts", unwrap) : new Dictionary<string, LabHost>(StringComparer.Ordinal);

    /// <summary>A table of hosts: names (no '/', no spaces, not "" which is the local machine), each a hashtable of <see cref="HostKeys"/>.</summary>
    private static Dictionary<string, LabHost> ParseHostTable(object? table, string where, Func<object?, object?> unwrap)
    {
        if (table is not IDictionary d)
            throw InvalidHost(where, $"expected a hashtable of hosts (@{{ h1 = @{{ HostName = '192.0.2.1'; UserName = 'root' }} }}), got {table?.GetType().Name ?? "nothing"}.");
        var hosts = new Dictionary<string, LabHost>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in d)
        {
            var name = unwrap(e.Key)?.ToString() ?? "";
            var hw = $"{where}.{name}";
            if (name.Length == 0 || name.Contains('/') || name.Any(char.IsWhiteSpace))
                throw InvalidHost(where, $"'{name}' is not a usable host name (not empty, no '/', no spaces).");
            var value = unwrap(e.Value);
            if (value is not IDictionary) throw InvalidHost(hw, $"expected a hashtable (HostName, UserName, KeyFilePath, Port, Options, Underlay), got {value?.GetType().Name ?? "nothing"}.");
            var m = Map(value, hw, unwrap);
            foreach (var k in m.Keys)
                if (!HostKeys.Contains(k, StringComparer.OrdinalIgnoreCase))
                    throw InvalidHost(hw, $"unknown key '{k}' (allowed: {string.Join(", ", HostKeys)}).");
            string? Text(string key)
            {
                try { return Str(m, key, hw, unwrap); }
                catch (NetnsException ex) { throw InvalidHost($"{hw}.{key}", ex.Message); }
            }
            var hostName = Text("HostName");
            if (hostName is { Length: 0 }) throw InvalidHost($"{hw}.HostName", "is empty.");
            int? port = null;
            if (m.TryGetValue("Port", out var pv) && unwrap(pv) is { } po)
            {
                port = Number(() => System.Convert.ToInt32(po), $"{hw}.Port", po, "a port from 1 to 65535");
                if (port is < 1 or > 65535) throw InvalidHost($"{hw}.Port", $"{port} is not a port from 1 to 65535.");
            }
            var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (m.TryGetValue("Options", out var ov) && unwrap(ov) is { } oo)
            {
                if (oo is not IDictionary od) throw InvalidHost($"{hw}.Options", $"expected a hashtable of ssh options (@{{ StrictHostKeyChecking = 'no' }}), got {oo.GetType().Name}.");
                foreach (DictionaryEntry o in od) options[unwrap(o.Key)?.ToString() ?? ""] = unwrap(o.Value)?.ToString() ?? "";
            }
            IPAddress? underlay = null;
            var underlayText = Text("Underlay");
            if (underlayText is not null)
                underlay = IPAddress.TryParse(underlayText, out var u) ? u : throw InvalidHost($"{hw}.Underlay", $"'{underlayText}' is not an IP address.");
            else if (hostName is not null && IPAddress.TryParse(hostName.Trim('[', ']'), out var ha))
                underlay = ha;
            hosts[name] = new LabHost(name)
            {
                HostName = hostName, UserName = Text("UserName"), KeyFilePath = Text("KeyFilePath"), Port = port, Options = options, Underlay = underlay,
                UnderlayNamespace = UnderlayNamespaceOf(Text("UnderlayNamespace"), $"{hw}.UnderlayNamespace"),
            };
        }
        return hosts;
    }

    /// <summary>A namespace's Host: a key of Hosts, or nothing (the local machine).</summary>
    private static string HostOf(IDictionary<string, object?> m, string where, IReadOnlyDictionary<string, LabHost> hosts, Func<object?, object?> unwrap)
    {
        var host = Str(m, "Host", where, unwrap);
        if (string.IsNullOrEmpty(host)) return "";
        if (!hosts.ContainsKey(host))
            throw new NetnsException(ErrorIds.LabHostNotFound, Errno.ENOENT,
                $"Lab definition, {where}.Host: no host '{host}' in Hosts ({(hosts.Count == 0 ? "none defined" : string.Join(", ", hosts.Keys))}).", host);
        return host;
    }

    /// <summary>
    /// Tunnels = @(@{ Namespace; InterfaceAlias (Adapter); IPAddress (Address) or Bridge; Vni; Local; Remote; Port; Mtu }):
    /// one vxlan end each, in a lab namespace, adapter names unique there (added to <paramref name="adapters"/>).
    /// </summary>
    private static List<LabTunnel> ParseTunnels(IDictionary<string, object?> root, HashSet<string> nsNames, List<LabBridge> bridges,
        HashSet<(string, string)> adapters, Func<object?, object?> unwrap)
    {
        int defaultPort = VxlanPortOf(root, unwrap);
        var tunnels = new List<LabTunnel>();
        int i = 0;
        foreach (var item in List(root, "Tunnels", "definition", unwrap))
        {
            var where = $"Tunnels[{i++}]";
            var m = Map(item, where, unwrap);
            CheckKeys(m, where, new[] { "Namespace", "Bridge", "Vni", "Local", "Remote", "Port", "Mtu", "UnderlayNamespace" }, InterfaceAliasKey, IPAddressKey);
            var ns = Str(m, "Namespace", where, unwrap) ?? "";
            if (!nsNames.Contains(ns))
                throw Invalid($"{where}.Namespace", $"'{ns}' is not one of the lab's namespaces ({string.Join(", ", nsNames)}).");
            var adKey = Spelling(m, where, InterfaceAliasKey);
            var ad = Str(m, adKey, where, unwrap) ?? throw Invalid(where, "has no InterfaceAlias (Adapter).");
            try { Netlink.Rtnl.Links.ValidateName(ad); }
            catch (NetnsException ex) { throw Invalid($"{where}.{adKey}", ex.Message); }
            if (!adapters.Add((ns, ad))) throw Invalid($"{where}.{adKey}", $"adapter '{ad}' appears twice in namespace '{ns}'.");
            var addrs = ParseAddresses(m, where, unwrap);
            var br = Str(m, "Bridge", where, unwrap);
            if (br is not null && !bridges.Any(b => b.Namespace == ns && b.Name == br))
                throw Invalid($"{where}.Bridge", $"no bridge '{br}' in namespace '{ns}'.");
            if (br is not null && addrs.Count > 0)
                throw Invalid($"{where}.Bridge", "a bridge port has no addresses of its own.");
            uint vni = m.TryGetValue("Vni", out var vv) && unwrap(vv) is { } vo
                ? Number(() => System.Convert.ToUInt32(vo), $"{where}.Vni", vo, "a VNI from 1 to 16777215")
                : throw Invalid(where, "has no Vni.");
            if (vni is 0 or > 0xFFFFFF) throw Invalid($"{where}.Vni", $"{vni} is not a VNI from 1 to 16777215.");
            IPAddress Address(string key) => Str(m, key, where, unwrap) is string t
                ? Try(() => IpPrefix.ParseAddress(t, key), $"{where}.{key}") : throw Invalid(where, $"has no {key} (underlay address).");
            var (local, remote) = (Address("Local"), Address("Remote"));
            if (local.AddressFamily != remote.AddressFamily) throw Invalid(where, $"Local {local} and Remote {remote} are of different address families.");
            int port = m.TryGetValue("Port", out var pv) && unwrap(pv) is { } po ? Number(() => System.Convert.ToInt32(po), $"{where}.Port", po, "a port") : defaultPort;
            if (port is < 1 or > 65535) throw Invalid($"{where}.Port", $"{port} is not a port from 1 to 65535.");
            int? mtu = m.TryGetValue("Mtu", out var mt) && unwrap(mt) is { } mo ? Number(() => System.Convert.ToInt32(mo), $"{where}.Mtu", mo, "a number") : null;
            if (tunnels.Any(t => t.Vni == vni && t.Port == port))
                throw Invalid($"{where}.Vni", $"VNI {vni} on UDP port {port} is used by two tunnels (the kernel keeps one device per VNI and port).");
            tunnels.Add(new LabTunnel(ns, ad, addrs, br, vni, local, remote, port, mtu)
            {
                UnderlayNamespace = UnderlayNamespaceOf(Str(m, "UnderlayNamespace", where, unwrap), $"{where}.UnderlayNamespace") ?? "",
            });
        }
        return tunnels;
    }

    private static string? UnderlayNamespaceOf(string? name, string where)
    {
        if (string.IsNullOrEmpty(name)) return null;
        try { NamespaceStore.ValidateName(name); }
        catch (NetnsException ex) { throw InvalidHost(where, ex.Message); }
        return name;
    }

    private static int VxlanPortOf(IDictionary<string, object?> root, Func<object?, object?> unwrap)
    {
        if (!root.TryGetValue("VxlanPort", out var v) || unwrap(v) is not { } o) return DefaultVxlanPort;
        int port = Number(() => System.Convert.ToInt32(o), "VxlanPort", o, "a port from 1 to 65535");
        return port is < 1 or > 65535 ? throw Invalid("VxlanPort", $"{port} is not a port from 1 to 65535.") : port;
    }

    /// <summary>Underlay, VxlanPort and Span (the part of a spanning lab), and the checks that need the whole definition.</summary>
    private static LabDefinition ParseSpan(LabDefinition def, IDictionary<string, object?> root, Func<object?, object?> unwrap)
    {
        IPAddress? underlay = null;
        if (Str(root, "Underlay", "definition", unwrap) is string u)
            underlay = IPAddress.TryParse(u, out var a) ? a : throw InvalidHost("Underlay", $"'{u}' is not an IP address.");
        LabSpan? span = null;
        if (root.TryGetValue("Span", out var sv) && unwrap(sv) is { } so)
        {
            var sm = Map(so, "Span", unwrap);
            CheckKeys(sm, "Span", "Host", "Hosts");
            var hosts = sm.TryGetValue("Hosts", out var hv) && unwrap(hv) is { } ho ? ParseHostTable(ho, "Span.Hosts", unwrap) : new Dictionary<string, LabHost>();
            span = new LabSpan(Str(sm, "Host", "Span", unwrap) ?? "", hosts);
        }
        if (span is not null && def.Hosts.Count > 0)
            throw Invalid("Span", "a part of a spanning lab (Span) names no Hosts of its own.");
        return new LabDefinition
        {
            Name = def.Name, Namespaces = def.Namespaces, Links = def.Links, Bridges = def.Bridges, Tunnels = def.Tunnels, Hosts = def.Hosts,
            Underlay = underlay, VxlanPort = VxlanPortOf(root, unwrap), Span = span,
            UnderlayNamespace = UnderlayNamespaceOf(Str(root, "UnderlayNamespace", "definition", unwrap), "UnderlayNamespace"),
        };
    }

    /// <summary>The keys of a spanning lab in <see cref="ToData"/>: only those given, so a local lab's data reads as before.</summary>
    private void AddSpanData(Dictionary<string, object?> data)
    {
        if (IsSpanning && data["Namespaces"] is IEnumerable<Dictionary<string, object?>> nsData)
            foreach (var (d, n) in nsData.Zip(Namespaces))
                if (n.Host.Length > 0) d["Host"] = n.Host;
        if (Hosts.Count > 0) data["Hosts"] = Hosts.ToDictionary(h => h.Key, h => (object?)h.Value.ToData());
        if (Underlay is not null) data["Underlay"] = Underlay.ToString();
        if (UnderlayNamespace is not null) data["UnderlayNamespace"] = UnderlayNamespace;
        if (VxlanPort != DefaultVxlanPort) data["VxlanPort"] = VxlanPort;
        if (Tunnels.Count > 0)
            data["Tunnels"] = Tunnels.Select(t =>
            {
                var d = new Dictionary<string, object?>
                {
                    ["Namespace"] = t.Namespace, ["Adapter"] = t.Adapter,
                    ["Address"] = t.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)).ToList(),
                    ["Vni"] = t.Vni, ["Local"] = t.Local.ToString(), ["Remote"] = t.Remote.ToString(), ["Port"] = t.Port, ["Mtu"] = t.Mtu,
                };
                if (t.Bridge is not null) d["Bridge"] = t.Bridge;
                if (t.UnderlayNamespace.Length > 0) d["UnderlayNamespace"] = t.UnderlayNamespace;
                return d;
            }).ToList();
        if (Span is not null)
            data["Span"] = new Dictionary<string, object?>
            {
                ["Host"] = Span.Host,
                ["Hosts"] = Span.Hosts.ToDictionary(h => h.Key, h => (object?)h.Value.ToData()),
            };
    }

    /// <summary>A copy with <paramref name="hosts"/> in place of the entries of the same names (completed from their sessions).</summary>
    public LabDefinition WithHosts(IReadOnlyDictionary<string, LabHost> hosts) => new()
    {
        Name = Name, Namespaces = Namespaces, Links = Links, Bridges = Bridges, Tunnels = Tunnels, Underlay = Underlay,
        UnderlayNamespace = UnderlayNamespace, VxlanPort = VxlanPort, Span = Span,
        Hosts = Hosts.ToDictionary(h => h.Key, h => hosts.TryGetValue(h.Key, out var given) ? given : h.Value, StringComparer.Ordinal),
    };

    /// <summary>A copy of this definition with other parts (what the planner makes of one host's share).</summary>
    internal static LabDefinition Part(string name, IReadOnlyList<LabNamespace> namespaces, IReadOnlyList<LabBridge> bridges,
        IReadOnlyList<LabLink> links, IReadOnlyList<LabTunnel> tunnels, int vxlanPort, LabSpan span) => new()
    {
        Name = name, Namespaces = namespaces, Bridges = bridges, Links = links, Tunnels = tunnels, VxlanPort = vxlanPort, Span = span,
    };
}
