namespace NetnsPS.Core.Namespaces;

/// <summary>
/// A thread created while another thread is inside a namespace inherits that namespace. Code running on the
/// PowerShell pipeline thread inside a namespace can make the .NET runtime start such threads (the background GC
/// thread, thread-pool workers, the tiered-compilation worker). This class starts the long-lived ones before any
/// namespace is entered, and finds threads of this process that are inside a given namespace afterwards.
/// </summary>
public static class ThreadHygiene
{
    private static int s_warm;
    private static readonly ManualResetEvent s_never = new(false);

    /// <summary>Starts the runtime's lazily created long-lived threads now, from a thread in the home namespace.</summary>
    public static void WarmUp()
    {
        if (Interlocked.Exchange(ref s_warm, 1) == 1) return;
        // The background GC thread is created by the first background collection and lives forever.
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
        GC.WaitForPendingFinalizers();
    }

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
            if (!ProcScanner.TryReadNetInode(dir + "/ns/net", out var ino) || ino != inode) continue;
            if (int.TryParse(Path.GetFileName(dir), out int tid) && NetnsExec.IsLauncherThread(tid)) continue;
            string name;
            try { name = File.ReadAllText(dir + "/comm").TrimEnd('\n'); } catch (IOException) { name = "?"; }
            list.Add((int.Parse(Path.GetFileName(dir)), name));
        }
        return list;
    }
}
