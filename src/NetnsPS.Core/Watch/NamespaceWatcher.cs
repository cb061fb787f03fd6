using System.Text;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Core.Watch;

/// <summary>
/// ip netns monitor: inotify on /run/netns (IN_CREATE | IN_DELETE, plus renames in and out), creating the directory
/// if it is missing, like iproute2. <see cref="Read"/> waits at most a given time so callers can stop promptly.
/// </summary>
public sealed unsafe class NamespaceWatcher : IDisposable
{
    private readonly int _fd;
    private readonly byte[] _buf = new byte[64 * 1024];

    public NamespaceWatcher(string dir = NamespaceStore.RunDir)
    {
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
    }

    /// <summary>Events that arrive within <paramref name="timeoutMs"/> (empty list on timeout), in order.</summary>
    public List<NetNamespaceEvent> Read(int timeoutMs)
    {
        var result = new List<NetNamespaceEvent>();
        var pfd = new Libc.PollFd { Fd = _fd, Events = Libc.POLLIN };
        int r = Libc.Poll(&pfd, 1, timeoutMs);
        if (r < 0)
        {
            if (Sys.LastErrno() == Errno.EINTR) return result;
            throw Sys.Error(ErrorIds.WatchFailed, "poll(inotify)");
        }
        if (r == 0) return result;
        nint n;
        fixed (byte* p = _buf) n = Libc.Read(_fd, p, _buf.Length);
        if (n < 0)
        {
            var e = Sys.LastErrno();
            if (e is Errno.EAGAIN or Errno.EINTR) return result;
            throw Sys.Error(ErrorIds.WatchFailed, e, "read(inotify)");
        }
        var now = DateTime.Now;
        int off = 0;
        while (off + 16 <= n)
        {
            // struct inotify_event { int wd; u32 mask; u32 cookie; u32 len; char name[len]; }
            uint mask = BitConverter.ToUInt32(_buf, off + 4);
            int len = (int)BitConverter.ToUInt32(_buf, off + 12);
            var nameBytes = _buf.AsSpan(off + 16, len);
            int z = nameBytes.IndexOf((byte)0);
            string name = Encoding.UTF8.GetString(z >= 0 ? nameBytes[..z] : nameBytes);
            off += 16 + len;
            if ((mask & Libc.IN_ISDIR) != 0 || name.Length == 0) continue;
            if ((mask & (Libc.IN_CREATE | Libc.IN_MOVED_TO)) != 0) result.Add(new NetNamespaceEvent { Event = "Added", Name = name, Time = now });
            else if ((mask & (Libc.IN_DELETE | Libc.IN_MOVED_FROM)) != 0) result.Add(new NetNamespaceEvent { Event = "Removed", Name = name, Time = now });
        }
        return result;
    }

    public void Dispose() => Libc.Close(_fd);
}
