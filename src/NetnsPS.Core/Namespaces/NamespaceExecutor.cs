using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Namespaces;

/// <summary>
/// Runs code on the calling thread inside another network namespace: enter with setns, run, setns back to
/// the original namespace and verify the restore by comparing /proc/thread-self/ns/net with the original
/// identity. If the restore cannot be verified a <see cref="NamespaceRestoreException"/> is thrown and the
/// thread must be discarded (dedicated threads do that themselves; see <see cref="NamespaceThread"/>).
/// </summary>
public static class NamespaceExecutor
{
    /// <summary>Enters <paramref name="target"/> and returns a scope that restores the thread when disposed.</summary>
    public static Scope Enter(NamespaceHandle target)
    {
        var original = NamespaceHandle.OpenCurrentThread();
        NamespaceIdentity originalId;
        try
        {
            originalId = original.Identity;
            if (Libc.SetNs(target, Libc.CLONE_NEWNET) != 0)
                throw Sys.Error("NamespaceEnterFailed", $"Cannot enter network namespace '{target.Path}'", target.Path);
        }
        catch
        {
            original.Dispose();
            throw;
        }
        return new Scope(original, originalId, Environment.CurrentManagedThreadId);
    }

    public static T Run<T>(NamespaceHandle target, Func<T> func)
    {
        using var scope = Enter(target);
        return func();
    }

    public static void Run(NamespaceHandle target, Action action)
    {
        using var scope = Enter(target);
        action();
    }

    /// <summary>Restores the thread to the namespace it was in when the scope was created.</summary>
    public sealed class Scope : IDisposable
    {
        private NamespaceHandle? _original;
        private readonly NamespaceIdentity _originalId;
        private readonly int _threadId;

        internal Scope(NamespaceHandle original, NamespaceIdentity originalId, int threadId)
        {
            _original = original;
            _originalId = originalId;
            _threadId = threadId;
        }

        public NamespaceIdentity OriginalIdentity => _originalId;

        public void Dispose()
        {
            var original = Interlocked.Exchange(ref _original, null);
            if (original is null) return;
            using (original)
            {
                if (Environment.CurrentManagedThreadId != _threadId)
                    throw new NamespaceRestoreException("A namespace scope was disposed on another thread than the one that entered it.");
                // setns back to a namespace we hold open can only fail transiently (ENOMEM): try a few times.
                int rc = -1;
                Errno e = Errno.None;
                for (int attempt = 0; attempt < 3 && rc != 0; attempt++)
                {
                    rc = Libc.SetNs(original, Libc.CLONE_NEWNET);
                    if (rc != 0) e = Sys.LastErrno();
                }
                if (rc != 0)
                    throw new NamespaceRestoreException($"setns back to the original network namespace failed: {Sys.StrError(e)}", e);
                var now = NamespaceHandle.CurrentThreadIdentity();
                if (now != _originalId)
                    throw new NamespaceRestoreException($"Thread is in {now} after restore, expected {_originalId}.");
            }
        }
    }
}
