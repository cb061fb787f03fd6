namespace NetnsPS.Core.Namespaces;

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
                s_thread = new NamespaceThread("NetnsPS shared namespace thread");
                s_home = s_thread.Invoke(NamespaceHandle.OpenCurrentThread);
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
