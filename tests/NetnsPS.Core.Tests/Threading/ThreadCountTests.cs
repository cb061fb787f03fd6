using NetnsPS.Core.Threading;
using Xunit;

namespace NetnsPS.Core.Tests.Threading;

public sealed class ThreadCountTests
{
    private static int TaskEntries() => Directory.GetDirectories("/proc/self/task").Length;

    /// <summary>ThreadCount (st_nlink of /proc/self/task - 2) against the entries of /proc/self/task, before and after starting threads.</summary>
    [Fact]
    public void ThreadCountMatchesTheTaskDirectoryAndSeesNewThreads()
    {
        // Runtime threads may come and go meanwhile: retry until both reads agree with a stable directory count.
        static (int Ours, int Oracle) Stable()
        {
            for (int i = 0; ; i++)
            {
                int a = TaskEntries(), ours = ThreadHygiene.ThreadCount(), b = TaskEntries();
                if (a == b || i > 50) return (ours, b);
            }
        }
        var before = Stable();
        Assert.Equal(before.Oracle, before.Ours);

        using var release = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 3).Select(_ => new Thread(() => release.Wait()) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        try
        {
            var during = Stable();
            Assert.Equal(during.Oracle, during.Ours);
            Assert.True(during.Ours >= before.Ours + 3, $"{during.Ours} threads with 3 more started, {before.Ours} before");
        }
        finally
        {
            release.Set();
            threads.ForEach(t => t.Join());
        }
    }
}
