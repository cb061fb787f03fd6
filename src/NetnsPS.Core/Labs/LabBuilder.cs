using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Exec;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Nat;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Shaping;
using NetnsPS.Core.Sysctl;

namespace NetnsPS.Core.Labs;

/// <summary>
/// Builds a <see cref="LabDefinition"/>: validates every name, writes the state file (<see cref="LabStateFile"/>)
/// before the first step, then runs the steps of <see cref="LabPlan"/> in order. On a failed step everything made so
/// far is removed (<see cref="Remove"/>, driven by the state file) and the step is named in the error, so that a lab
/// interrupted at any point can still be removed completely.
/// </summary>
public static class LabBuilder
{
    /// <summary>The longest prefix that still leaves room for namespace names (NAME_MAX).</summary>
    public const int MaxPrefixBytes = 64;

    public static void ValidatePrefix(string prefix)
    {
        if (prefix.Length == 0 || prefix.Contains('/') || prefix.Contains('\0') || prefix is "." or ".." ||
            System.Text.Encoding.UTF8.GetByteCount(prefix) > MaxPrefixBytes || prefix.Any(char.IsWhiteSpace))
            throw new NetnsException(ErrorIds.InvalidLabPrefix, Errno.EINVAL,
                $"'{prefix}' is not a usable lab prefix (1-{MaxPrefixBytes} bytes, no '/', no spaces).", prefix);
    }

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
        // A tunnel's device lives in the host's namespace until it is moved: listed, so Remove-NetLab finds one left there.
        hostAdapters.AddRange(def.Tunnels.Where(t => t.UnderlayNamespace.Length == 0).Select(t => t.Device));
        foreach (var n in nsNames)
            if (NamespaceStore.Find(n) is not null)
                throw new NetnsException(ErrorIds.NamespaceAlreadyExists, Errno.EEXIST,
                    $"Cannot build lab '{def.Name}': namespace '{n}' already exists (another lab with prefix '{prefix}'? Remove-NetLab -Prefix '{prefix}').", n);
        var statePath = LabStateFile.PathOf(prefix);
        if (File.Exists(statePath))
            throw new NetnsException(ErrorIds.NetLabAlreadyExists, Errno.EEXIST,
                $"A lab with prefix '{prefix}' already exists ({statePath}); remove it first (Remove-NetLab -Prefix '{prefix}') or choose another -Prefix.", prefix);

        var created = DateTime.Now;
        var lab = new NetLab
        {
            Name = def.Name,
            Prefix = prefix,
            Namespaces = nsNames,
            NamespaceMap = def.Namespaces.ToDictionary(n => n.Name, n => Full(n.Name), StringComparer.Ordinal),
            HostAdapters = hostAdapters.ToArray(),
            Links = def.Links.Select(l => new NetLabLink { A = Endpoint(l.A, l), B = Endpoint(l.B, l) }).ToArray(),
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
            Host = def.Span?.Host ?? "",
            Hosts = def.Span?.Hosts.Keys.ToArray() ?? Array.Empty<string>(),
        };
        NetLabEndpoint Endpoint(LabEndpoint e, LabLink l) => new()
        {
            Namespace = Full(e.Namespace),
            Adapter = e.IsHost ? HostAdapter(e.Adapter) : e.Adapter,
            Addresses = e.Addresses.Select(a => IpPrefix.Format(a.Address, a.Length)).ToArray(),
            Bridge = e.Bridge,
            Shaping = l.ShapingOf(e)?.Describe(),
        };

        LabStateFile.Write(lab);
        using var sessions = new NamespaceSessions();
        var steps = LabPlan.Steps(def, lab, sessions, Full, HostAdapter);
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
                throw new NetnsException(inner?.ErrorCode is ErrorIds.InsufficientPrivilege ? ErrorIds.InsufficientPrivilege : ErrorIds.NetLabBuildFailed,
                    inner?.Errno ?? Errno.EIO,
                    $"Building lab '{def.Name}' failed at step {k} of {steps.Count} ({step.Description}): {ex.Message}" +
                    (cleanup.Count == 0 ? " Everything made so far was removed." : $" Cleanup left: {string.Join("; ", cleanup)}"),
                    step.Description, ex);
            }
        }
        return lab;
    }

    /// <summary>Every lab with a state file, in prefix order. Unreadable files are reported through <paramref name="onError"/>.</summary>
    public static List<NetLab> List(Action<NetnsException>? onError = null) => LabStateFile.ReadAll(onError);

    /// <summary>
    /// Removes what <paramref name="lab"/> is made of (host adapters, then namespaces, then the state file); what is
    /// already gone is skipped, so it is idempotent and finishes half-removed labs. With <paramref name="kill"/>,
    /// processes inside the lab's namespaces are killed first
    /// (never those of a host namespace: see <see cref="NamespaceRemover"/>). Returns what could not be removed (empty on success).
    /// <paramref name="progress"/> gets (namespaces removed, how many, the next one) before each namespace is queued for
    /// removal (names are removed on a few threads: <see cref="NamespaceDeleter"/>).
    /// </summary>
    public static List<string> Remove(NetLab lab, bool kill, Action<string>? warn = null, Action<int, int, string>? progress = null)
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
            NetnsExec.ReleaseLaunchers(present);
            var remover = new NamespaceRemover();
            foreach (var e in present.Where(e => !e.IsStale))
            {
                var plan = remover.Plan(e);
                if (plan.IsHost || plan.Inside.Count > 0 || plan.OwnThreads.Count > 0) outliving.Add(e.Name);
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
                catch (NetnsException ex) when (ex.ErrorCode is not ErrorIds.NfTablesNotSupported) { problems.Add($"NAT table in {e.Name}: {ex.Message}"); }
                catch (NetnsException) { }
            }
        }
        // The names on a few threads, as Remove-NetNamespace does (their unmounts share the kernel's RCU grace periods),
        // at most 1024 ahead; problems in lab order. progress gets the names removed so far before each is queued.
        int done = 0;
        using (var deleter = new NamespaceDeleter(NamespaceDeleter.DefaultThreads))
        {
            void Collect(bool wait, int keep)
            {
                foreach (var r in deleter.TakeResults(wait))
                {
                    done++;
                    if (r.Error is { } ex && ex.ErrorCode != ErrorIds.NamespaceNotFound) problems.Add($"namespace {r.Name}: {ex.Message}");
                    if (deleter.Outstanding <= keep) break;
                }
            }
            const int ahead = 1024;
            for (int i = 0; i < present.Count; i++)
            {
                Collect(false, -1);
                progress?.Invoke(done, present.Count, present[i].Name);
                if (deleter.Outstanding >= ahead) Collect(true, ahead - 1);
                deleter.Submit(i, present[i].Name);
            }
            Collect(true, -1);
        }
        if (problems.Count == 0)
        {
            try { File.Delete(lab.StatePath); }
            catch (IOException ex) { problems.Add($"state file {lab.StatePath}: {ex.Message}"); }
        }
        return problems;
    }
}
