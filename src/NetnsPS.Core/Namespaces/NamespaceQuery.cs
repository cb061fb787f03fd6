using NetnsPS.Core.Interop;
using NetnsPS.Core.Netlink;

namespace NetnsPS.Core.Namespaces;

/// <summary>Turns /run/netns entries into <see cref="NetNamespace"/> objects: nsid (one netlink socket for all) and process counts (one /proc scan).</summary>
public static class NamespaceQuery
{
    public static List<NetNamespace> Describe(IReadOnlyList<NamespaceEntry> entries, Dictionary<ulong, SortedSet<int>>? processes = null)
    {
        var result = new List<NetNamespace>(entries.Count);
        if (entries.Count == 0) return result;
        // Without a scan from the caller, process counts come from one /proc scan made when the first count is read.
        var scan = processes is null ? new Lazy<Dictionary<ulong, SortedSet<int>>>(ProcScanner.ScanByInode) : null;
        Func<ulong, int>? counter = scan is null ? null : ino => scan.Value.TryGetValue(ino, out var pids) ? pids.Count : 0;
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
                catch (NetnsException ex) when (ex.ErrorCode is "NamespaceNotFound" or "NamespaceStale")
                {
                    continue; // removed (or unmounted) while we were looking: it is not there any more
                }
            }
            if (counter is not null && !e.IsStale)
            {
                result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, nsid, counter, false));
                continue;
            }
            int count = !e.IsStale && processes!.TryGetValue(e.Identity.Inode, out var set) ? set.Count : 0;
            result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, nsid, count, e.IsStale));
        }
        return result;
    }

    public static NetNamespace Describe(NamespaceEntry entry) => Describe(new[] { entry })[0];
}
