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
        using var socket = NetlinkSocket.Open();
        // Ids left to find: once every assigned nsid is found the other namespaces have none (usually none is assigned,
        // and the 1000-namespace listing then costs no open/query per namespace).
        int idsLeft = NsIds.CountAssigned(socket);
        foreach (var e in entries)
        {
            int? nsid = null;
            if (!e.IsStale && idsLeft > 0)
            {
                try
                {
                    using var h = NamespaceHandle.Open(e.Path, e.Name);
                    nsid = NsIds.Get(socket, h);
                    if (nsid is not null) idsLeft--;
                }
                catch (NetnsException ex) when (ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceStale)
                {
                    continue; // removed (or unmounted) while we were looking: it is not there any more
                }
            }
            if (lookup is not null && !e.IsStale)
            {
                result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, nsid, lookup, false) { IsHost = host.Contains(e.Identity.Inode) });
                continue;
            }
            var known = !e.IsStale && processes!.TryGetValue(e.Identity.Inode, out var set) ? set : new SortedSet<int>();
            result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, nsid, _ => known, e.IsStale) { IsHost = !e.IsStale && host.Contains(e.Identity.Inode) });
        }
        return result;
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
