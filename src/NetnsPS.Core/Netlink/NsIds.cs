using NetnsPS.Core.Namespaces;

namespace NetnsPS.Core.Netlink;

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
        var replies = socket.Execute(GetRequest(ns.Fd), $"RTM_GETNSID {ns.Path}", "NsidQueryFailed", ns.Path);
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
        foreach (var m in socket.Execute(b, "RTM_GETNSID dump", "NsidQueryFailed"))
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
        => socket.Execute(SetRequest(ns.Fd, nsid), $"RTM_NEWNSID {ns.Path} {nsid}", "NsidSetFailed", ns.Path);
}
