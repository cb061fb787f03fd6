using System.Collections.Concurrent;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Threading;

/// <summary>
/// A dedicated OS thread that runs work items one after another. Work may change the thread's network
/// namespace (setns, unshare) as long as it restores it; after every item the thread checks that it is
/// back in the namespace it started in. If not, it is poisoned: it fails the item and every later one,
/// and its OS thread ends, so it is never reused by anybody.
/// </summary>
public sealed class NamespaceThread : IDisposable
{
    private readonly BlockingCollection<WorkItem> _queue = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource<NamespaceIdentity> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _poisoned;

    public NamespaceThread(string name = "NetnsPS namespace thread")
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        try { Limits.StartThread(_thread, $"'{name}'"); }
        catch { _queue.Dispose(); throw; }
        HomeIdentity = _started.Task.GetAwaiter().GetResult();
    }

    /// <summary>The namespace the thread started in and returns to after each item.</summary>
    public NamespaceIdentity HomeIdentity { get; }

    public bool IsPoisoned => _poisoned;

    /// <summary>OS thread id (for tests).</summary>
    public int Tid { get; private set; }

    public Task<T> InvokeAsync<T>(Func<T> func)
    {
        var item = new WorkItem<T>(func);
        if (_poisoned || _queue.IsAddingCompleted)
            item.Fail(new NamespaceRestoreException("The namespace thread was discarded after a failed restore."));
        else
            try { _queue.Add(item); }
            catch (InvalidOperationException) { item.Fail(new ObjectDisposedException(nameof(NamespaceThread))); }
        return item.Task;
    }

    public T Invoke<T>(Func<T> func) => InvokeAsync(func).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="func"/> on this thread inside <paramref name="target"/>, restoring afterwards.</summary>
    public T InvokeIn<T>(NamespaceHandle target, Func<T> func) => Invoke(() => NamespaceExecutor.Run(target, func));

    private void Loop()
    {
        NamespaceIdentity home;
        try
        {
            home = NamespaceHandle.CurrentThreadIdentity();
            Tid = Libc.GetTid();
            _started.SetResult(home);
        }
        catch (Exception ex)
        {
            _started.SetException(ex);
            return;
        }

        foreach (var item in _queue.GetConsumingEnumerable())
        {
            if (_poisoned)
            {
                item.Fail(new NamespaceRestoreException("The namespace thread was discarded after a failed restore."));
                continue;
            }
            item.Run();
            NamespaceIdentity now;
            try { now = NamespaceHandle.CurrentThreadIdentity(); }
            catch { now = default; }
            // Decide about poisoning before the caller sees the result, so IsPoisoned is exact when Invoke returns.
            if (now != home || item.Exception is NamespaceRestoreException)
            {
                _poisoned = true;
                _queue.CompleteAdding();
            }
            item.Complete();
        }
        // Returning ends the OS thread: a poisoned thread is never reused.
    }

    public void Dispose()
    {
        if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId) _thread.Join();
        _queue.Dispose();
    }

    private abstract class WorkItem
    {
        public Exception? Exception { get; protected set; }
        /// <summary>Runs the work and keeps its outcome; <see cref="Complete"/> hands it to the caller.</summary>
        public abstract void Run();
        public abstract void Complete();
        public abstract void Fail(Exception ex);
    }

    private sealed class WorkItem<T> : WorkItem
    {
        private readonly Func<T> _func;
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public WorkItem(Func<T> func) => _func = func;
        public Task<T> Task => _tcs.Task;

        private T? _result;

        public override void Run()
        {
            try { _result = _func(); }
            catch (Exception ex) { Exception = ex; }
        }

        public override void Complete()
        {
            if (Exception is null) _tcs.TrySetResult(_result!);
            else _tcs.TrySetException(Exception);
        }

        public override void Fail(Exception ex) { Exception = ex; _tcs.TrySetException(ex); }
    }
}
