using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Watch;

/// <summary>
/// ip monitor link, in one or more namespaces, through ONE rtnetlink listener in the caller's namespace (the host): it
/// joins RTNLGRP_LINK with NETLINK_LISTEN_ALL_NSID, so the kernel also delivers the link notifications of every
/// namespace that has an nsid in the host, each with that nsid. A watched namespace without one is given one (the
/// nsid service, as `ip netns set NAME auto` does). Descriptors are a constant (the listener, the host's request socket,
/// the sessions' bounded cache), whatever the number of namespaces.
/// A snapshot of each namespace's links, dumped through the host's socket (IFLA_TARGET_NETNSID) after subscribing,
/// tells Added from Changed and gives renames their old name, and each Changed event lists what changed against the
/// previous state of that adapter (Changes); RTM_NEWLINK messages that change nothing the event shows (name, up flag,
/// operational state, MAC, MTU, master) are dropped. When the kernel drops notifications (ENOBUFS: the receive buffer
/// filled up) every watched namespace is dumped again and the difference follows a resync notice. A watched namespace
/// that ends (the host's id for it is released: RTM_DELNSID) is no longer watched. <see cref="Read"/> waits at most a
/// given time so callers can stop promptly.
/// </summary>
public sealed class LinkWatcher : IDisposable
{
    /// <summary>The listener's receive buffer: room for a burst of a few thousand notifications.</summary>
    public const int ReceiveBufferBytes = 8 << 20;

    private sealed class Watched
    {
        public required NamespaceContext Context;
        /// <summary>The host's id for the namespace; null for the host itself.</summary>
        public int? Nsid;
        public readonly Dictionary<int, LinkInfo> Links = new();
    }

    private readonly NetlinkSocket _listener;
    private readonly NetlinkSocket _requests;
    private readonly int _receiveBuffer;
    private readonly List<Watched> _watched = new();
    private readonly List<Watched> _host = new();
    private readonly Dictionary<int, List<Watched>> _byNsid = new();
    private int? _hostNsid;
    private bool _resynced;

    /// <summary>
    /// Subscribes, then gives each namespace an nsid if it has none and reads its links (in that order, so no change
    /// falls in between). <paramref name="receiveBuffer"/>: bytes asked for the listener (tests make overruns with a
    /// small one).
    /// </summary>
    public LinkWatcher(NamespaceSessions sessions, IEnumerable<NamespaceContext> contexts, int receiveBuffer = ReceiveBufferBytes)
    {
        var host = sessions.Get("");
        var list = contexts.ToList();
        bool others = list.Any(c => c.Identity != host.Identity);
        _requests = host.Socket;
        _receiveBuffer = receiveBuffer;
        uint[] groups = others ? new[] { RtnlGroup.LINK, RtnlGroup.NSID } : new[] { RtnlGroup.LINK };
        _listener = Watching(() => NetlinkSocket.OpenListener(groups, others, receiveBuffer), host.DisplayName);
        try
        {
            // The host's id for itself, if it has one: its own notifications then carry that id.
            if (others) _hostNsid = NsIds.Get(_requests, host.Handle);
            foreach (var ctx in list)
            {
                var w = new Watched { Context = ctx };
                if (ctx.Identity == host.Identity) _host.Add(w);
                else
                {
                    w.Nsid = NamespaceIdService.Set(host, ctx, null, out _).Id;
                    if (!_byNsid.TryGetValue(w.Nsid!.Value, out var same)) _byNsid[w.Nsid.Value] = same = new List<Watched>();
                    same.Add(w);
                }
                _watched.Add(w);
                foreach (var l in Dump(w)) w.Links[l.Index] = l;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private List<LinkInfo> Dump(Watched w) => Links.Dump(_requests, w.Context.DisplayName, w.Nsid);

    /// <summary>
    /// Events that arrive within <paramref name="timeoutMs"/> (empty list on timeout), in order per namespace; after an
    /// overrun, a resync notice and the difference.
    /// </summary>
    public List<WatchItem<NetNamespaceAdapterEvent>> Read(int timeoutMs)
    {
        var result = new List<WatchItem<NetNamespaceAdapterEvent>>();
        bool overrun = false;
        var notifications = Watching(() => _listener.ReceiveNotifications(timeoutMs, out overrun));
        var now = DateTime.Now;
        foreach (var n in notifications) Take(n, now, result);
        if (overrun) Resync(now, result);
        return result;
    }

    private void Take(NetlinkNotification n, DateTime now, List<WatchItem<NetNamespaceAdapterEvent>> result)
    {
        var m = n.Message;
        bool fromHost = n.Nsid is null || n.Nsid == _hostNsid;
        if (m.Type == Rtm.DELNSID)
        {
            // A watched namespace ended: the host's id for it is free, and may be given to another namespace.
            if (fromHost && NsIds.ParseNsid(m.Payload) is int gone && _byNsid.Remove(gone))
                _watched.RemoveAll(w => w.Nsid == gone);
            return;
        }
        if (m.Type != Rtm.NEWLINK && m.Type != Rtm.DELLINK) return;
        var targets = fromHost ? _host : _byNsid.GetValueOrDefault(n.Nsid!.Value);
        if (targets is null || targets.Count == 0) return;
        var link = Links.Parse(m.Payload);
        foreach (var w in targets)
            if (Classify(w, m.Type == Rtm.DELLINK, link, now) is { } e) result.Add(WatchItem<NetNamespaceAdapterEvent>.Of(e));
    }

    /// <summary>
    /// After the kernel dropped notifications: reads every watched namespace's links again and reports the difference
    /// against what the events so far said (Removed, then Changed and Added, by index), after a notice.
    /// </summary>
    private void Resync(DateTime now, List<WatchItem<NetNamespaceAdapterEvent>> result)
    {
        var diff = new List<WatchItem<NetNamespaceAdapterEvent>>();
        foreach (var w in _watched.ToList())
        {
            List<LinkInfo> links;
            // a namespace that ended before its RTM_DELNSID was read: nothing to read there any more
            try { links = Dump(w); }
            catch (NetnsException) when (w.Nsid is not null) { continue; }
            var present = links.Select(l => l.Index).ToHashSet();
            foreach (var gone in w.Links.Values.Where(l => !present.Contains(l.Index)).OrderBy(l => l.Index).ToList())
                if (Classify(w, true, gone, now) is { } e) diff.Add(WatchItem<NetNamespaceAdapterEvent>.Of(e));
            foreach (var l in links.OrderBy(l => l.Index))
                if (Classify(w, false, l, now) is { } e) diff.Add(WatchItem<NetNamespaceAdapterEvent>.Of(e));
        }
        _resynced = true;
        result.Add(WatchItem<NetNamespaceAdapterEvent>.Resynchronized(
            $"The kernel dropped adapter notifications (ENOBUFS: more came than the listener's {_receiveBuffer / 1024} KiB receive " +
            $"buffer held before they were read). The adapters of the {_watched.Count} watched namespace(s) were read again; the " +
            $"{diff.Count} event(s) that follow are the difference. A change undone in between is not seen."));
        result.AddRange(diff);
    }

    /// <summary>
    /// The event for one link message against the namespace's known links (updated); null when it shows nothing new:
    /// a change of nothing the event shows or, after a resync, the removal of a link not known any more.
    /// </summary>
    private NetNamespaceAdapterEvent? Classify(Watched w, bool deleted, LinkInfo link, DateTime now)
    {
        w.Links.TryGetValue(link.Index, out var old);
        string type;
        string? oldName = null;
        string[] changes = Array.Empty<string>();
        if (deleted)
        {
            // queued before the resync's dump, which already reported it
            if (old is null && _resynced) return null;
            // A DELLINK without IFLA_IFNAME is not expected, but then the snapshot still knows the name.
            if (string.IsNullOrEmpty(link.Name) && old is not null) link = old;
            w.Links.Remove(link.Index);
            type = "Removed";
        }
        else if (old is null)
        {
            w.Links[link.Index] = link;
            type = "Added";
        }
        else
        {
            w.Links[link.Index] = link;
            changes = Changes(w.Links, old, link);
            if (changes.Length == 0) return null;
            type = "Changed";
            if (old.Name != link.Name) oldName = old.Name;
        }
        return new NetNamespaceAdapterEvent
        {
            TimeCreated = now,
            Namespace = w.Context.Name,
            EventType = type,
            Name = link.Name,
            OldName = oldName,
            Index = link.Index,
            Kind = link.Kind ?? (link.IsLoopback ? "loopback" : null),
            IsUp = link.IsUp,
            State = link.OperState.ToString(),
            MacAddress = Links.FormatMac(link.Address),
            Mtu = link.Mtu,
            Changes = changes,
        };
    }

    /// <summary>Socket failures of the watcher are WatchFailed (namespace and query errors keep their own ids).</summary>
    private static T Watching<T>(Func<T> f, object? target = null)
    {
        try { return f(); }
        catch (NetnsException ex) when (ex.ErrorCode is ErrorIds.NetlinkSocketFailed or ErrorIds.NetlinkReceiveFailed)
        {
            throw new NetnsException(ErrorIds.WatchFailed, ex.Errno, ex.Message, target ?? ex.Target, ex);
        }
    }

    /// <summary>
    /// What an RTM_NEWLINK changed against the adapter's previous state, one "Property old->new" per property the event
    /// shows (Name, IsUp, State, MacAddress, Mtu, Master); empty when nothing of that changed (statistics, flags...).
    /// </summary>
    internal static string[] Changes(IReadOnlyDictionary<int, LinkInfo> links, LinkInfo old, LinkInfo now)
    {
        var list = new List<string>();
        void Add(string property, string? before, string? after)
        {
            if (before != after) list.Add($"{property} {before ?? "none"}->{after ?? "none"}");
        }
        Add("Name", old.Name, now.Name);
        Add("IsUp", old.IsUp.ToString(), now.IsUp.ToString());
        Add("State", old.OperState.ToString(), now.OperState.ToString());
        Add("MacAddress", Links.FormatMac(old.Address), Links.FormatMac(now.Address));
        Add("Mtu", old.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture), now.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (old.MasterIndex != now.MasterIndex) Add("Master", MasterName(links, old.MasterIndex), MasterName(links, now.MasterIndex));
        return list.ToArray();
    }

    private static string? MasterName(IReadOnlyDictionary<int, LinkInfo> links, int? index) =>
        index is not int i || i == 0 ? null : links.TryGetValue(i, out var m) && !string.IsNullOrEmpty(m.Name) ? m.Name : $"if{i}";

    public void Dispose() => _listener?.Dispose();
}
