namespace NetnsPS.Core.Threading;

/// <summary>
/// One in-process call inside a namespace on the calling thread, as two steps for a script caller:
/// <see cref="Begin"/> opens the namespace and enters it; <see cref="End"/> restores the thread (verified) and reports
/// threads that were started meanwhile and inherited the namespace. Keeps the per-call work in one place.
/// </summary>
public sealed class InProcessCall
{
    private readonly NamespaceHandle _handle;
    private readonly NamespaceExecutor.Scope _scope;
    private readonly int _threadsBefore;
    private readonly ulong _inode;
    private static readonly List<(int Tid, string Name)> s_none = new();

    private InProcessCall(NamespaceHandle handle, NamespaceExecutor.Scope scope, int threadsBefore, ulong inode)
    {
        _handle = handle; _scope = scope; _threadsBefore = threadsBefore; _inode = inode;
    }

    public static InProcessCall Begin(string path, string name, ulong inode)
    {
        int threads = ThreadHygiene.ThreadCount();
        var handle = NamespaceHandle.Open(path, name, verify: false); // the entry was found to be an nsfs mount
        try { return new InProcessCall(handle, NamespaceExecutor.Enter(handle), threads, inode); }
        catch { handle.Dispose(); throw; }
    }

    /// <summary>Returns the thread to its namespace (verified) until <see cref="Reenter"/>: to hand a result on.</summary>
    /// <exception cref="NamespaceRestoreException">The thread could not be returned: the caller must not go on.</exception>
    public void Leave() => _scope.Suspend();

    /// <summary>Enters the namespace again after <see cref="Leave"/>.</summary>
    public void Reenter() => _scope.Resume(_handle);

    /// <summary>
    /// Restores the thread; returns threads that were started meanwhile and inherited the namespace (usually none).
    /// Threads inside it on purpose (other callers' pipeline threads, program launchers) are not counted.
    /// </summary>
    /// <exception cref="NamespaceRestoreException">The thread could not be restored: the caller must not go on.</exception>
    public List<(int Tid, string Name)> End()
    {
        try { _scope.Dispose(); }
        finally { _handle.Dispose(); }
        return ThreadHygiene.ThreadCount() > _threadsBefore ? ThreadHygiene.Strays(_inode) : s_none;
    }
}
