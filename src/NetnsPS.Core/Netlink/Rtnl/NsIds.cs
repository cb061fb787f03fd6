using NetnsPS.Core.Errors;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>Network namespace ids (RTM_GETNSID/RTM_NEWNSID): the id a namespace has in the socket's namespace.</summary>
public static class NsIds
{
    /// <summary>Request for the nsid of the namespace behind <paramref name="fd"/>.</summary>
    public static NetlinkMessageBuilder GetRequest(int fd)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETNSID, Nl.NLM_F_REQUEST);
        b.AddHeader(4); // struct rtgenmsg { u8 family = AF_UNSPEC } + 3 pad bytes
        b.AddU32(Netnsa.FD, (uint)fd);
        return b;
    }

    /// <summary>The NETNSA_NSID of an RTM_NEWNSID reply, or null when not assigned.</summary>
    public static int? ParseNsid(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4) throw new NetlinkProtocolException("RTM_NEWNSID reply shorter than rtgenmsg.");
        foreach (var a in new NetlinkAttributeReader(payload[4..]))
            if (a.Type == Netnsa.NSID)
            {
                int v = a.S32;
                return v < 0 ? null : v;
            }
        return null;
    }

    /// <summary>The nsid of <paramref name="ns"/> as seen from the socket's namespace; null when none is assigned.</summary>
    public static int? Get(NetlinkSocket socket, NamespaceHandle ns)
    {
        var replies = socket.Execute(GetRequest(ns.Fd), $"RTM_GETNSID {ns.Path}", ErrorIds.NsidQueryFailed, ns.Path);
        foreach (var m in replies)
            if (m.Type == Rtm.NEWNSID) return ParseNsid(m.Payload);
        return null;
    }

    /// <summary>
    /// How many namespaces have an nsid in the socket's namespace (one RTM_GETNSID dump, as `ip netns list-id`).
    /// Listing uses it to skip the per-namespace queries once every assigned id is found (usually there is none).
    /// </summary>
    public static int CountAssigned(NetlinkSocket socket)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETNSID, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        b.AddHeader(4);
        int n = 0;
        foreach (var m in socket.Execute(b, "RTM_GETNSID dump", ErrorIds.NsidQueryFailed))
            if (m.Type == Rtm.NEWNSID && ParseNsid(m.Payload) is not null) n++;
        return n;
    }

    /// <summary>Request that assigns <paramref name="nsid"/> to the namespace behind <paramref name="fd"/>.</summary>
    public static NetlinkMessageBuilder SetRequest(int fd, int nsid)
    {
        var b = new NetlinkMessageBuilder(Rtm.NEWNSID, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK);
        b.AddHeader(4);
        b.AddU32(Netnsa.FD, (uint)fd);
        b.AddS32(Netnsa.NSID, nsid);
        return b;
    }

    public static void Set(NetlinkSocket socket, NamespaceHandle ns, int nsid)
        => socket.Execute(SetRequest(ns.Fd, nsid), $"RTM_NEWNSID {ns.Path} {nsid}", ErrorIds.NsidSetFailed, ns.Path);

    /// <summary>An entry of the nsid table: the id, and with a target nsid the id the same namespace has in the socket's namespace.</summary>
    public readonly record struct Entry(int Nsid, int? CurrentNsid);

    /// <summary>Dump request (ip netns list-id); <paramref name="targetNsid"/> asks for the table of that namespace instead (needs NETLINK_GET_STRICT_CHK).</summary>
    public static NetlinkMessageBuilder DumpRequest(int? targetNsid = null)
    {
        var b = new NetlinkMessageBuilder(Rtm.GETNSID, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP);
        b.AddHeader(4);
        if (targetNsid is int t) b.AddS32(Netnsa.TARGET_NSID, t);
        return b;
    }

    /// <summary>Parses one RTM_NEWNSID dump reply.</summary>
    public static Entry? ParseEntry(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4) throw new NetlinkProtocolException("RTM_NEWNSID reply shorter than rtgenmsg.");
        int? nsid = null, current = null;
        foreach (var a in new NetlinkAttributeReader(payload[4..]))
        {
            if (a.Type == Netnsa.NSID) nsid = a.S32;
            else if (a.Type == Netnsa.CURRENT_NSID) current = a.S32;
        }
        if (nsid is not int n || n < 0) return null;
        return new Entry(n, current is int c && c >= 0 ? c : null);
    }

    /// <summary>The nsid table of the socket's namespace (or of the namespace with <paramref name="targetNsid"/>), by id.</summary>
    public static List<Entry> Dump(NetlinkSocket socket, int? targetNsid = null, object? target = null)
    {
        var result = new List<Entry>();
        foreach (var m in socket.Execute(DumpRequest(targetNsid), "RTM_GETNSID dump", ErrorIds.NsidQueryFailed, target))
            if (m.Type == Rtm.NEWNSID && ParseEntry(m.Payload) is Entry e) result.Add(e);
        result.Sort((a, b) => a.Nsid.CompareTo(b.Nsid));
        return result;
    }

    /// <summary>
    /// Gives <paramref name="ns"/> an id in the socket's namespace (ip netns set NAME ID|auto; null = auto) and returns it.
    /// Asking again for the id it already has (or auto when it has one) changes nothing. Errors: NamespaceIdAlreadySet
    /// (it has another id: ids cannot be changed), NamespaceIdInUse (another namespace has that id).
    /// </summary>
    public static int Assign(NetlinkSocket socket, NamespaceHandle ns, int? nsid, string display, string seenFrom, out bool changed)
    {
        changed = false;
        if (Get(socket, ns) is int existing)
        {
            if (nsid is null || nsid == existing) return existing;
            throw new NetnsException(ErrorIds.NamespaceIdAlreadySet, Errno.EEXIST,
                $"Network namespace {display} already has id {existing} in {seenFrom}; an id cannot be changed while both namespaces exist.", display);
        }
        try { Set(socket, ns, nsid ?? NSID_AUTO); }
        catch (NetlinkException ex) when (ex.Errno == Errno.EEXIST)
        {
            if (Get(socket, ns) is int now && nsid != now)
                throw new NetnsException(ErrorIds.NamespaceIdAlreadySet, Errno.EEXIST,
                    $"Network namespace {display} already has id {now} in {seenFrom} (given meanwhile): {ex.Message}", display, ex);
            if (Get(socket, ns) is int same) return same;
            throw new NetnsException(ErrorIds.NamespaceIdInUse, Errno.EEXIST,
                $"Id {nsid} is already used by another network namespace in {seenFrom}: {ex.Message}", display, ex);
        }
        changed = true;
        return Get(socket, ns) ?? throw new NetnsException(ErrorIds.NsidSetFailed, Errno.EIO,
            $"RTM_NEWNSID for {display} was acknowledged but the namespace has no id in {seenFrom}.", display);
    }

    /// <summary>NETNSA_NSID value asking the kernel to choose a free id.</summary>
    public const int NSID_AUTO = -1;
}
