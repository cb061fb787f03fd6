using System.Collections.Concurrent;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Namespaces;

/// <summary>The outcome of removing one name: <see cref="Error"/> is null when it was removed.</summary>
public readonly record struct DeleteResult(int Index, string Name, NetnsException? Error);

/// <summary>
/// Removes many names (<see cref="NamespaceStore.Delete"/>) on a few threads. Every umount2 waits for an RCU grace
/// period of the kernel (namespace_unlock -> synchronize_rcu_expedited): one thread waits for one after the other,
/// while unmounts on several threads wait for the same ones. Results come back in submission order, with the
/// index the caller gave.
/// </summary>
public sealed class NamespaceDeleter : IDisposable
{
    private readonly BlockingCollection<(int Index, string Name)> _work = new();
    private readonly BlockingCollection<DeleteResult> _done = new();
    private readonly Queue<int> _order = new();
    private readonly Dictionary<int, DeleteResult> _pending = new();
    private readonly List<Thread> _workers = new();
    private readonly int _maxThreads;

    /// <summary>
    /// 2 per processor, at least 2, at most 8: a remover spends most of its time waiting for a grace period, not
    /// running (measured on 2 cores, bench/RESULTS.md "Scaling").
    /// </summary>
    public static int DefaultThreads => Math.Clamp(2 * Environment.ProcessorCount, 2, 8);

    public NamespaceDeleter(int threads) => _maxThreads = Math.Max(1, threads);

    /// <summary>Results not yet taken.</summary>
    public int Outstanding => _order.Count;

    /// <summary>Queues a name; <paramref name="index"/> comes back with its result.</summary>
    public void Submit(int index, string name)
    {
        _order.Enqueue(index);
        _work.Add((index, name));
        lock (_workers)
        {
            if (_workers.Count >= _maxThreads || _workers.Count >= _order.Count) return;
            var t = new Thread(WorkerLoop) { IsBackground = true, Name = $"NetnsPS remover {_workers.Count}" };
            _workers.Add(t);
            try { Limits.StartThread(t, "removing namespaces", name); }
            catch (NetnsException ex)
            {
                // The threads already running take the name; with none, every queued name fails with this error.
                _workers.Remove(t);
                if (_workers.Count == 0)
                    while (_work.TryTake(out var queued)) _done.Add(new DeleteResult(queued.Index, queued.Name, ex));
            }
        }
    }

    /// <summary>Results available in submission order; blocks for each when <paramref name="wait"/> is set.</summary>
    public IEnumerable<DeleteResult> TakeResults(bool wait)
    {
        while (_order.Count > 0)
        {
            if (_pending.Remove(_order.Peek(), out var r))
            {
                _order.Dequeue();
                yield return r;
                continue;
            }
            DeleteResult got;
            if (wait) got = _done.Take();
            else if (!_done.TryTake(out got)) yield break;
            _pending[got.Index] = got;
        }
    }

    private void WorkerLoop()
    {
        foreach (var (index, name) in _work.GetConsumingEnumerable())
        {
            NetnsException? error = null;
            try { NamespaceStore.Delete(name); }
            catch (NetnsException ex) { error = ex; }
            catch (Exception ex)
            {
                // Never let a worker die silently: the consumer waits for one result per name.
                error = new NetnsException(ErrorIds.NamespaceRemoveFailed, Errno.EIO, $"Removing '{name}' failed: {ex.Message}", name, ex);
            }
            _done.Add(new DeleteResult(index, name, error));
        }
    }

    /// <summary>
    /// Ends the threads: names queued but not started are dropped (a stopped pipeline, an error with -ErrorAction
    /// Stop: they stay), names being removed finish (an unmount cannot be called back).
    /// </summary>
    public void Dispose()
    {
        while (_work.TryTake(out _)) { }
        if (!_work.IsAddingCompleted) _work.CompleteAdding();
        Thread[] all;
        lock (_workers) all = _workers.ToArray();
        foreach (var t in all) t.Join();
    }
}
