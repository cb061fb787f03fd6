using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using Xunit;

namespace NetnsPS.Core.Tests.Interop;

public sealed class LimitsTests
{
    [Fact]
    public void EnomemFromAnySystemCallIsMemoryLimitReachedNamingTheLimitThatApplies()
    {
        var ex = Sys.Error(ErrorIds.NamespaceCreateFailed, Errno.ENOMEM, "unshare(CLONE_NEWNET) for 'x' failed", "x");
        Assert.Equal(ErrorIds.MemoryLimitReached, ex.ErrorCode);
        Assert.Equal(Errno.ENOMEM, ex.Errno);
        Assert.Contains("errno 12 ENOMEM", ex.Message);
        Assert.Contains("unshare(CLONE_NEWNET) for 'x' failed", ex.Message);
        // The oracle: this process's memory cgroup as /proc/self/cgroup names it, with a limit or without one.
        var memcg = File.ReadLines("/proc/self/cgroup").Select(l => l.Split(':', 3))
            .FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains("memory"));
        var limitFile = memcg is null ? null : $"/sys/fs/cgroup/memory{memcg[2]}/memory.limit_in_bytes";
        if (limitFile is not null && File.Exists(limitFile) && ulong.TryParse(File.ReadAllText(limitFile).Trim(), out var limit) && limit < 1UL << 62)
            Assert.Contains($"allows {limit / 1024} KiB", ex.Message);
        else
            Assert.Matches(@"(?i)memory cgroup \(.*\) allows \d+ KiB|the machine has \d+ KiB available", ex.Message);
        Assert.Contains("network namespace takes roughly", ex.Message);
    }

    [Fact]
    public void OtherErrnosKeepTheirIdAndDescriptorsStayTooManyOpenFiles()
    {
        Assert.Equal(ErrorIds.NamespaceCreateFailed, Sys.Error(ErrorIds.NamespaceCreateFailed, Errno.EPERM, "unshare").ErrorCode);
        Assert.Equal(ErrorIds.TooManyOpenFiles, Sys.Error(ErrorIds.NamespaceCreateFailed, Errno.EMFILE, "open").ErrorCode);
    }

    [Fact]
    public void ErrnoMapSaysWhichErrnosItNames()
    {
        var map = new ErrnoMap(ErrorIds.AdapterCreateFailed) { { ErrorIds.AdapterBusy, Errno.EBUSY } };
        Assert.True(map.Names(Errno.EBUSY));
        Assert.False(map.Names(Errno.ENOMEM));
        Assert.Equal(ErrorIds.AdapterCreateFailed, map[Errno.ENOMEM]);
    }
}
