using System.Collections.Concurrent;

namespace NetnsPS.Core.Threading;

/// <summary>
/// Kernel thread ids of the program launcher threads (Exec/NetnsExec): threads of this process that live inside a
/// namespace on purpose. Thread hygiene and process scans leave them out (a launcher is this module's own machinery,
/// released before a namespace loses its name). Kept here, below both, so neither has to know the launcher.
/// </summary>
public static class LauncherThreads
{
    /// <summary>Kernel thread ids of launcher threads (possibly ended: pruned when their task is gone).</summary>
    private static readonly ConcurrentDictionary<int, byte> s_tids = new();

    /// <summary>True when <paramref name="tid"/> (a thread of this process) is one of the launcher threads.</summary>
    public static bool Contains(int tid) => !s_tids.IsEmpty && s_tids.ContainsKey(tid);

    public static void Add(int tid) => s_tids[tid] = 0;

    public static void Remove(int tid) => s_tids.TryRemove(tid, out _);

    /// <summary>Forgets launcher threads whose kernel task is gone (called when a launcher starts).</summary>
    public static void Prune()
    {
        foreach (var tid in s_tids.Keys)
            if (!Directory.Exists($"/proc/self/task/{tid}")) s_tids.TryRemove(tid, out _);
    }
}
