namespace NetnsPS.Core.Threading;

/// <summary>
/// One process-wide dedicated thread for short namespace work (single creates, opening netlink sockets in a
/// namespace). Work gets the thread's home namespace handle. A thread discarded after a failed restore is
/// replaced on the next call, never reused.
/// </summary>
public static class SharedNamespaceThread
{
    private static readonly object s_lock = new();
    private static NamespaceThread? s_thread;
    private static NamespaceHandle? s_home;

    public static T Invoke<T>(Func<NamespaceHandle, T> work)
    {
        NamespaceThread thread;
        NamespaceHandle home;
        lock (s_lock)
        {
            if (s_thread is null || s_thread.IsPoisoned)
            {
                s_thread?.Dispose();
                s_home?.Dispose();
                s_thread = null;
                s_home = null;
                // Both or neither: a thread that started but could not open its home (out of descriptors) is ended,
                // so the next call starts over instead of finding a thread without a home.
                var fresh = new NamespaceThread("NetnsPS shared namespace thread");
                try { s_home = fresh.Invoke(NamespaceHandle.OpenCurrentThread); }
                catch { fresh.Dispose(); throw; }
                s_thread = fresh;
            }
            thread = s_thread;
            home = s_home!;
        }
        return thread.Invoke(() => work(home));
    }

    /// <summary>Runs <paramref name="func"/> on the shared thread inside <paramref name="target"/>.</summary>
    public static T InvokeIn<T>(NamespaceHandle target, Func<T> func)
        => Invoke(_ => NamespaceExecutor.Run(target, func));
}
