using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>Turns /run/netns entries into <see cref="NetNamespace"/> objects: nsid (one netlink socket for all) and process counts (one /proc scan).</summary>
public static class NamespaceQuery
{
    public static List<NetNamespace> Describe(IReadOnlyList<NamespaceEntry> entries, Dictionary<ulong, SortedSet<int>>? processes = null)
    {
        var result = new List<NetNamespace>(entries.Count);
        if (entries.Count == 0) return result;
        // Without a scan from the caller, processes (and their count) come from one /proc scan made when the first is read.
        var scan = processes is null ? new Lazy<Dictionary<ulong, SortedSet<int>>>(ProcScanner.ScanByInode) : null;
        Func<ulong, IReadOnlyCollection<int>>? lookup = scan is null ? null : ino => scan.Value.TryGetValue(ino, out var pids) ? pids : Array.Empty<int>();
        var host = HostNamespaces.Read();
        // nsids are found when the first Id is read, for all entries at once.
        var ids = new Lazy<Dictionary<ulong, int>>(() => FindIds(entries.Where(e => !e.IsStale).Select(e => (e.Name, e.Path))));
        Func<ulong, int?> idOf = ino => ids.Value.TryGetValue(ino, out var id) ? id : null;
        foreach (var e in entries)
        {
            if (lookup is not null && !e.IsStale)
            {
                result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, null, lookup, false) { IsHost = host.Contains(e.Identity.Inode), IdLookup = idOf });
                continue;
            }
            var known = !e.IsStale && processes!.TryGetValue(e.Identity.Inode, out var set) ? set : new SortedSet<int>();
            var n = e.IsStale
                ? new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, null, _ => known, true)
                : new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, null, _ => known, false) { IsHost = host.Contains(e.Identity.Inode), IdLookup = idOf };
            result.Add(n);
        }
        return result;
    }

    /// <summary>
    /// The whole of /run/netns (Get-NetNamespace without names), sorted by name: a readdir, and one object a name; a stat,
    /// the nsids and the /proc scan are made when a property needs them (the stat of the one entry, the others once for
    /// all), so a listing nobody looks into costs the readdir.
    /// </summary>
    public static List<NetNamespace> DescribeListing()
    {
        var names = NamespaceStore.ListNames();
        var result = new List<NetNamespace>(names.Count);
        if (names.Count == 0) return result;
        var scan = new Lazy<Dictionary<ulong, SortedSet<int>>>(ProcScanner.ScanByInode);
        Func<ulong, IReadOnlyCollection<int>> lookup = ino => scan.Value.TryGetValue(ino, out var pids) ? pids : Array.Empty<int>();
        var host = new Lazy<HostNamespaces>(HostNamespaces.Read);
        Func<string, (ulong, ulong, bool)?> stat = path =>
            NamespaceHandle.TryStat(path, out var id, out _) ? (id.Device, id.Inode, host.Value.Contains(id.Inode)) : null;
        var ids = new Lazy<Dictionary<ulong, int>>(() => FindIds(names.Select(n => (n, NamespaceStore.RunDir + "/" + n))));
        Func<ulong, int?> idOf = ino => ids.Value.TryGetValue(ino, out var id) ? id : null;
        foreach (var name in names) result.Add(new NetNamespace(name, NamespaceStore.RunDir, stat, lookup, idOf));
        return result;
    }

    /// <summary>
    /// The nsids of <paramref name="entries"/> (by inode), on one netlink socket: one open and query per namespace, as
    /// `ip netns list` does, until every assigned nsid is found (usually none is assigned, and then nothing is queried).
    /// Each query costs the kernel a scan of the caller's nsids (peernet2id), so a listing of 10,000 names costs ~0.1 s
    /// when an nsid is assigned to a namespace outside the list: hence only when an Id is read.
    /// </summary>
    private static Dictionary<ulong, int> FindIds(IEnumerable<(string Name, string Path)> entries)
    {
        var ids = new Dictionary<ulong, int>();
        using var socket = NetlinkSocket.Open();
        int idsLeft = NsIds.CountAssigned(socket);
        foreach (var (name, path) in entries)
        {
            if (idsLeft <= 0) break;
            try
            {
                // by the inode of the namespace the name holds now, which is the one a property read now finds
                using var h = NamespaceHandle.Open(path, name);
                if (NsIds.Get(socket, h) is not int nsid || !ids.TryAdd(h.Identity.Inode, nsid)) continue;
                idsLeft--;
            }
            catch (NetnsException ex) when (ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceStale)
            {
                // removed (or unmounted) while we were looking: no id
            }
        }
        return ids;
    }

    public static NetNamespace Describe(NamespaceEntry entry) => Describe(new[] { entry })[0];

    /// <summary>
    /// Every network namespace visible from here (Get-NetNamespace -All): the entries of /run/netns (sorted by name),
    /// then the unnamed namespaces found through processes and nsfs mounts (the host first, then by inode), each with
    /// its processes, mount points and nsid. Namespaces that vanish while we look are left out.
    /// </summary>
    public static List<NetNamespace> DescribeAll()
    {
        var scan = NamespaceScan.Scan();
        var named = NamespaceStore.List();
        var host = HostNamespaces.Read();
        ulong? init = host.Init;
        var result = new List<NetNamespace>(named.Count + 8);
        var covered = new HashSet<ulong>();
        using var socket = NetlinkSocket.Open();
        foreach (var e in named)
        {
            if (e.IsStale)
            {
                result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, null, 0, true));
                continue;
            }
            covered.Add(e.Identity.Inode);
            int? nsid;
            try
            {
                using var h = NamespaceHandle.Open(e.Path, e.Name);
                nsid = NsIds.Get(socket, h);
            }
            catch (NetnsException ex) when (ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceStale) { continue; }
            result.Add(Build(e.Name, e.Path, e.Identity, nsid, scan.GetValueOrDefault(e.Identity.Inode), host));
        }
        var unnamed = scan.Values.Where(s => !covered.Contains(s.Inode))
            .OrderBy(s => s.Inode == init ? 0 : 1).ThenBy(s => s.Inode).ToList();
        foreach (var s in unnamed)
        {
            var path = s.Path;
            if (path.Length == 0) continue;
            NamespaceIdentity id;
            int? nsid;
            try
            {
                using var h = NamespaceHandle.Open(path, path);
                id = h.Identity;
                if (id.Inode != s.Inode) continue; // the process went away and its pid was reused meanwhile
                nsid = NsIds.Get(socket, h);
            }
            catch (NetnsException) { continue; } // the process (or mount) vanished while we were looking
            result.Add(Build(string.Empty, path, id, nsid, s, host));
        }
        return result;
    }

    private static NetNamespace Build(string name, string path, NamespaceIdentity id, int? nsid, ScannedNamespace? s, HostNamespaces host)
    {
        var processes = new List<NetNamespaceProcessInfo>();
        if (s is not null)
            foreach (var pid in s.ProcessIds)
                if (ProcScanner.Comm(pid) is string comm) processes.Add(new NetNamespaceProcessInfo(pid, comm));
        return new NetNamespace(name, path, id.Device, id.Inode, nsid, processes.Count, false)
        {
            IsHost = host.Contains(id.Inode),
            MountPath = s?.MountPaths.ToArray() ?? Array.Empty<string>(),
            Processes = processes.ToArray(),
        };
    }
}
