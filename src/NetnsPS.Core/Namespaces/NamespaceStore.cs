using System.Text;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>An entry of /run/netns: a name, and the namespace mounted on it (or none: stale).</summary>
public readonly record struct NamespaceEntry(string Name, string Path, NamespaceIdentity Identity, bool IsStale)
{
    /// <summary>The one NamespaceStale error for an entry with no namespace mounted on it.</summary>
    public NetnsException StaleError() =>
        new(ErrorIds.NamespaceStale, Errno.EINVAL, $"'{Path}' is a stale entry, not a namespace.", Name);

    /// <summary>Throws <see cref="StaleError"/> when the entry is stale.</summary>
    public void ThrowIfStale()
    {
        if (IsStale) throw StaleError();
    }
}

/// <summary>
/// The named namespaces under /run/netns, created, attached and deleted exactly like iproute2 does
/// (ip/ipnetns.c): a shared /run/netns mount, an O_EXCL placeholder file, a bind mount of the
/// namespace onto it; removal is umount2(MNT_DETACH) then unlink. Every failure removes what it made.
/// </summary>
public static class NamespaceStore
{
    public const string RunDir = NamespaceScan.RunDir;

    /// <summary>NAME_MAX: the longest name a file in /run/netns can have (bytes of UTF-8).</summary>
    public const int MaxNameBytes = 255;

    public static string PathOf(string name) => IsPath(name) ? name : RunDir + "/" + name;

    /// <summary>True when <paramref name="nameOrPath"/> is a path to a namespace file (names never contain '/').</summary>
    public static bool IsPath(string? nameOrPath) => nameOrPath is not null && nameOrPath.StartsWith('/');

    /// <summary>
    /// A namespace given by the path of any nsfs file (a bind mount outside /run/netns, /proc/PID/ns/net,
    /// /proc/PID/task/TID/ns/net): NamespaceNotFound when missing, NotANetworkNamespace when the file is something else.
    /// </summary>
    public static NamespaceEntry OpenPath(string path)
    {
        NamespaceHandle h;
        try { h = NamespaceHandle.Open(path, path); }
        catch (NetnsException ex) when (ex.ErrorCode == ErrorIds.NamespaceStale)
        {
            throw new NetnsException(ErrorIds.NotANetworkNamespace, Errno.EINVAL,
                $"'{path}' is not a network namespace file (nsfs); give a name under {RunDir}, or a path such as /proc/PID/ns/net or a bind mount of one.", path, ex);
        }
        using (h) return new NamespaceEntry(path, path, h.Identity, false);
    }

    /// <summary>Same rule as iproute2: not empty, not '.' or '..', no '/', at most 255 bytes; also no NUL.</summary>
    public static void ValidateName(string? name)
    {
        string? why = null;
        if (string.IsNullOrEmpty(name)) why = "it is empty";
        else if (name is "." or "..") why = $"'{name}' is reserved";
        else if (name.Contains('/')) why = "it contains '/'";
        else if (name.Contains('\0')) why = "it contains a NUL character";
        else if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) why = $"it is longer than {MaxNameBytes} bytes";
        if (why is not null)
            throw new NetnsException(ErrorIds.InvalidNamespaceName, Errno.EINVAL,
                $"Invalid network namespace name '{name}': {why}.", name ?? string.Empty);
    }

    /// <summary>
    /// Makes sure /run/netns exists and is a shared mount (recursively), binding it onto itself first if it
    /// is not a mount point, so that namespace mounts propagate to every mount namespace (iproute2 does the same).
    /// </summary>
    public static void EnsureRunDir()
    {
        if (Libc.Mkdir(RunDir, 0x1ED /* 0755 */) != 0 && Sys.LastErrno() != Errno.EEXIST)
            throw Sys.Error(ErrorIds.RunDirectoryFailed, $"Cannot create {RunDir}", RunDir);
        bool bound = false;
        while (Libc.Mount("", RunDir, "none", Libc.MS_SHARED | Libc.MS_REC, 0) != 0)
        {
            var e = Sys.LastErrno();
            if (e != Errno.EINVAL || bound)
                throw Sys.Error(ErrorIds.RunDirectoryFailed, e, $"Cannot make {RunDir} a shared mount", RunDir);
            if (Libc.Mount(RunDir, RunDir, "none", Libc.MS_BIND | Libc.MS_REC, 0) != 0)
                throw Sys.Error(ErrorIds.RunDirectoryFailed, $"Cannot bind {RunDir} onto itself", RunDir);
            bound = true;
        }
    }

    /// <summary>
    /// A placeholder file being turned into a namespace: <see cref="LockFd"/> holds an exclusive flock until the
    /// namespace is mounted on it (a concurrent <see cref="Delete"/> waits for that lock instead of taking the
    /// placeholder for a stale entry); <see cref="Target"/> names exactly this file, never one someone else made
    /// under the same name meanwhile. Dispose closes both descriptors (and so releases the lock).
    /// </summary>
    internal readonly struct Placeholder : IDisposable
    {
        public Placeholder(int lockFd, int targetFd) { LockFd = lockFd; TargetFd = targetFd; }
        public int LockFd { get; }
        public int TargetFd { get; }
        public string Target => $"/proc/self/fd/{TargetFd}";
        public void Dispose()
        {
            if (TargetFd != LockFd) Libc.Close(TargetFd);
            Libc.Close(LockFd);
        }
    }

    /// <summary>
    /// Creates the empty placeholder file (exactly one of concurrent creators of a name wins) and returns it locked.
    /// The inode is made with O_TMPFILE, locked, then linked under its name with linkat (EEXIST when taken): the
    /// filesystem's inode allocation then runs without the directory lock, so creators on several threads do
    /// not queue for it (with O_CREAT they do: on an ext4 /run with many recently deleted entries each create
    /// scans past them, ~0.1-1 ms, all under /run/netns's lock), and the file is never visible unlocked.
    /// Filesystems without O_TMPFILE get iproute2's open(O_CREAT|O_EXCL) followed by flock.
    /// </summary>
    internal static Placeholder CreatePlaceholder(string name, string path)
    {
        int tmp = Libc.Open(RunDir, Libc.O_TMPFILE | Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (tmp < 0)
        {
            var te = Sys.LastErrno();
            if (te is not (Errno.EOPNOTSUPP or Errno.EISDIR or Errno.EINVAL))
                throw Sys.Error(ErrorIds.NamespaceCreateFailed, te, $"Cannot create {path}", name);
            int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0);
            if (fd < 0) throw PlaceholderError(name, path, Sys.LastErrno());
            Libc.Flock(fd, Libc.LOCK_EX);
            return new Placeholder(fd, fd);
        }
        Libc.Flock(tmp, Libc.LOCK_EX);
        // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc/self/fd form does not.
        if (Libc.Linkat(tmp, "", Libc.AT_FDCWD, path, Libc.AT_EMPTY_PATH) != 0)
        {
            var le = Sys.LastErrno();
            if (le is not (Errno.ENOENT or Errno.EPERM) ||
                Libc.Linkat(Libc.AT_FDCWD, $"/proc/self/fd/{tmp}", Libc.AT_FDCWD, path, Libc.AT_SYMLINK_FOLLOW) != 0)
            {
                if (le is Errno.ENOENT or Errno.EPERM) le = Sys.LastErrno();
                Libc.Close(tmp);
                throw PlaceholderError(name, path, le);
            }
        }
        // The linked name, pinned: a bind mount cannot target the O_TMPFILE descriptor itself (its dentry is unlinked).
        int target = Libc.Open(path, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        var oe = target < 0 ? Sys.LastErrno() : Errno.ENOENT;
        if (target < 0 || !SameFile(tmp, target))
        {
            if (target >= 0) Libc.Close(target);
            // Refused (ENOMEM, EMFILE...), not removed: the linked name is ours, and goes with the error.
            else if (oe != Errno.ENOENT) UnlinkIfSame(tmp, path);
            Libc.Close(tmp);
            throw oe != Errno.ENOENT ? Sys.Error(ErrorIds.NamespaceCreateFailed, oe, $"Cannot open {path}", name)
                : new NetnsException(ErrorIds.NamespaceCreateFailed, Errno.ENOENT, $"Cannot create {path}: it was removed while being created.", name);
        }
        return new Placeholder(tmp, target);
    }

    private static NetnsException PlaceholderError(string name, string path, Errno e) => e == Errno.EEXIST
        ? new NetnsException(ErrorIds.NamespaceAlreadyExists, e, $"A network namespace named '{name}' already exists ({path}).", name)
        : Sys.Error(ErrorIds.NamespaceCreateFailed, e, $"Cannot create {path}", name);

    private static unsafe void UnlinkIfSame(int fd, string path)
    {
        byte* sa = stackalloc byte[Libc.StatBufferSize];
        byte* sb = stackalloc byte[Libc.StatBufferSize];
        if (Libc.FStat(fd, sa) == 0 && Libc.Stat(path, sb) == 0 && Libc.StatIdentity(sa) == Libc.StatIdentity(sb)) Libc.Unlink(path);
    }

    private static unsafe bool SameFile(int a, int b)
    {
        byte* sa = stackalloc byte[Libc.StatBufferSize];
        byte* sb = stackalloc byte[Libc.StatBufferSize];
        return Libc.FStat(a, sa) == 0 && Libc.FStat(b, sb) == 0 && Libc.StatIdentity(sa) == Libc.StatIdentity(sb);
    }

    /// <summary>Unlinks <paramref name="path"/> only while it is still our placeholder (not a newer file or a mount of another creator).</summary>
    private static void RemoveOwnPlaceholder(in Placeholder ph, string path)
    {
        if (NamespaceHandle.TryStat(ph.Target, out var mine, out _) &&
            NamespaceHandle.TryStat(path, out var now, out _) && mine == now)
            Libc.Unlink(path);
    }

    /// <summary>
    /// The creation step that must run on a dedicated thread whose home namespace handle is <paramref name="home"/>:
    /// unshare(CLONE_NEWNET), bind /proc/thread-self/ns/net onto the placeholder, setns back home.
    /// On failure the placeholder is removed. A failed restore throws <see cref="NamespaceRestoreException"/>.
    /// </summary>
    internal static NamespaceIdentity CreateOnDedicatedThread(string name, string path, NamespaceHandle home)
    {
        using var ph = CreatePlaceholder(name, path);
        using var inside = ThreadHygiene.Inside(0); // for the moment between unshare and setns back
        NetnsException? failure = null;
        if (Libc.Unshare(Libc.CLONE_NEWNET) != 0)
        {
            var e = Sys.LastErrno();
            failure = e == Errno.ENOSPC
                ? Limits.NamespaceLimitReached($"unshare(CLONE_NEWNET) for '{name}' failed", name)
                : Sys.Error(ErrorIds.NamespaceCreateFailed, e, $"unshare(CLONE_NEWNET) for '{name}' failed", name);
            RemoveOwnPlaceholder(ph, path);
            throw failure;
        }
        // The new namespace's identity, from this thread (stat-ing the path after the mount would race with a
        // concurrent remover, which may unmount and unlink the name as soon as it is a mount).
        if (!NamespaceHandle.TryStat("/proc/thread-self/ns/net", out var id, out var se))
            failure = Sys.Error(ErrorIds.NamespaceCreateFailed, se, $"stat of the new namespace of '{name}'", name);
        // Onto our placeholder by descriptor: if a concurrent remover unlinked it, this fails (ENOENT) instead of
        // landing on a placeholder another creator made meanwhile.
        else if (Libc.Mount("/proc/thread-self/ns/net", ph.Target, "none", Libc.MS_BIND, 0) != 0)
            failure = Sys.Error(ErrorIds.NamespaceCreateFailed, $"Cannot bind the new namespace onto {path}", name);
        if (Libc.SetNs(home, Libc.CLONE_NEWNET) != 0)
        {
            var e = Sys.LastErrno();
            if (failure is null) Libc.Umount2(path, Libc.MNT_DETACH);
            RemoveOwnPlaceholder(ph, path);
            throw new NamespaceRestoreException($"setns back after creating '{name}' failed: {Sys.StrError(e)}", e);
        }
        if (failure is not null)
        {
            RemoveOwnPlaceholder(ph, path);
            throw failure;
        }
        return id;
    }

    /// <summary>Creates one named namespace (ip netns add NAME).</summary>
    public static NamespaceEntry Create(string name)
    {
        ValidateName(name);
        EnsureRunDir();
        var path = PathOf(name);
        var id = SharedNamespaceThread.Invoke(home => CreateOnDedicatedThread(name, path, home));
        return new NamespaceEntry(name, path, id, false);
    }

    /// <summary>Names the network namespace of process <paramref name="pid"/> (ip netns attach NAME PID).</summary>
    public static NamespaceEntry Attach(string name, int pid)
    {
        ValidateName(name);
        using var ns = NamespaceHandle.OpenProcess(pid);
        EnsureRunDir();
        var path = PathOf(name);
        using (var ph = CreatePlaceholder(name, path))
        {
            // Bind the descriptor we hold, not /proc/PID/ns/net again: the pid could be reused meanwhile.
            if (Libc.Mount($"/proc/self/fd/{ns.Fd}", ph.Target, "none", Libc.MS_BIND, 0) != 0)
            {
                var ex = Sys.Error(ErrorIds.NamespaceAttachFailed, $"Cannot bind the namespace of process {pid} onto {path}", name);
                RemoveOwnPlaceholder(ph, path);
                throw ex;
            }
        }
        return new NamespaceEntry(name, path, ns.Identity, false);
    }

    /// <summary>
    /// Removes a named namespace (ip netns delete NAME): umount2(MNT_DETACH) then unlink. Stale entries too.
    /// The unlink happens only while this call holds the placeholder's flock and the name still refers to the locked
    /// file (see <see cref="CreatePlaceholder"/>): a placeholder a creator has linked but not mounted yet is never
    /// taken for a stale entry, and a file someone else made under the name after the unmount is never removed.
    /// A creation in progress is waited for (up to 3 s) and then removed.
    /// </summary>
    public static void Delete(string name)
    {
        ValidateName(name);
        var path = PathOf(name);
        bool unmounted = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (!unmounted)
            {
                if (Libc.Umount2(path, Libc.MNT_DETACH) == 0) unmounted = true;
                else
                {
                    var e = Sys.LastErrno();
                    if (e == Errno.ENOENT) throw NotFound(name, path);
                    if (e != Errno.EINVAL) // EINVAL: not a mount point: a placeholder being created, or a stale one
                        throw Sys.Error(e == Errno.EBUSY ? ErrorIds.NamespaceBusy : ErrorIds.NamespaceRemoveFailed, e, $"Cannot unmount {path}", name);
                }
            }
            var step = UnlinkLocked(name, path, unmounted, clock);
            if (step == UnlinkStep.Done) return;
            if (step == UnlinkStep.Gone)
            {
                if (unmounted) return; // a concurrent remover unlinked what we unmounted
                throw NotFound(name, path);
            }
            if (clock.ElapsedMilliseconds >= 3000)
                throw new NetnsException(ErrorIds.NamespaceBusy, Errno.EBUSY,
                    $"Cannot remove {path}: it is still being created (its placeholder stayed locked or new for 3 s).", name);
            Thread.Sleep(step == UnlinkStep.Retry ? 0 : 2);
        }
    }

    private static NetnsException NotFound(string name, string path)
        => new(ErrorIds.NamespaceNotFound, Errno.ENOENT, $"No network namespace named '{name}' ({path} does not exist).", name);

    private enum UnlinkStep { Done, Gone, Retry, Wait }

    /// <summary>
    /// One attempt at unlinking the file at <paramref name="path"/> under its flock. Done: unlinked, or (after our
    /// unmount) the name now refers to something else, which is left alone. Gone: nothing at the name. Retry: the name
    /// is a mount again (a creation finished meanwhile). Wait: a placeholder still locked by its creator, or unlocked
    /// but new (an O_CREAT placeholder before its flock, or one a concurrent remover is about to unlink).
    /// </summary>
    private static unsafe UnlinkStep UnlinkLocked(string name, string path, bool unmounted, System.Diagnostics.Stopwatch clock)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var e = Sys.LastErrno();
            if (e == Errno.ENOENT) return UnlinkStep.Gone;
            if (e != Errno.ELOOP) throw Sys.Error(ErrorIds.NamespaceRemoveFailed, e, $"Cannot open {path}", name);
            // a symbolic link: never a placeholder of ours; remove it as iproute2 would
            return Unlink(name, path, unmounted);
        }
        try
        {
            byte* mine = stackalloc byte[Libc.StatBufferSize];
            byte* now = stackalloc byte[Libc.StatBufferSize];
            if (Libc.FStat(fd, mine) != 0) throw Sys.Error(ErrorIds.NamespaceRemoveFailed, $"Cannot stat {path}", name);
            var id = Libc.StatIdentity(mine);
            if (id.Item1 == NamespaceHandle.NsfsDevice) return unmounted ? UnlinkStep.Done : UnlinkStep.Retry;
            while (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
            {
                if (Sys.LastErrno() != Errno.EAGAIN || clock.ElapsedMilliseconds >= 3000) return UnlinkStep.Wait;
                Thread.Sleep(1);
            }
            // Locked: no creator of this file is between its link and its mount. Is the name still this file?
            if (Libc.Stat(path, now) != 0) return UnlinkStep.Gone;
            if (Libc.StatIdentity(now) != id)
                return unmounted ? UnlinkStep.Done : UnlinkStep.Retry; // mounted by its creator, or replaced
            if (!unmounted && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) <= StaleAge) return UnlinkStep.Wait;
            return Unlink(name, path, unmounted);
        }
        finally { Libc.Close(fd); }
    }

    private static UnlinkStep Unlink(string name, string path, bool unmounted)
    {
        if (Libc.Unlink(path) == 0) return UnlinkStep.Done;
        var e = Sys.LastErrno();
        if (e == Errno.ENOENT) return UnlinkStep.Gone;
        if (e == Errno.EBUSY)
            throw Sys.Error(ErrorIds.NamespaceBusy, e,
                $"Cannot remove {path}: it is still a mount point (another mount of the namespace is stacked on it, or it is mounted in another mount namespace)", name);
        throw Sys.Error(ErrorIds.NamespaceRemoveFailed, e, $"Cannot remove {path}", name);
    }

    /// <summary>An unlocked placeholder older than this is stale (left by a crash), not a creation in progress.</summary>
    private static readonly TimeSpan StaleAge = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Every entry of /run/netns, sorted by name (ordinal): one readdir and one fstatat relative to the directory per
    /// entry (~1 µs each; building paths and stat-ing them from / cost twice that).
    /// </summary>
    public static unsafe List<NamespaceEntry> List()
    {
        var list = new List<NamespaceEntry>();
        ulong nsfs = NamespaceHandle.NsfsDevice;
        byte* st = stackalloc byte[Libc.StatBufferSize];
        ReadDir((dfd, name) =>
        {
            if (Libc.FStatAt(dfd, name, st, 0) != 0) return; // gone meanwhile
            var (dev, ino) = Libc.StatIdentity(st);
            var n = NameOf(name);
            list.Add(new NamespaceEntry(n, RunDir + "/" + n, new NamespaceIdentity(dev, ino), dev != nsfs));
        });
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>
    /// The names in /run/netns, sorted (ordinal): readdir alone. With 10,000 namespace mounts a stat costs ~2 µs in the
    /// kernel, ten times the readdir of the name: a whole listing stats an entry only when it is asked about.
    /// </summary>
    public static unsafe List<string> ListNames()
    {
        var list = new List<string>();
        ReadDir((_, name) => list.Add(NameOf(name)));
        list.Sort(string.CompareOrdinal);
        return list;
    }

    private unsafe delegate void EntryVisitor(int dirFd, byte* name);

    /// <summary>Calls <paramref name="visit"/> for each entry of /run/netns but . and ..; none when the directory does not exist.</summary>
    private static unsafe void ReadDir(EntryVisitor visit)
    {
        nint dir = Libc.OpenDir(RunDir);
        if (dir == 0)
        {
            var e = Sys.LastErrno();
            if (e is Errno.ENOENT or Errno.ENOTDIR) return;
            throw Sys.Error(ErrorIds.NamespaceListFailed, e, $"Cannot read {RunDir}", RunDir);
        }
        try
        {
            int dfd = Libc.DirFd(dir);
            byte* ent;
            while ((ent = Libc.ReadDir(dir)) != null)
            {
                byte* name = ent + Libc.DirentNameOffset;
                if (name[0] == (byte)'.' && (name[1] == 0 || (name[1] == (byte)'.' && name[2] == 0))) continue;
                visit(dfd, name);
            }
        }
        finally { Libc.CloseDir(dir); }
    }

    // Up to the NUL, never a fixed 256 bytes: readdir's records are packed by d_reclen in its buffer.
    private static unsafe string NameOf(byte* name)
        => Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));

    /// <summary>One entry by exact name, or null.</summary>
    public static NamespaceEntry? Find(string name)
    {
        ValidateName(name);
        var path = PathOf(name);
        if (!NamespaceHandle.TryStat(path, out var id, out _)) return null;
        return new NamespaceEntry(name, path, id, id.Device != NamespaceHandle.NsfsDevice);
    }
}
