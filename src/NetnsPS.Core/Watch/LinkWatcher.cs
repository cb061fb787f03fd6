using System.Runtime.InteropServices;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Watch;

/// <summary>
/// ip monitor link, in one or more namespaces: one rtnetlink socket per namespace, created inside it (on the shared
/// namespace thread, never by switching the caller's thread) and bound to the RTNLGRP_LINK multicast group.
/// A snapshot of each namespace's links taken when watching starts tells Added from Changed and gives renames their
/// old name, and each Changed event lists what changed against the previous state of that adapter (Changes);
/// RTM_NEWLINK messages that change nothing the event shows (name, up flag, operational state, MAC, MTU, master) are
/// dropped. <see cref="Read"/> waits at most a given time so callers can stop promptly.
/// </summary>
public sealed unsafe class LinkWatcher : IDisposable
{
    private const uint RTMGRP_LINK = 1;

    private sealed class Watched
    {
        public required NamespaceContext Context;
        public required SafeFdHandle Fd;
        public readonly Dictionary<int, LinkInfo> Links = new();
    }

    private readonly List<Watched> _watched = new();
    private byte[] _rx = new byte[64 * 1024];

    /// <summary>Subscribes in every context (sockets first, then the snapshot, so no change falls in between).</summary>
    public LinkWatcher(IEnumerable<NamespaceContext> contexts)
    {
        try
        {
            foreach (var ctx in contexts)
            {
                var fd = SharedNamespaceThread.InvokeIn(ctx.Handle, () => OpenHere(ctx.DisplayName));
                var w = new Watched { Context = ctx, Fd = fd };
                _watched.Add(w);
                foreach (var l in Links.Dump(ctx.Socket, ctx.DisplayName)) w.Links[l.Index] = l;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static SafeFdHandle OpenHere(string target)
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NetlinkSocket.NETLINK_ROUTE);
        if (fd < 0) throw Sys.Error(ErrorIds.WatchFailed, "socket(AF_NETLINK)", target);
        var h = new SafeFdHandle(fd);
        try
        {
            int size = 1 << 20;
            Libc.SetSockOpt(h, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, 4); // best effort: a burst of changes fits
            byte* addr = stackalloc byte[12];
            new Span<byte>(addr, 12).Clear();
            *(ushort*)addr = Libc.AF_NETLINK;
            *(uint*)(addr + 8) = RTMGRP_LINK;
            if (Libc.Bind(h, addr, 12) != 0) throw Sys.Error(ErrorIds.WatchFailed, "bind(AF_NETLINK, RTMGRP_LINK)", target);
            return h;
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    /// <summary>Events that arrive within <paramref name="timeoutMs"/> (empty list on timeout), in order per namespace.</summary>
    public List<NetNamespaceAdapterEvent> Read(int timeoutMs)
    {
        var result = new List<NetNamespaceAdapterEvent>();
        int count = _watched.Count;
        if (count == 0) { Thread.Sleep(Math.Max(0, timeoutMs)); return result; }
        var pfds = stackalloc Libc.PollFd[count];
        for (int i = 0; i < count; i++)
            pfds[i] = new Libc.PollFd { Fd = (int)_watched[i].Fd.DangerousGetHandle(), Events = Libc.POLLIN };
        int r = Libc.Poll(pfds, (ulong)count, timeoutMs);
        if (r < 0)
        {
            if (Sys.LastErrno() == Errno.EINTR) return result;
            throw Sys.Error(ErrorIds.WatchFailed, "poll(AF_NETLINK)");
        }
        if (r == 0) return result;
        for (int i = 0; i < count; i++)
        {
            if (pfds[i].Revents == 0) continue;
            var w = _watched[i];
            int n = Receive(w);
            if (n <= 0) continue;
            var now = DateTime.Now;
            foreach (var m in NetlinkMessage.ParseAll(_rx.AsSpan(0, n)))
            {
                if (m.Type != Rtm.NEWLINK && m.Type != Rtm.DELLINK) continue;
                var link = Links.Parse(m.Payload);
                var e = Classify(w, m.Type == Rtm.DELLINK, link, now);
                if (e is not null) result.Add(e);
            }
        }
        return result;
    }

    private int Receive(Watched w)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = _rx) n = Libc.Recv(w.Fd, p, _rx.Length, Libc.MSG_PEEK | Libc.MSG_TRUNC | Libc.MSG_DONTWAIT);
            if (n < 0)
            {
                var e = Sys.LastErrno();
                if (e is Errno.EAGAIN or Errno.EINTR) return 0;
                // ENOBUFS: the kernel dropped messages (a burst outran the buffer); the snapshot may be stale, go on.
                if (e == Errno.ENOBUFS) return 0;
                throw Sys.Error(ErrorIds.WatchFailed, e, "recv(AF_NETLINK)", w.Context.DisplayName);
            }
            if (n > _rx.Length) { _rx = new byte[(int)n]; continue; }
            fixed (byte* p = _rx) n = Libc.Recv(w.Fd, p, _rx.Length, Libc.MSG_DONTWAIT);
            if (n < 0)
            {
                var e = Sys.LastErrno();
                if (e is Errno.EAGAIN or Errno.EINTR or Errno.ENOBUFS) return 0;
                throw Sys.Error(ErrorIds.WatchFailed, e, "recv(AF_NETLINK)", w.Context.DisplayName);
            }
            return (int)n;
        }
    }

    private static NetNamespaceAdapterEvent? Classify(Watched w, bool deleted, LinkInfo link, DateTime now)
    {
        w.Links.TryGetValue(link.Index, out var old);
        string type;
        string? oldName = null;
        string[] changes = Array.Empty<string>();
        if (deleted)
        {
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

    public void Dispose()
    {
        foreach (var w in _watched) w.Fd.Dispose();
        _watched.Clear();
    }
}
