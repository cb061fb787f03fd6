using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;
using Xunit;

namespace NetnsPS.Core.Tests.Threading;

public sealed class ExecutorTests(NamespaceFixture fx) : NamespaceTests(fx)
{
    private static int OpenFdCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Directory.GetFileSystemEntries("/proc/self/fd").Length;
    }

    [Fact]
    public void TenThousandEnterRestoreCyclesRestoreTheThreadAndLeakNoDescriptors()
    {
        var name = Fx.Name("exec");
        var entry = NamespaceStore.Create(name);
        var target = NamespaceFixture.StatInode(entry.Path);
        // Run on a dedicated thread so a failure cannot strand the test runner's thread in another namespace.
        using var thread = new NamespaceThread("executor test");
        thread.Invoke(() =>
        {
            using var handle = NamespaceHandle.Open(entry.Path);
            var home = NamespaceFixture.StatInode("/proc/thread-self/ns/net");
            Assert.NotEqual(home, target);
            // warm up, then measure descriptors
            NamespaceExecutor.Run(handle, () => 0);
            int fdsBefore = OpenFdCount();
            // No GC during the loop: a leaked SafeHandle would otherwise be closed by its finalizer and hide the leak.
            Assert.True(GC.TryStartNoGCRegion(200_000_000));
            for (int i = 0; i < 10_000; i++)
            {
                ulong inside = NamespaceExecutor.Run(handle, () =>
                {
                    ProcNs.TryReadNetInode("/proc/thread-self/ns/net", out var ino);
                    return ino;
                });
                Assert.Equal(target, inside);
                ProcNs.TryReadNetInode("/proc/thread-self/ns/net", out var after);
                Assert.Equal(home, after);
            }
            int fdsAfter = Directory.GetFileSystemEntries("/proc/self/fd").Length;
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            Assert.True(fdsAfter <= fdsBefore, $"descriptors grew from {fdsBefore} to {fdsAfter}");
            return 0;
        });
        Assert.False(thread.IsPoisoned);
        NamespaceStore.Delete(name);
    }

    [Fact]
    public void ExceptionInsideStillRestores()
    {
        var entry = NamespaceStore.Create(Fx.Name("throw"));
        using var thread = new NamespaceThread();
        thread.Invoke(() =>
        {
            using var handle = NamespaceHandle.Open(entry.Path);
            var home = NamespaceHandle.CurrentThreadIdentity();
            Assert.Throws<InvalidOperationException>(() => NamespaceExecutor.Run(handle, () => throw new InvalidOperationException("boom")));
            Assert.Equal(home, NamespaceHandle.CurrentThreadIdentity());
            return 0;
        });
        NamespaceStore.Delete(entry.Name);
    }

    [Fact]
    public void ThreadLeftInAnotherNamespaceIsDiscardedNeverReused()
    {
        using var thread = new NamespaceThread();
        int tid = thread.Tid;
        // Work that changes namespace and does not restore: the thread must poison itself.
        thread.Invoke(() => Libc.Unshare(Libc.CLONE_NEWNET));
        Assert.True(thread.IsPoisoned);
        var ex = Assert.ThrowsAny<NetnsException>(() => thread.Invoke(() => 1));
        Assert.Equal("NamespaceRestoreFailed", ex.ErrorCode);
        // Its OS thread has ended.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Directory.Exists($"/proc/self/task/{tid}") && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.False(Directory.Exists($"/proc/self/task/{tid}"));
    }

    [Fact]
    public void SharedThreadIsReplacedAfterPoisoning()
    {
        int first = SharedNamespaceThread.Invoke(_ => Libc.GetTid());
        SharedNamespaceThread.Invoke(_ => Libc.Unshare(Libc.CLONE_NEWNET)); // poisons it
        int second = SharedNamespaceThread.Invoke(_ => Libc.GetTid());
        Assert.NotEqual(first, second);
        Assert.Equal(NamespaceHandle.CurrentThreadIdentity().Inode,
            SharedNamespaceThread.Invoke(_ => NamespaceHandle.CurrentThreadIdentity().Inode));
    }

    [Fact]
    public void ScopeDisposedOnAnotherThreadIsRefused()
    {
        var entry = NamespaceStore.Create(Fx.Name("xthread"));
        using var a = new NamespaceThread();
        using var b = new NamespaceThread();
        using var handle = NamespaceHandle.Open(entry.Path);
        var scope = a.Invoke(() => NamespaceExecutor.Enter(handle));
        Assert.Throws<NamespaceRestoreException>(() => b.Invoke(() => { scope.Dispose(); return 0; }));
        Assert.True(a.IsPoisoned || a.Invoke(() => NamespaceHandle.CurrentThreadIdentity()) == a.HomeIdentity);
        NamespaceStore.Delete(entry.Name);
    }
}
