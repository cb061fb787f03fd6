using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Threading;

/// <summary>
/// A thread created while another thread is inside a namespace inherits that namespace (clone copies the creator's
/// nsproxy). Code running on the PowerShell pipeline thread inside a namespace can make the .NET runtime start such
/// threads. This class keeps the runtime's long-lived threads at home, knows which threads are inside a namespace on
/// purpose (ours: <see cref="Inside"/>), and finds the others afterwards.
/// </summary>
/// <remarks>
/// Measured on .NET 10 (pwsh 7.6): the background GC thread is started by the thread whose allocation triggers the
/// first background collection, and ends after 20 s without one, so a warm-up cannot keep it at home; while any thread
/// is inside, the GC runs in <see cref="GCLatencyMode.Batch"/> (blocking collections only), which never starts it.
/// Thread-pool workers were always started at home (by the pool's own threads), even when the pool grew from work
/// queued inside; the timer, socket-engine and wait threads start once and live for the life of the process, so the
/// warm-up starts them at home; the tiered-compilation worker stayed alive across idle periods.
/// </remarks>
public static class ThreadHygiene
{
    private static int s_warm;
    private static readonly ManualResetEvent s_never = new(false);
    private static Timer? s_timer;

    /// <summary>Threads inside a namespace on purpose (by <see cref="Inside"/>): tid → inode of that namespace.</summary>
    private static readonly ConcurrentDictionary<int, ulong> s_inside = new();
    private static readonly object s_gcLock = new();
    private static int s_insideCount;
    private static GCLatencyMode s_savedLatency;
    private static bool s_latencyChanged;

    /// <summary>Starts the runtime's lazily created long-lived threads now, from a thread in the home namespace.</summary>
    public static void WarmUp()
    {
        if (Interlocked.Exchange(ref s_warm, 1) == 1) return;
        // A background collection now, for the GC's own bookkeeping; Inside keeps the BGC thread from starting inside.
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        // A few thread-pool workers, so work queued later finds idle workers instead of creating new ones.
        int n = Math.Max(2, Environment.ProcessorCount);
        // Not disposed: on a busy machine the pool may start a worker only after the 2 s below, and a worker must then
        // still find both events usable (a disposed one threw ObjectDisposedException on a pool thread: pwsh died).
        var all = new CountdownEvent(n);
        var release = new ManualResetEventSlim();
        for (int i = 0; i < n; i++)
            ThreadPool.UnsafeQueueUserWorkItem(_ => { all.Signal(); release.Wait(TimeSpan.FromSeconds(2)); }, null);
        all.Wait(TimeSpan.FromSeconds(2));
        release.Set();
        // The thread-pool wait thread (Process uses it to watch for exits) is created by the first registered wait
        // and ends when it has none: keep one registration forever so it is created here and stays.
        ThreadPool.UnsafeRegisterWaitForSingleObject(s_never, (_, _) => { }, null, Timeout.Infinite, executeOnlyOnce: true);
        // The timer thread starts with the first scheduled timer and never ends: schedule one (kept, never firing).
        s_timer = new Timer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        s_timer.Change(TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan);
        // The socket engine's event thread starts with the first asynchronous socket operation and never ends: one
        // pending receive on an unbound local datagram socket (no address, no traffic), cancelled at once.
        try
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var pending = s.ReceiveAsync(new byte[1], SocketFlags.None);
            s.Dispose();
            try { pending.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        }
        catch (SocketException) { }
        GC.WaitForPendingFinalizers();
    }

    /// <summary>
    /// Marks the calling thread as inside the namespace with <paramref name="inode"/> on purpose until the result is
    /// disposed (on the same thread): it is not reported as a thread that inherited the namespace, and while any
    /// thread is inside, the GC does not start its background thread (see the remarks on the class).
    /// </summary>
    public static InsideMark Inside(ulong inode)
    {
        int tid = Interop.Libc.GetTid();
        ulong previous = s_inside.TryGetValue(tid, out var p) ? p : 0;
        s_inside[tid] = inode;
        lock (s_gcLock)
        {
            if (s_insideCount++ == 0)
            {
                s_savedLatency = GCSettings.LatencyMode;
                s_latencyChanged = false;
                if (s_savedLatency is GCLatencyMode.Interactive or GCLatencyMode.SustainedLowLatency)
                {
                    try { GCSettings.LatencyMode = GCLatencyMode.Batch; s_latencyChanged = true; }
                    catch (InvalidOperationException) { /* in a no-GC region: no collection can start either */ }
                }
            }
        }
        return new InsideMark(tid, previous);
    }

    /// <summary>Undoes one <see cref="Inside"/>.</summary>
    public sealed class InsideMark : IDisposable
    {
        private readonly int _tid;
        private readonly ulong _previous;
        private int _disposed;

        internal InsideMark(int tid, ulong previous) { _tid = tid; _previous = previous; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            if (_previous != 0) s_inside[_tid] = _previous;
            else s_inside.TryRemove(_tid, out _);
            lock (s_gcLock)
            {
                if (--s_insideCount == 0 && s_latencyChanged && GCSettings.LatencyMode == GCLatencyMode.Batch)
                {
                    try { GCSettings.LatencyMode = s_savedLatency; } catch (InvalidOperationException) { }
                    s_latencyChanged = false;
                }
            }
        }
    }

    /// <summary>Whether the thread <paramref name="tid"/> of this process is inside <paramref name="inode"/> on purpose.</summary>
    public static bool IsInsideOnPurpose(int tid, ulong inode) => s_inside.TryGetValue(tid, out var i) && i == inode;

    /// <summary>
    /// Threads of this process inside the namespace with <paramref name="inode"/> that are not there on purpose: they
    /// were started by a thread that was inside (usually by the code the user ran there).
    /// </summary>
    /// <remarks>
    /// A thread on purpose registers before it enters and unregisters after it has left, so one that is seen inside
    /// and then found unregistered may just have left: it counts only if it is still inside, and still unregistered,
    /// when looked at again.
    /// </remarks>
    public static List<(int Tid, string Name)> Strays(ulong inode)
        => ThreadsIn(inode).FindAll(t => !IsInsideOnPurpose(t.Tid, inode)
            && ProcNs.TryReadNetInode($"/proc/self/task/{t.Tid}/ns/net", out var now) && now == inode
            && !IsInsideOnPurpose(t.Tid, inode));

    /// <summary>Number of threads of this process: st_nlink of /proc/self/task is the thread count + 2.</summary>
    /// <remarks>One stat(2) (~1 µs). Reading num_threads from /proc/self/stat instead costs an open, a read that makes
    /// the kernel sum the CPU times of every thread, and a close: tens of µs, twice per Invoke-InNetNamespace call.</remarks>
    public static unsafe int ThreadCount()
    {
        byte* buf = stackalloc byte[Interop.Libc.StatBufferSize];
        if (Interop.Libc.Stat("/proc/self/task", buf) != 0) return -1;
        return (int)Interop.Libc.StatNlink(buf) - 2;
    }

    /// <summary>Threads of this process inside the namespace with <paramref name="inode"/>: (tid, name), this module's launchers left out.</summary>
    public static List<(int Tid, string Name)> ThreadsIn(ulong inode)
    {
        var list = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!ProcNs.TryReadNetInode(dir + "/ns/net", out var ino) || ino != inode) continue;
            if (int.TryParse(Path.GetFileName(dir), out int tid) && LauncherThreads.Contains(tid)) continue;
            string name;
            try { name = File.ReadAllText(dir + "/comm").TrimEnd('\n'); } catch (IOException) { name = "?"; }
            list.Add((int.Parse(Path.GetFileName(dir)), name));
        }
        return list;
    }
}
