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
        processes ??= ProcScanner.ScanByInode();
        using var socket = NetlinkSocket.Open();
        foreach (var e in entries)
        {
            int? nsid = null;
            if (!e.IsStale)
            {
                try
                {
                    using var h = NamespaceHandle.Open(e.Path, e.Name);
                    nsid = NsIds.Get(socket, h);
                }
                catch (NetnsException ex) when (ex.ErrorCode is "NamespaceNotFound" or "NamespaceStale")
                {
                    continue; // removed (or unmounted) while we were looking: it is not there any more
                }
            }
            int count = !e.IsStale && processes.TryGetValue(e.Identity.Inode, out var set) ? set.Count : 0;
            result.Add(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, nsid, count, e.IsStale));
        }
        return result;
    }

    public static NetNamespace Describe(NamespaceEntry entry) => Describe(new[] { entry })[0];
}
