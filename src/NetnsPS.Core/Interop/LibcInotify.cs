using System.Runtime.InteropServices;

namespace NetnsPS.Core.Interop;

/// <summary>inotify and poll (Watch-NetNamespace).</summary>
internal static unsafe partial class Libc
{
    public const int IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800;
    public const uint IN_CREATE = 0x100, IN_DELETE = 0x200, IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80, IN_ISDIR = 0x40000000;
    /// <summary>The event queue overflowed (fs.inotify.max_queued_events): later events were dropped (wd -1, no name).</summary>
    public const uint IN_Q_OVERFLOW = 0x4000;
    public const short POLLIN = 1;

    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InotifyAddWatch(int fd, string path, uint mask);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short Revents; }

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, ulong nfds, int timeout);
}
