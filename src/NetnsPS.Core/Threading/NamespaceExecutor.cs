using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Threading;

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
        // The namespace a thread starts from is almost always the same (its home): keep a handle to it per thread
        // and only stat /proc/thread-self/ns/net to check, instead of opening and closing it on every call.
        var currentId = NamespaceHandle.CurrentThreadIdentity();
        NamespaceHandle original;
        bool owned;
        if (t_home is not null && !t_home.IsClosed && t_homeId == currentId)
        {
            original = t_home;
            owned = false;
        }
        else
        {
            original = NamespaceHandle.OpenCurrentThread();
            owned = true;
            if (original.Identity != currentId) { original.Dispose(); throw new NamespaceRestoreException("The thread changed namespace while it was being entered."); }
            if (t_home is null)
            {
                t_home = original;
                t_homeId = currentId;
                owned = false;
            }
        }
        // Already there (the host namespace asked for from the host): no setns, which would need CAP_SYS_ADMIN even
        // for a no-op, so that unprivileged callers can read their own namespace as the kernel allows.
        if (target.Identity == currentId)
            return new Scope(original, currentId, Environment.CurrentManagedThreadId, owned, entered: false);
        var mark = ThreadHygiene.Inside(target.Identity.Inode);
        if (Libc.SetNs(target, Libc.CLONE_NEWNET) != 0)
        {
            var ex = Sys.Error(ErrorIds.NamespaceEnterFailed, $"Cannot enter network namespace '{target.Path}'", target.Path);
            mark.Dispose();
            if (owned) original.Dispose();
            throw ex;
        }
        return new Scope(original, currentId, Environment.CurrentManagedThreadId, owned, mark: mark);
    }

    [ThreadStatic] private static NamespaceHandle? t_home;
    [ThreadStatic] private static NamespaceIdentity t_homeId;

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
        private readonly bool _owned;
        private readonly bool _entered;
        private readonly ThreadHygiene.InsideMark? _mark;

        internal Scope(NamespaceHandle original, NamespaceIdentity originalId, int threadId, bool owned, bool entered = true,
            ThreadHygiene.InsideMark? mark = null)
        {
            _original = original;
            _originalId = originalId;
            _threadId = threadId;
            _owned = owned;
            _entered = entered;
            _mark = mark;
        }

        public NamespaceIdentity OriginalIdentity => _originalId;

        /// <summary>
        /// Returns the thread to its original namespace for a moment (verified), without ending the scope: for handing
        /// a result on to code that must not run inside. <see cref="Resume"/> enters <paramref name="target"/> again.
        /// </summary>
        /// <exception cref="NamespaceRestoreException">The thread could not be returned.</exception>
        public void Suspend()
        {
            var original = _original ?? throw new ObjectDisposedException(nameof(Scope));
            if (_entered) Restore(original);
        }

        /// <summary>Enters <paramref name="target"/> again after <see cref="Suspend"/>.</summary>
        public void Resume(NamespaceHandle target)
        {
            if (_original is null) throw new ObjectDisposedException(nameof(Scope));
            if (_entered && Libc.SetNs(target, Libc.CLONE_NEWNET) != 0)
                throw Sys.Error(ErrorIds.NamespaceEnterFailed, $"Cannot enter network namespace '{target.Path}' again", target.Path);
        }

        public void Dispose()
        {
            var original = Interlocked.Exchange(ref _original, null);
            if (original is null) return;
            using (_mark)
            using (_owned ? original : null)
            {
                // Nothing was entered and the thread is still where it was: nothing to restore (and no privilege needed).
                if (!_entered && Environment.CurrentManagedThreadId == _threadId && NamespaceHandle.CurrentThreadIdentity() == _originalId) return;
                Restore(original);
            }
        }

        private void Restore(NamespaceHandle original)
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
