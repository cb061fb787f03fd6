using NetnsPS.Core.Errors;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>Namespace ids (nsid): the ids one namespace gives others (ip netns list-id, ip netns set).</summary>
public static class NamespaceIdService
{
    /// <summary>The id <paramref name="from"/> gives <paramref name="target"/> (Id null when it has none).</summary>
    public static NetNamespaceId Get(NamespaceContext from, NamespaceContext target) =>
        Record(from, NsIds.Get(from.Socket, target.Handle), target);

    private static NetNamespaceId Record(NamespaceContext from, int? id, NamespaceContext? target) =>
        new() { SeenFrom = from.Name, Id = id, Namespace = target?.Name, Inode = target?.Identity.Inode };

    /// <summary>
    /// The nsid table of <paramref name="from"/>, each id with the namespace it stands for when that is known: the host
    /// and the named namespaces are asked first, then the unnamed ones, until every id is placed.
    /// </summary>
    public static List<NetNamespaceId> Table(NamespaceSessions sessions, NamespaceContext from)
    {
        var table = NsIds.Dump(from.Socket, target: from.DisplayName);
        var found = new Dictionary<int, NamespaceContext>();
        if (table.Count > 0)
        {
            var asked = new HashSet<NamespaceIdentity>();
            foreach (var unnamed in new[] { false, true })
            {
                if (found.Count == table.Count) break;
                foreach (var c in sessions.AllKnown(unnamed))
                {
                    if (!asked.Add(c.Identity)) continue;
                    int? id;
                    // listed, then gone before its turn (each namespace is opened only when its turn comes)
                    try { id = NsIds.Get(from.Socket, c.Handle); }
                    catch (NetnsException ex) when (!c.IsHost && ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceOpenFailed or ErrorIds.NamespaceStale) { continue; }
                    if (id is int i) found.TryAdd(i, c);
                    if (found.Count == table.Count) break;
                }
            }
        }
        return table.Select(e =>
        {
            found.TryGetValue(e.Nsid, out var c);
            return Record(from, e.Nsid, c);
        }).ToList();
    }

    /// <summary>
    /// Gives <paramref name="target"/> the id <paramref name="id"/> in <paramref name="from"/> (null: the kernel
    /// chooses); <paramref name="changed"/> is false when it had that id (or, for null, any id) already.
    /// </summary>
    public static NetNamespaceId Set(NamespaceContext from, NamespaceContext target, int? id, out bool changed)
    {
        int nsid = NsIds.Assign(from.Socket, target.Handle, id, $"'{target.DisplayName}'", from.Description, out changed);
        return Record(from, nsid, target);
    }
}
