using System.Text.Json;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Nat;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Labs;

/// <summary>
/// Builds a <see cref="LabDefinition"/> in dependency order (namespaces, loopback, forwarding, bridges, links, bridge
/// ports, addresses, link state, routes, NAT) and removes labs. A state file under /run/netnsps/labs, written before
/// the first step, marks the lab and lists what it is made of, so that a lab interrupted at any point can still be
/// removed completely.
/// On a failed step everything made so far is removed and the step is named in the error.
/// </summary>
public static class LabBuilder
{
    public const string StateDir = "/run/netnsps/labs";

    /// <summary>The longest prefix that still leaves room for namespace names (NAME_MAX).</summary>
    public const int MaxPrefixBytes = 64;

    public static void ValidatePrefix(string prefix)
    {
        if (prefix.Length == 0 || prefix.Contains('/') || prefix.Contains('\0') || prefix is "." or ".." ||
            System.Text.Encoding.UTF8.GetByteCount(prefix) > MaxPrefixBytes || prefix.Any(char.IsWhiteSpace))
            throw new NetnsException("InvalidLabPrefix", Errno.EINVAL,
                $"'{prefix}' is not a usable lab prefix (1-{MaxPrefixBytes} bytes, no '/', no spaces).", prefix);
    }

    public static string StatePathOf(string prefix) => Path.Combine(StateDir, Uri.EscapeDataString(prefix) + ".json");

    /// <summary>A step of the build: what it does, and the work.</summary>
    private sealed record Step(string Description, Action Run);

    /// <summary>Builds the lab; <paramref name="progress"/> gets (step number, total, description) before each step.</summary>
    public static NetLab Build(LabDefinition def, string prefix, Action<int, int, string>? progress = null)
    {
        ValidatePrefix(prefix);
        string Full(string shortName) => shortName.Length == 0 ? "" : prefix + shortName;
        string HostAdapter(string name) => prefix + name;

        // Names first: everything the lab will make, validated before anything exists.
        var nsNames = def.Namespaces.Select(n => Full(n.Name)).ToArray();
        foreach (var n in nsNames)
            try { NamespaceStore.ValidateName(n); }
            catch (NetnsException ex) { throw LabDefinition.Invalid("Namespaces", $"with prefix '{prefix}': {ex.Message}"); }
        var hostAdapters = new List<string>();
        foreach (var l in def.Links)
            foreach (var e in new[] { l.A, l.B })
                if (e.IsHost)
                {
                    var full = HostAdapter(e.Adapter);
                    try { Netlink.Rtnl.Links.ValidateName(full, "host adapter name"); }
                    catch (NetnsException ex) { throw LabDefinition.Invalid("Links", $"host end '{e.Adapter}' becomes '{full}' with the prefix: {ex.Message} Use a shorter prefix or adapter name."); }
                    hostAdapters.Add(full);
                }
        foreach (var n in nsNames)
            if (NamespaceStore.Find(n) is not null)
                throw new NetnsException("NamespaceAlreadyExists", Errno.EEXIST,
                    $"Cannot build lab '{def.Name}': namespace '{n}' already exists (another lab with prefix '{prefix}'? Remove-NetLab -Prefix '{prefix}').", n);
        var statePath = StatePathOf(prefix);
        if (File.Exists(statePath))
            throw new NetnsException("NetLabAlreadyExists", Errno.EEXIST,
                $"A lab with prefix '{prefix}' already exists ({statePath}); remove it first (Remove-NetLab -Prefix '{prefix}') or choose another -Prefix.", prefix);

        var created = DateTime.Now;
        var lab = new NetLab
        {
            Name = def.Name,
            Prefix = prefix,
            Namespaces = nsNames,
            NamespaceMap = def.Namespaces.ToDictionary(n => n.Name, n => Full(n.Name), StringComparer.Ordinal),
            HostAdapters = hostAdapters.ToArray(),
            Links = def.Links.Select(l => new NetLabLink { A = Endpoint(l.A), B = Endpoint(l.B) }).ToArray(),
            Bridges = def.Bridges.Select(b => new NetLabBridge
            {
                Namespace = Full(b.Namespace),
                Name = b.Name,
                Addresses = b.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)).ToArray(),
                Ports = def.Links.SelectMany(l => new[] { l.A, l.B }).Where(e => e.Namespace == b.Namespace && e.Bridge == b.Name).Select(e => e.Adapter).ToArray(),
            }).ToArray(),
            Routes = def.Namespaces.SelectMany(n => n.Routes.Select(r => $"{Full(n.Name)}: {r}")).ToArray(),
            Nat = def.Namespaces.SelectMany(n => n.Masquerade.Select(a => $"{Full(n.Name)}: masquerade on {a}")).ToArray(),
            PortForwards = def.Namespaces.SelectMany(n => n.PortForwards.Select(f => $"{Full(n.Name)}: {f}")).ToArray(),
            Created = created,
            StatePath = statePath,
            NamespacesPresent = nsNames.Length,
            Definition = new NetLabDefinition(def.ToData()),
        };
        NetLabEndpoint Endpoint(LabEndpoint e) => new()
        {
            Namespace = Full(e.Namespace),
            Adapter = e.IsHost ? HostAdapter(e.Adapter) : e.Adapter,
            Addresses = e.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)).ToArray(),
            Bridge = e.Bridge,
        };

        WriteState(lab);
        using var sessions = new NamespaceSessions();
        var steps = Plan(def, lab, sessions, Full, HostAdapter);
        int k = 0;
        foreach (var step in steps)
        {
            k++;
            try
            {
                progress?.Invoke(k, steps.Count, step.Description);
                step.Run();
            }
            catch (Exception other) when (other is not (NetnsException or IOException or UnauthorizedAccessException))
            {
                // Ctrl+C (the host's stop exception from the progress callback) or a bug: still remove what was made.
                sessions.Dispose();
                Remove(lab, kill: true);
                throw;
            }
            catch (Exception ex)
            {
                sessions.Dispose();
                var cleanup = Remove(lab, kill: true);
                var inner = ex as NetnsException;
                throw new NetnsException(inner?.ErrorCode is "InsufficientPrivilege" ? "InsufficientPrivilege" : "NetLabBuildFailed",
                    inner?.Errno ?? Errno.EIO,
                    $"Building lab '{def.Name}' failed at step {k} of {steps.Count} ({step.Description}): {ex.Message}" +
                    (cleanup.Count == 0 ? " Everything made so far was removed." : $" Cleanup left: {string.Join("; ", cleanup)}"),
                    step.Description, ex);
            }
        }
        return lab;
    }

    private static List<Step> Plan(LabDefinition def, NetLab lab, NamespaceSessions sessions, Func<string, string> full, Func<string, string> hostAdapter)
    {
        var steps = new List<Step>();
        NamespaceContext Ctx(string shortName) => sessions.Get(full(shortName));
        string Where(string shortName) => shortName.Length == 0 ? "(host)" : full(shortName);
        string AdapterName(LabEndpoint e) => e.IsHost ? hostAdapter(e.Adapter) : e.Adapter;

        foreach (var n in def.Namespaces)
            steps.Add(new Step($"create namespace {full(n.Name)}", () => NamespaceStore.Create(full(n.Name))));
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
                    AddressRouteService.AddAddress(c, AdapterService.Require(c, b.Name), addr, len, skipDad: true);
                }));
        foreach (var e in def.Links.SelectMany(l => new[] { l.A, l.B }))
            foreach (var (addr, len) in e.Addresses)
                steps.Add(new Step($"add address {IpPrefix.Format(addr, len)} to {Where(e.Namespace)}/{AdapterName(e)}", () =>
                {
                    var c = Ctx(e.Namespace);
                    AddressRouteService.AddAddress(c, AdapterService.Require(c, AdapterName(e)), addr, len, skipDad: true);
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
        foreach (var n in def.Namespaces)
            foreach (var r in n.Routes)
                steps.Add(new Step($"add route {r} in {full(n.Name)}", () =>
                {
                    var c = Ctx(n.Name);
                    var link = r.Adapter is null ? null : AdapterService.Require(c, r.Adapter);
                    AddressRouteService.AddRoute(c, r.Destination, r.Length, r.Gateway, link, r.Metric, Rta.TABLE_MAIN);
                }));
        foreach (var n in def.Namespaces.Where(n => n.Masquerade.Count > 0 || n.PortForwards.Count > 0))
            steps.Add(new Step($"NAT in {full(n.Name)} (nf_tables table inet {NatService.TableName}: {NatSummary(n)})", () =>
                NatService.Apply(Ctx(n.Name), n.Masquerade.Select(a => MasqueradeSpec(a)).ToList(), n.PortForwards,
                    $"set up NAT for lab '{def.Name}'", full(n.Name))));
        return steps;
    }

    private static string NatSummary(LabNamespace n) => string.Join(", ",
        n.Masquerade.Select(a => $"masquerade on {a}").Concat(n.PortForwards.Select(f => $"forward {f}")));

    /// <summary>The NAT a lab's Masquerade = 'ADAPTER' makes: masquerade of everything leaving through the adapter, named after it.</summary>
    public static NatSpec MasqueradeSpec(string adapter) => new($"masquerade {adapter}", adapter);

    private static void WriteState(NetLab lab)
    {
        try
        {
            Directory.CreateDirectory(StateDir);
            var tmp = lab.StatePath + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["Name"] = lab.Name,
                ["Prefix"] = lab.Prefix,
                ["Created"] = lab.Created.ToString("o"),
                ["Namespaces"] = lab.Namespaces,
                ["NamespaceMap"] = lab.NamespaceMap,
                ["HostAdapters"] = lab.HostAdapters,
                ["Links"] = lab.Links.Select(l => new[] { l.A, l.B }.Select(e => new Dictionary<string, object?>
                {
                    ["Namespace"] = e.Namespace, ["Adapter"] = e.Adapter, ["Addresses"] = e.Addresses, ["Bridge"] = e.Bridge,
                })).ToList(),
                ["Bridges"] = lab.Bridges.Select(b => new Dictionary<string, object?>
                {
                    ["Namespace"] = b.Namespace, ["Name"] = b.Name, ["Addresses"] = b.Addresses, ["Ports"] = b.Ports,
                }).ToList(),
                ["Routes"] = lab.Routes,
                ["Nat"] = lab.Nat,
                ["PortForwards"] = lab.PortForwards,
                ["Definition"] = lab.Definition?.Data,
            }, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(tmp, lab.StatePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NetnsException("NetLabStateFailed", ex is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO,
                $"Cannot write the lab state file {lab.StatePath}: {ex.Message}", lab.StatePath, ex);
        }
    }

    /// <summary>Every lab with a state file, in prefix order. Unreadable files are reported through <paramref name="onError"/>.</summary>
    public static List<NetLab> List(Action<NetnsException>? onError = null)
    {
        var result = new List<NetLab>();
        if (!Directory.Exists(StateDir)) return result;
        foreach (var f in Directory.EnumerateFiles(StateDir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            try { result.Add(Read(f)); }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or KeyNotFoundException)
            {
                onError?.Invoke(new NetnsException("NetLabStateInvalid", Errno.EINVAL, $"Cannot read lab state file {f}: {ex.Message}", f, ex));
            }
        }
        return result;
    }

    private static NetLab Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        string[] Strings(string key) => r.TryGetProperty(key, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : Array.Empty<string>();
        var namespaces = Strings("Namespaces");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.TryGetProperty("NamespaceMap", out var m) && m.ValueKind == JsonValueKind.Object)
            foreach (var p in m.EnumerateObject()) map[p.Name] = p.Value.GetString() ?? "";
        var links = new List<NetLabLink>();
        if (r.TryGetProperty("Links", out var ls) && ls.ValueKind == JsonValueKind.Array)
            foreach (var l in ls.EnumerateArray())
            {
                var ends = l.EnumerateArray().Select(e => new NetLabEndpoint
                {
                    Namespace = e.GetProperty("Namespace").GetString() ?? "",
                    Adapter = e.GetProperty("Adapter").GetString() ?? "",
                    Addresses = e.GetProperty("Addresses").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
                    Bridge = e.TryGetProperty("Bridge", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null,
                }).ToArray();
                if (ends.Length == 2) links.Add(new NetLabLink { A = ends[0], B = ends[1] });
            }
        var bridges = new List<NetLabBridge>();
        if (r.TryGetProperty("Bridges", out var bs) && bs.ValueKind == JsonValueKind.Array)
            foreach (var b in bs.EnumerateArray())
                bridges.Add(new NetLabBridge
                {
                    Namespace = b.GetProperty("Namespace").GetString() ?? "",
                    Name = b.GetProperty("Name").GetString() ?? "",
                    Addresses = b.GetProperty("Addresses").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
                    Ports = b.GetProperty("Ports").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
                });
        return new NetLab
        {
            Name = r.GetProperty("Name").GetString() ?? "",
            Prefix = r.GetProperty("Prefix").GetString() ?? "",
            Namespaces = namespaces,
            NamespaceMap = map,
            HostAdapters = Strings("HostAdapters"),
            Links = links.ToArray(),
            Bridges = bridges.ToArray(),
            Routes = Strings("Routes"),
            Nat = Strings("Nat"),
            PortForwards = Strings("PortForwards"),
            Created = DateTime.TryParse(r.TryGetProperty("Created", out var c) ? c.GetString() : null, null,
                System.Globalization.DateTimeStyles.RoundtripKind, out var d) ? d : File.GetCreationTime(path),
            StatePath = path,
            NamespacesPresent = namespaces.Count(n => NamespaceStore.Find(n) is { IsStale: false }),
            Definition = r.TryGetProperty("Definition", out var def) && LabDefinition.FromJson(def.GetRawText(), path) is IDictionary<string, object?> data
                ? new NetLabDefinition(data) : null,
        };
    }

    /// <summary>
    /// Removes what <paramref name="lab"/> is made of (host adapters, then namespaces, then the state file); what is
    /// already gone is skipped, so it is idempotent and finishes half-removed labs. With <paramref name="kill"/>,
    /// processes inside the lab's namespaces are killed first
    /// (never those of a host namespace: see <see cref="NamespaceRemover"/>). Returns what could not be removed (empty on success).
    /// </summary>
    public static List<string> Remove(NetLab lab, bool kill, Action<string>? warn = null)
    {
        var problems = new List<string>();
        if (lab.HostAdapters.Length > 0)
        {
            using var sessions = new NamespaceSessions();
            var host = sessions.Get("");
            foreach (var a in lab.HostAdapters)
            {
                var link = Netlink.Rtnl.Links.TryGet(host.Socket, a);
                if (link is null) continue;
                try { AdapterService.Remove(host, link); }
                catch (NetnsException ex) when (ex.Errno != Errno.ENODEV) { problems.Add($"host adapter {a}: {ex.Message}"); }
                catch (NetnsException) { }
            }
        }
        var present = lab.Namespaces.Select(n => NamespaceStore.Find(n)).Where(e => e is not null).Select(e => e!.Value).ToList();
        var outliving = new HashSet<string>(StringComparer.Ordinal); // namespaces that stay alive after their name is gone
        if (present.Count > 0)
        {
            // The same policy as Remove-NetNamespace -Force: a name that refers to a host namespace (the initial one,
            // or this process's own) never gets its processes stopped, and neither do this process and PID 1.
            NamespaceRemover.ReleaseLaunchers(present);
            var remover = new NamespaceRemover();
            foreach (var e in present.Where(e => !e.IsStale))
            {
                var plan = remover.Plan(e);
                if (plan.IsHost || plan.Inside.Count > 0 || plan.RuntimeThreads.Count > 0) outliving.Add(e.Name);
                if (plan.Inside.Count == 0) continue;
                if (plan.IsHost)
                    warn?.Invoke($"Lab namespace '{e.Name}' refers to {plan.HostReason}: only its name is removed, none of its {plan.Inside.Count} process(es) is stopped.");
                else if (kill)
                {
                    foreach (var problem in remover.Stop(plan)) warn?.Invoke(problem);
                    foreach (var (p, why) in plan.Spared) warn?.Invoke($"Not stopping process {p}: {why} (in lab namespace '{e.Name}').");
                }
                else
                    warn?.Invoke($"{plan.Inside.Count} process(es) keep lab namespace '{e.Name}' alive after its removal: {string.Join(", ", plan.Inside)}.");
            }
        }
        if (lab.Nat.Length > 0 || lab.PortForwards.Length > 0)
        {
            // The netnsps table goes first where something keeps the namespace alive after its name is gone (a process
            // inside, a host namespace): it keeps no NAT. A namespace nothing keeps takes its table along when it is
            // freed; deleting the table there would only wait for the kernel (an RCU grace period per base chain, ~15 ms).
            using var sessions = new NamespaceSessions();
            foreach (var e in present.Where(e => !e.IsStale && outliving.Contains(e.Name)))
            {
                try { NatService.RemoveTable(sessions.Get(e.Name)); }
                catch (NetnsException ex) when (ex.ErrorCode is not "NfTablesNotSupported") { problems.Add($"NAT table in {e.Name}: {ex.Message}"); }
                catch (NetnsException) { }
            }
        }
        foreach (var e in present)
        {
            try { NamespaceStore.Delete(e.Name); }
            catch (NetnsException ex) when (ex.ErrorCode == "NamespaceNotFound") { }
            catch (NetnsException ex) { problems.Add($"namespace {e.Name}: {ex.Message}"); }
        }
        if (problems.Count == 0)
        {
            try { File.Delete(lab.StatePath); }
            catch (IOException ex) { problems.Add($"state file {lab.StatePath}: {ex.Message}"); }
        }
        return problems;
    }
}
