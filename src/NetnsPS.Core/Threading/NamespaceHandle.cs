using System.Runtime.InteropServices;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Threading;

/// <summary>Identity of a namespace: the (st_dev, st_ino) pair of its nsfs inode.</summary>
public readonly record struct NamespaceIdentity(ulong Device, ulong Inode)
{
    public override string ToString() => $"net:[{Inode}]";
}

/// <summary>An O_RDONLY|O_CLOEXEC descriptor of a network namespace file (nsfs), closed deterministically.</summary>
public sealed class NamespaceHandle : SafeHandle
{
    private NamespaceHandle(int fd, string path) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Path = path;
    }

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The path the descriptor was opened from.</summary>
    public string Path { get; }

    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;

    /// <summary>Opens a network namespace file and verifies that it is one (NS_GET_NSTYPE == CLONE_NEWNET).</summary>
    /// <exception cref="NetnsException">NamespaceNotFound, NotANamespace (stale placeholder) or the open error.</exception>
    public static NamespaceHandle Open(string path, object? target = null) => Open(path, target, verify: true);

    /// <summary>Opens a namespace file; <paramref name="verify"/> false skips NS_GET_NSTYPE when the caller already
    /// knows the entry is an nsfs mount (setns then refuses anything else with EINVAL).</summary>
    public static NamespaceHandle Open(string path, object? target, bool verify)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var e = Sys.LastErrno();
            throw e == Errno.ENOENT
                ? Sys.Error(ErrorIds.NamespaceNotFound, e, $"Cannot open network namespace '{path}'", target ?? path)
                : Sys.Error(ErrorIds.NamespaceOpenFailed, e, $"Cannot open network namespace '{path}'", target ?? path);
        }
        var h = new NamespaceHandle(fd, path);
        if (!verify) return h;
        int type = Libc.Ioctl(h, Libc.NS_GET_NSTYPE);
        if (type != Libc.CLONE_NEWNET)
        {
            var e = type < 0 ? Sys.LastErrno() : Errno.EINVAL;
            h.Dispose();
            throw new NetnsException(ErrorIds.NamespaceStale, e == Errno.None ? Errno.EINVAL : e,
                $"'{path}' is not a network namespace (a stale entry, or another kind of file)", target ?? path);
        }
        return h;
    }

    /// <summary>The network namespace of a process (/proc/PID/ns/net).</summary>
    public static NamespaceHandle OpenProcess(int pid)
    {
        try
        {
            return Open($"/proc/{pid}/ns/net", pid);
        }
        catch (NetnsException ex) when (ex.Errno is Errno.ENOENT or Errno.ESRCH)
        {
            throw new NetnsException(ErrorIds.ProcessNotFound, Errno.ESRCH, $"No process with id {pid}", pid, ex);
        }
    }

    /// <summary>The network namespace of the calling thread (never /proc/self: that is the main thread).</summary>
    public static NamespaceHandle OpenCurrentThread() => Open("/proc/thread-self/ns/net");

    /// <summary>(st_dev, st_ino) of the open namespace.</summary>
    public unsafe NamespaceIdentity Identity
    {
        get
        {
            byte* buf = stackalloc byte[Libc.StatBufferSize];
            if (Libc.FStat(this, buf) != 0) throw Sys.Error(ErrorIds.NamespaceStatFailed, $"fstat '{Path}'");
            var (dev, ino) = Libc.StatIdentity(buf);
            return new NamespaceIdentity(dev, ino);
        }
    }

    /// <summary>stat(2) of a path, following magic links: gives the namespace identity of /proc/.../ns/net or a bind mount.</summary>
    public static unsafe bool TryStat(string path, out NamespaceIdentity id, out Errno errno)
    {
        byte* buf = stackalloc byte[Libc.StatBufferSize];
        if (Libc.Stat(path, buf) != 0)
        {
            errno = Sys.LastErrno();
            id = default;
            return false;
        }
        var (dev, ino) = Libc.StatIdentity(buf);
        id = new NamespaceIdentity(dev, ino);
        errno = Errno.None;
        return true;
    }

    /// <summary>Identity of the calling thread's network namespace.</summary>
    public static NamespaceIdentity CurrentThreadIdentity()
    {
        if (!TryStat("/proc/thread-self/ns/net", out var id, out var e))
            throw Sys.Error(ErrorIds.NamespaceStatFailed, e, "stat /proc/thread-self/ns/net");
        return id;
    }

    private static ulong _nsfsDevice;

    /// <summary>st_dev shared by every nsfs inode; a file in /run/netns with another st_dev is not a namespace mount.</summary>
    public static ulong NsfsDevice
    {
        get
        {
            if (_nsfsDevice == 0)
            {
                if (!TryStat("/proc/self/ns/net", out var id, out var e))
                    throw Sys.Error(ErrorIds.NamespaceStatFailed, e, "stat /proc/self/ns/net");
                _nsfsDevice = id.Device;
            }
            return _nsfsDevice;
        }
    }
}
