using System.Diagnostics;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Exec;

/// <summary>
/// Starts native programs with `ip netns exec` semantics: from a dedicated launcher thread that has entered the
/// network namespace, has a private mount namespace (unshare CLONE_NEWNS|CLONE_FS, / made a slave so nothing
/// propagates back), /sys remounted to show the namespace's devices and /etc/netns/NAME/* bind-mounted over /etc/*.
/// The program is forked from that thread and inherits all of it; the caller's thread and mounts are never touched.
/// A launcher serves one namespace only and never runs other work; it ends after <see cref="IdleMilliseconds"/>
/// without requests, or at once when <see cref="Release"/> is called (Remove-NetNamespace does), so it does not keep
/// a removed namespace alive.
/// </summary>
public static class NetnsExec
{
    public const string EtcNetns = "/etc/netns";
    public const int IdleMilliseconds = 1000;

    /// <summary>
    /// At most this many launchers (threads, each with a private mount namespace) live at once: starting another one
    /// ends the least recently used idle ones first, so running programs in 10,000 namespaces one after the other
    /// does not leave 10,000 threads waiting out their idle second.
    /// </summary>
    public const int MaxLaunchers = 16;

    private static readonly object s_lock = new();
    private static readonly Dictionary<(string Name, ulong Inode), Launcher> s_launchers = new();

    /// <summary>Starts <paramref name="psi"/> inside the named namespace; returns the started process.</summary>
    public static Process Start(string name, ProcessStartInfo psi)
    {
        Validate(name);
        return Start(name, 0, psi);
    }

    /// <summary>The clear errors for a target not resolved yet: an invalid name, or a path that is not a network namespace.</summary>
    private static void Validate(string name)
    {
        if (NamespaceStore.IsPath(name)) NamespaceStore.OpenPath(name);
        else NamespaceStore.ValidateName(name);
    }

    /// <summary>
    /// Starts <paramref name="psi"/> inside a namespace already resolved to <paramref name="inode"/> (a name that
    /// was validated, or a path): a launcher already serving it is used without opening the namespace again.
    /// </summary>
    public static Process Start(string name, ulong inode, ProcessStartInfo psi)
    {
        var request = new Request(psi);
        Submit(name, inode, request);
        try { return request.Result.GetAwaiter().GetResult(); }
        catch (System.ComponentModel.Win32Exception w)
        {
            throw new NetnsException(ErrorIds.ProgramNotFound, Errno.ENOENT, $"Cannot run '{psi.FileName}' in network namespace '{name}': {w.Message}", psi.FileName, w);
        }
        catch (Exception ex) when (ex is not NetnsException)
        {
            throw new NetnsException(ErrorIds.ProcessStartFailed, Errno.EIO, $"Cannot run '{psi.FileName}' in network namespace '{name}': {ex.Message}", psi.FileName, ex);
        }
    }

    /// <summary>
    /// Starts <paramref name="file"/> inside a namespace resolved to <paramref name="inode"/> (0: not known yet) with
    /// `ip netns exec` semantics, its standard output on a pipe and everything else inherited, and returns at once:
    /// the caller reads the output (end of file: the program and the launcher are done with it) and then
    /// <see cref="NativeProgram.WaitForExit"/>. Leaner than <see cref="Start(string, ProcessStartInfo)"/>: posix_spawn
    /// from the launcher, no wait for the start, and the exit status collected with waitpid by the caller.
    /// </summary>
    public static NativeProgram Spawn(string name, ulong inode, string file, IReadOnlyList<string> arguments, string? workingDirectory)
    {
        if (inode == 0) Validate(name);
        var path = NativeProgram.Resolve(file, workingDirectory, name);
        var program = NativeProgram.Create(file, path, arguments, workingDirectory, name);
        try { Submit(name, inode, program.Work); }
        catch { program.Work.Fail(new OperationCanceledException()); program.Dispose(); throw; }
        return program;
    }

    /// <summary>Queues <paramref name="work"/> on the namespace's launcher, starting one when none is running.</summary>
    private static void Submit(string name, ulong inode, Work work)
    {
        ThreadHygiene.WarmUp();
        if (inode != 0)
        {
            lock (s_lock)
            {
                if (s_launchers.TryGetValue((name, inode), out var running))
                {
                    running.Enqueue(work);
                    return;
                }
            }
        }
        var handle = NamespaceHandle.Open(NamespaceStore.PathOf(name), name);
        var key = (name, handle.Identity.Inode);
        lock (s_lock)
        {
            if (!s_launchers.TryGetValue(key, out var launcher))
            {
                if (s_launchers.Count >= MaxLaunchers) EndIdleLaunchers();
                launcher = new Launcher(name, key.Item2, handle); // takes the handle
                handle = null;
                s_launchers[key] = launcher;
            }
            launcher.Enqueue(work);
        }
        handle?.Dispose();
    }

    /// <summary>Called under s_lock: closes the least recently used idle launchers until there is room for one more.</summary>
    private static void EndIdleLaunchers()
    {
        foreach (var l in s_launchers.Values.Where(l => l.Idle).OrderBy(l => l.LastUsed).ToList())
        {
            if (s_launchers.Count < MaxLaunchers) break;
            l.Close(); // it leaves when its queue is empty (it is: idle); a program it started runs on
            s_launchers.Remove((l.Name, l.Inode));
        }
    }

    /// <summary>Ends this module's program launchers in the namespaces about to lose their names, so they keep none alive.</summary>
    public static void ReleaseLaunchers(IEnumerable<NamespaceEntry> targets)
    {
        var inodes = targets.Where(t => !t.IsStale).Select(t => t.Identity.Inode).ToHashSet();
        if (inodes.Count > 0) Release(inodes);
    }

    /// <summary>Ends the launchers of the namespace with <paramref name="inode"/> (all when 0) and waits for them.</summary>
    public static void Release(ulong inode = 0) => Release(inode == 0 ? null : new HashSet<ulong> { inode });

    /// <summary>Ends the launchers of the namespaces with these inodes (all when null) and waits for them, together.</summary>
    public static void Release(IReadOnlySet<ulong>? inodes)
    {
        List<Launcher> ending;
        lock (s_lock)
        {
            if (s_launchers.Count == 0) return; // the usual case: removing a namespace nobody ran a program in
            ending = s_launchers.Where(kv => inodes is null || inodes.Contains(kv.Key.Inode)).Select(kv => kv.Value).ToList();
            foreach (var l in ending) { l.Close(); s_launchers.Remove((l.Name, l.Inode)); }
        }
        foreach (var l in ending) l.Join();
    }


    /// <summary>Something a launcher does on its thread (inside the namespace), or fails with.</summary>
    internal abstract class Work
    {
        public abstract void Execute();
        public abstract void Fail(Exception ex);
    }

    private sealed class Request : Work
    {
        private readonly TaskCompletionSource<Process> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Request(ProcessStartInfo psi) => Psi = psi;
        public ProcessStartInfo Psi { get; }
        public Task<Process> Result => _tcs.Task;
        public override void Execute() => _tcs.TrySetResult(Process.Start(Psi) ??
            throw new NetnsException(ErrorIds.ProcessStartFailed, Errno.EIO, $"'{Psi.FileName}' did not start.", Psi.FileName));
        public override void Fail(Exception ex) => _tcs.TrySetException(ex);
    }

    private sealed class Launcher
    {
        private readonly Queue<Work> _queue = new();
        private readonly Thread _thread;
        private bool _closed;
        private volatile int _tid;

        public Launcher(string name, ulong inode, NamespaceHandle handle)
        {
            Name = name;
            Inode = inode;
            _thread = new Thread(() => Run(handle)) { IsBackground = true, Name = $"NetnsPS exec {name}" };
            try { Limits.StartThread(_thread, $"running programs in network namespace '{name}'", name); }
            catch { handle.Dispose(); throw; }
        }

        public string Name { get; }
        public ulong Inode { get; }

        /// <summary>Called under s_lock (which also guards the queue; launchers wait on it).</summary>
        /// <summary>When work was last queued (Environment.TickCount64); read under s_lock.</summary>
        public long LastUsed { get; private set; }

        /// <summary>Nothing queued (read under s_lock).</summary>
        public bool Idle => _queue.Count == 0;

        public void Enqueue(Work r)
        {
            LastUsed = Environment.TickCount64;
            _queue.Enqueue(r);
            Monitor.PulseAll(s_lock);
        }

        /// <summary>Called under s_lock.</summary>
        public void Close()
        {
            _closed = true;
            Monitor.PulseAll(s_lock);
        }

        public void Join()
        {
            if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId) return;
            _thread.Join();
            // Join returns when the managed thread is done; the kernel task (still inside the namespace) can linger
            // a moment longer. Wait for it to be gone, so callers that scan /proc next do not see it.
            int tid = _tid;
            if (tid <= 0) return;
            var deadline = Environment.TickCount64 + 2000;
            while (Directory.Exists($"/proc/self/task/{tid}") && Environment.TickCount64 < deadline) Thread.Sleep(1);
            if (!Directory.Exists($"/proc/self/task/{tid}")) LauncherThreads.Remove(tid);
        }

        private void Run(NamespaceHandle handle)
        {
            _tid = Libc.GetTid();
            LauncherThreads.Prune();
            LauncherThreads.Add(_tid);
            Exception? broken = null;
            // Inside on purpose for the thread's whole life (it never leaves): not a stray, and no GC thread starts here.
            using var inside = ThreadHygiene.Inside(Inode);
            try { Prepare(Name, handle); }
            catch (Exception ex) { broken = ex; }
            finally { handle.Dispose(); }
            while (true)
            {
                Work? next = null;
                lock (s_lock)
                {
                    var deadline = Environment.TickCount64 + IdleMilliseconds;
                    while (_queue.Count == 0 && !_closed)
                    {
                        long left = deadline - Environment.TickCount64;
                        if (left <= 0) break;
                        Monitor.Wait(s_lock, (int)left);
                    }
                    if (_queue.Count > 0) next = _queue.Dequeue();
                    else
                    {
                        // Idle or closed: leave the table so the next request starts a fresh launcher.
                        _closed = true;
                        if (s_launchers.TryGetValue((Name, Inode), out var me) && ReferenceEquals(me, this)) s_launchers.Remove((Name, Inode));
                    }
                }
                if (next is null) break;
                if (broken is not null) { next.Fail(broken); continue; }
                try { next.Execute(); }
                catch (Exception ex) { next.Fail(ex); }
            }
            // The thread ends here, inside the namespace and its private mount namespace: it is never reused.
        }
    }

    /// <summary>
    /// Runs <paramref name="fork"/> on a new thread prepared as by <see cref="Prepare"/> (inside the namespace, with a
    /// private mount namespace), which then ends; waits for it and returns what it threw (null when nothing). Only the
    /// fork belongs there: threads the child's owner starts later are created from the caller, in its namespace.
    /// </summary>
    public static Exception? RunOnPreparedThread(string name, NamespaceHandle ns, Action fork, string threadName, string what)
    {
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                Prepare(name, ns);
                fork();
            }
            catch (Exception ex) { failure = ex; }
        }) { IsBackground = true, Name = threadName };
        Limits.StartThread(t, what, name);
        t.Join();
        return failure;
    }

    /// <summary>Makes the calling thread look like `ip netns exec NAME` to anything it forks.</summary>
    public static void Prepare(string name, NamespaceHandle ns)
    {
        if (Libc.SetNs(ns, Libc.CLONE_NEWNET) != 0)
            throw Sys.Error(ErrorIds.NamespaceEnterFailed, $"Cannot enter network namespace '{name}'", name);
        if (Libc.Unshare(Libc.CLONE_NEWNS | Libc.CLONE_FS) != 0)
            throw Sys.Error(ErrorIds.MountNamespaceFailed, "unshare(CLONE_NEWNS)", name);
        // Nothing mounted below may propagate back to the caller's mount namespace.
        if (Libc.Mount("", "/", "none", Libc.MS_SLAVE | Libc.MS_REC, 0) != 0)
            throw Sys.Error(ErrorIds.MountNamespaceFailed, "mount --make-rslave /", name);
        bool readOnly = SysIsReadOnly();
        if (Libc.Umount2("/sys", Libc.MNT_DETACH) != 0 && Sys.LastErrno() != Errno.EINVAL)
            throw Sys.Error(ErrorIds.MountNamespaceFailed, "umount /sys", name);
        if (Libc.Mount(name, "/sys", "sysfs", readOnly ? MS_RDONLY : 0, 0) != 0)
            throw Sys.Error(ErrorIds.MountNamespaceFailed, "mount sysfs on /sys", name);
        BindEtc(name);
    }

    private const ulong MS_RDONLY = 1;

    private static bool SysIsReadOnly()
    {
        foreach (var line in File.ReadLines("/proc/thread-self/mountinfo"))
        {
            var f = line.Split(' ');
            if (f.Length > 5 && f[4] == "/sys") return f[5].Split(',').Contains("ro");
        }
        return false;
    }

    /// <summary>Bind /etc/netns/NAME/x over /etc/x for every x that exists in both (as iproute2 does).</summary>
    private static void BindEtc(string name)
    {
        if (NamespaceStore.IsPath(name)) return; // /etc/netns/NAME exists for names only (as in iproute2)
        var dir = Path.Combine(EtcNetns, name);
        if (!Directory.Exists(dir)) return;
        foreach (var src in Directory.EnumerateFileSystemEntries(dir))
        {
            var dst = Path.Combine("/etc", Path.GetFileName(src));
            if (!File.Exists(dst) && !Directory.Exists(dst)) continue; // iproute2 skips (with a warning) what /etc lacks
            if (Libc.Mount(src, dst, "none", Libc.MS_BIND, 0) != 0)
                throw Sys.Error(ErrorIds.MountNamespaceFailed, $"bind {src} on {dst}", name);
        }
    }
}
