using System.Collections.Concurrent;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>The outcome of creating one name: an entry, or the error that left nothing behind.</summary>
public readonly record struct CreateResult(int Index, string Name, NamespaceEntry? Entry, NetnsException? Error);

/// <summary>
/// Creates many named namespaces on several dedicated threads (the kernel work of unshare+mount runs in
/// parallel). Names are submitted as they arrive; results come back in submission order. A worker thread
/// whose restore fails is discarded and replaced.
/// </summary>
public sealed class NamespaceCreator : IDisposable
{
    private readonly BlockingCollection<(int Index, string Name)> _work = new();
    private readonly BlockingCollection<CreateResult> _done = new();
    private readonly Dictionary<int, CreateResult> _pending = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Thread> _workers = new();
    private readonly int _maxThreads;
    private int _submitted;
    private int _next;
    private bool _runDirReady;

    /// <summary>
    /// The default number of creator threads: the processor count, at most 8. Measured on 2 cores (bench/RESULTS.md):
    /// 2 threads create 1000 namespaces 1.7-1.8x as fast as 1, so roughly a tenth of a create is serialized in the
    /// kernel (rtnl_lock, namespace_sem, sysctl and proc registration), and 4 threads add nothing. 16 cores were not
    /// measured: by Amdahl's law 8 threads would reach ~4.5x and 16 ~6x, before contention on those locks grows; the
    /// default stops at 8 and -ThrottleLimit goes to 64.
    /// </summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 8);

    public NamespaceCreator(int threads)
    {
        _maxThreads = Math.Max(1, threads);
    }

    public int Submitted => _submitted;

    public int Completed => _next;

    /// <summary>Queues a name. Invalid names fail here, synchronously, without reaching a worker.</summary>
    public void Submit(string name)
    {
        int index = _submitted++;
        try
        {
            NamespaceStore.ValidateName(name);
            if (!_runDirReady)
            {
                NamespaceStore.EnsureRunDir();
                _runDirReady = true;
            }
        }
        catch (NetnsException ex)
        {
            _done.Add(new CreateResult(index, name, null, ex));
            return;
        }
        _work.Add((index, name));
        // Threads start as work arrives: one name costs one thread, a thousand names use all of them.
        lock (_workers)
        {
            if (_workers.Count < _maxThreads && _workers.Count < _submitted)
            {
                var t = new Thread(WorkerLoop) { IsBackground = true, Name = $"NetnsPS creator {_workers.Count}" };
                _workers.Add(t);
                try { Limits.StartThread(t, "creating namespaces", name); }
                catch (NetnsException ex)
                {
                    // The threads already running take the name; with none, every queued name fails with this error
                    // (nobody would ever take them, and the caller waits for one result per name).
                    _workers.Remove(t);
                    if (_workers.Count == 0)
                        while (_work.TryTake(out var queued)) _done.Add(new CreateResult(queued.Index, queued.Name, null, ex));
                }
            }
        }
    }

    /// <summary>No more names will be submitted.</summary>
    public void Complete() => _work.CompleteAdding();

    /// <summary>Stops handing out names; names already being created finish.</summary>
    public void Cancel() => _cts.Cancel();

    /// <summary>Results available in submission order; blocks for each when <paramref name="wait"/> is set.</summary>
    public IEnumerable<CreateResult> TakeResults(bool wait)
    {
        while (_next < _submitted)
        {
            if (_pending.Remove(_next, out var r))
            {
                _next++;
                yield return r;
                continue;
            }
            CreateResult got;
            if (wait)
            {
                try { got = _done.Take(_cts.Token); }
                catch (OperationCanceledException) { yield break; }
            }
            else if (!_done.TryTake(out got)) yield break;
            _pending[got.Index] = got;
        }
    }

    private void WorkerLoop()
    {
        NamespaceHandle? home = null;
        NamespaceIdentity homeId = default;
        try
        {
            foreach (var (index, name) in _work.GetConsumingEnumerable())
            {
                if (_cts.IsCancellationRequested)
                {
                    _done.Add(new CreateResult(index, name, null,
                        new NetnsException(ErrorIds.OperationStopped, Errno.EINTR, $"Creation of '{name}' was stopped.", name)));
                    continue;
                }
                var path = NamespaceStore.PathOf(name);
                try
                {
                    if (home is null)
                    {
                        home = NamespaceHandle.OpenCurrentThread();
                        homeId = home.Identity;
                    }
                    var id = NamespaceStore.CreateOnDedicatedThread(name, path, home);
                    _done.Add(new CreateResult(index, name, new NamespaceEntry(name, path, id, false), null));
                }
                catch (NetnsException ex)
                {
                    _done.Add(new CreateResult(index, name, null, ex));
                }
                catch (Exception ex)
                {
                    // Never let a worker die silently: the consumer waits for one result per name.
                    _done.Add(new CreateResult(index, name, null,
                        new NetnsException(ErrorIds.NamespaceCreateFailed, Errno.EIO, $"Creating '{name}' failed: {ex.Message}", name, ex)));
                }
                if (home is null) continue;
                if (!NamespaceHandle.TryStat("/proc/thread-self/ns/net", out var now, out _) || now != homeId)
                {
                    // Poisoned: hand the rest of the work to a fresh thread, and let this OS thread end.
                    var replacement = new Thread(WorkerLoop) { IsBackground = true, Name = Thread.CurrentThread.Name + "'" };
                    lock (_workers) _workers.Add(replacement);
                    try { Limits.StartThread(replacement, "creating namespaces"); }
                    catch (NetnsException ex)
                    {
                        // No replacement: this thread does no more namespace work, it only fails what is left.
                        lock (_workers) _workers.Remove(replacement);
                        foreach (var (i, n) in _work.GetConsumingEnumerable())
                            _done.Add(new CreateResult(i, n, null, ex));
                    }
                    return;
                }
            }
        }
        finally
        {
            home?.Dispose();
        }
    }

    public void Dispose()
    {
        if (!_work.IsAddingCompleted) _work.CompleteAdding();
        _cts.Cancel();
        Thread[] all;
        lock (_workers) all = _workers.ToArray();
        foreach (var t in all) t.Join();
        _cts.Dispose();
    }
}
