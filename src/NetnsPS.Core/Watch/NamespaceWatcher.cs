using System.Buffers.Binary;
using System.Text;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Core.Watch;

/// <summary>
/// ip netns monitor: inotify on /run/netns (IN_CREATE | IN_DELETE, plus renames in and out), creating the directory
/// if it is missing, like iproute2. The names in the directory are read when watching starts and kept up to date by
/// the events; when the kernel's event queue overflows (IN_Q_OVERFLOW: more than fs.inotify.max_queued_events waited
/// to be read) the directory is read again and the difference follows a resync notice, so no change is lost silently.
/// <see cref="Read"/> waits at most a given time so callers can stop promptly.
/// </summary>
public sealed unsafe class NamespaceWatcher : IDisposable
{
    /// <summary>At most this many bytes of events per <see cref="Read"/> (the caller stays responsive).</summary>
    private const int MaxReadBytes = 1 << 20;

    private readonly string _dir;
    private readonly int _fd;
    private readonly byte[] _buf = new byte[64 * 1024];
    private HashSet<string> _names;
    private bool _resynced;

    public NamespaceWatcher(string dir = NamespaceStore.RunDir)
    {
        _dir = dir;
        if (Libc.Mkdir(dir, 0x1ED) != 0 && Sys.LastErrno() != Errno.EEXIST)
            throw Sys.Error(ErrorIds.RunDirectoryFailed, $"Cannot create {dir}", dir);
        _fd = Libc.InotifyInit1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
        if (_fd < 0) throw Sys.Error(ErrorIds.WatchFailed, "inotify_init1", dir);
        if (Libc.InotifyAddWatch(_fd, dir, Libc.IN_CREATE | Libc.IN_DELETE | Libc.IN_MOVED_FROM | Libc.IN_MOVED_TO) < 0)
        {
            var ex = Sys.Error(ErrorIds.WatchFailed, $"inotify_add_watch {dir}", dir);
            Libc.Close(_fd);
            throw ex;
        }
        // after the watch is in place: a name made meanwhile is both listed and reported
        _names = List();
    }

    /// <summary>The names in the directory now (its entries that are not directories).</summary>
    private HashSet<string> List()
    {
        try
        {
            return new DirectoryInfo(_dir).EnumerateFileSystemInfos()
                .Where(f => (f.Attributes & FileAttributes.Directory) == 0).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NetnsException(ErrorIds.WatchFailed, Errno.EIO, $"Cannot read {_dir}: {ex.Message}", _dir, ex);
        }
    }

    /// <summary>
    /// Events that arrive within <paramref name="timeoutMs"/> (empty list on timeout), in order; after an overflow of
    /// the event queue, a resync notice and the difference.
    /// </summary>
    public List<WatchItem<NetNamespaceEvent>> Read(int timeoutMs)
    {
        var result = new List<WatchItem<NetNamespaceEvent>>();
        var pfd = new Libc.PollFd { Fd = _fd, Events = Libc.POLLIN };
        int r = Libc.Poll(&pfd, 1, timeoutMs);
        if (r < 0)
        {
            if (Sys.LastErrno() == Errno.EINTR) return result;
            throw Sys.Error(ErrorIds.WatchFailed, "poll(inotify)");
        }
        if (r == 0) return result;
        // everything queued (up to a bound), so that a burst is taken off the kernel's queue as fast as it comes
        for (int total = 0; total < MaxReadBytes;)
        {
            nint n;
            fixed (byte* p = _buf) n = Libc.Read(_fd, p, _buf.Length);
            if (n < 0)
            {
                var e = Sys.LastErrno();
                if (e is Errno.EAGAIN or Errno.EINTR) break;
                throw Sys.Error(ErrorIds.WatchFailed, e, "read(inotify)");
            }
            if (n == 0) break;
            Take(_buf.AsSpan(0, (int)n), DateTime.Now, result);
            total += (int)n;
        }
        return result;
    }

    /// <summary>
    /// Turns inotify records (struct inotify_event { int wd; u32 mask; u32 cookie; u32 len; char name[len]; }) into
    /// events, keeping the known names up to date. After a resync, an event the resync already reported (a name added
    /// that is known, or removed that is not) is dropped.
    /// </summary>
    internal void Take(ReadOnlySpan<byte> records, DateTime now, List<WatchItem<NetNamespaceEvent>> result)
    {
        while (records.Length >= 16)
        {
            uint mask = BinaryPrimitives.ReadUInt32LittleEndian(records[4..]);
            int len = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(records[12..]), (uint)(records.Length - 16));
            var nameBytes = records.Slice(16, len);
            int z = nameBytes.IndexOf((byte)0);
            string name = Encoding.UTF8.GetString(z >= 0 ? nameBytes[..z] : nameBytes);
            records = records[(16 + len)..];
            if ((mask & Libc.IN_Q_OVERFLOW) != 0)
            {
                Resync(now, result);
                continue;
            }
            if ((mask & Libc.IN_ISDIR) != 0 || name.Length == 0) continue;
            if ((mask & (Libc.IN_CREATE | Libc.IN_MOVED_TO)) != 0)
            {
                if (_names.Add(name) || !_resynced) result.Add(Event("Added", name, now));
            }
            else if ((mask & (Libc.IN_DELETE | Libc.IN_MOVED_FROM)) != 0)
            {
                if (_names.Remove(name) || !_resynced) result.Add(Event("Removed", name, now));
            }
        }
    }

    private static WatchItem<NetNamespaceEvent> Event(string what, string name, DateTime now) =>
        WatchItem<NetNamespaceEvent>.Of(new NetNamespaceEvent { Event = what, Name = name, Time = now });

    /// <summary>The queue overflowed: reads the directory again and reports the difference (Removed, then Added, by name).</summary>
    private void Resync(DateTime now, List<WatchItem<NetNamespaceEvent>> result)
    {
        var current = List();
        var removed = _names.Where(n => !current.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var added = current.Where(n => !_names.Contains(n)).Order(StringComparer.Ordinal).ToList();
        _names = current;
        _resynced = true;
        result.Add(WatchItem<NetNamespaceEvent>.Resynchronized(
            $"The inotify queue of {_dir} overflowed (more changes waited to be read than fs.inotify.max_queued_events, " +
            $"{MaxQueuedEvents()}): some events were lost. {_dir} was read again; the {removed.Count} Removed and {added.Count} " +
            "Added event(s) that follow are the difference. A name added and removed again in between is not seen."));
        foreach (var n in removed) result.Add(Event("Removed", n, now));
        foreach (var n in added) result.Add(Event("Added", n, now));
    }

    private static string MaxQueuedEvents()
    {
        try { return File.ReadAllText("/proc/sys/fs/inotify/max_queued_events").Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return "unknown"; }
    }

    public void Dispose() => Libc.Close(_fd);
}
