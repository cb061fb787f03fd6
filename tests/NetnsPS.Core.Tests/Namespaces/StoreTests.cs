using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;
using Xunit;

namespace NetnsPS.Core.Tests.Namespaces;

public sealed class StoreTests(NamespaceFixture fx) : NamespaceTests(fx)
{
    [Fact]
    public void CreateIsVisibleToIpAndIsAnNsfsMountWithTheReportedInode()
    {
        var name = Fx.Name("create");
        var e = NamespaceStore.Create(name);
        Assert.Contains(name, NamespaceFixture.IpNetnsList());
        Assert.Equal(NamespaceFixture.StatInode(e.Path), e.Identity.Inode);
        Assert.True(NamespaceFixture.IsNsfsMount(e.Path));
        Assert.NotEqual(NamespaceHandle.CurrentThreadIdentity(), e.Identity);
        NamespaceStore.Delete(name);
        Assert.DoesNotContain(name, NamespaceFixture.IpNetnsList());
        Assert.False(File.Exists(e.Path));
        Assert.False(NamespaceFixture.IsNsfsMount(e.Path));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("x\0y")]
    public void InvalidNamesAreRefusedWithEinval(string name)
    {
        var ex = Assert.Throws<NetnsException>(() => NamespaceStore.Create(name));
        Assert.Equal("InvalidNamespaceName", ex.ErrorCode);
        Assert.Equal(Errno.EINVAL, ex.Errno);
    }

    [Fact]
    public void NameLengthLimitIs255Bytes()
    {
        var ok = Fx.Prefix + new string('a', 255 - Fx.Prefix.Length);
        var e = NamespaceStore.Create(ok);
        Assert.Contains(ok, NamespaceFixture.IpNetnsList());
        NamespaceStore.Delete(ok);
        var tooLong = ok + "b";
        Assert.Equal("InvalidNamespaceName", Assert.Throws<NetnsException>(() => NamespaceStore.Create(tooLong)).ErrorCode);
        // multi-byte: 128 two-byte characters = 256 bytes
        Assert.Equal("InvalidNamespaceName", Assert.Throws<NetnsException>(() => NamespaceStore.Create(new string('é', 128))).ErrorCode);
    }

    [Fact]
    public void APlaceholderAppearsLockedUnderItsNameAndASecondCreatorGetsEexist()
    {
        var name = Fx.Name("ph");
        var path = NamespaceStore.PathOf(name);
        NamespaceStore.EnsureRunDir();
        var ph = NamespaceStore.CreatePlaceholder(name, path);
        try
        {
            Assert.True(File.Exists(path));
            Assert.True(NamespaceHandle.TryStat(ph.Target, out var mine, out _)); // our descriptor, this process's /proc/self
            Assert.Equal(NamespaceFixture.StatInode(path), mine.Inode);            // the name, by stat(1)
            // Locked from the moment it has a name (O_TMPFILE, flock, then linkat): a remover sees a creation in progress.
            int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            Assert.True(fd >= 0);
            try
            {
                Assert.NotEqual(0, Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB));
                Assert.Equal(Errno.EAGAIN, (Errno)System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            }
            finally { Libc.Close(fd); }
            var ex = Assert.Throws<NetnsException>(() => NamespaceStore.CreatePlaceholder(name, path));
            Assert.Equal("NamespaceAlreadyExists", ex.ErrorCode);
            Assert.Equal(Errno.EEXIST, ex.Errno);
        }
        finally
        {
            ph.Dispose();
            File.Delete(path);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ExistingNameFailsAndLeavesTheOriginalUntouched()
    {
        var name = Fx.Name("dup");
        var e = NamespaceStore.Create(name);
        var ex = Assert.Throws<NetnsException>(() => NamespaceStore.Create(name));
        Assert.Equal("NamespaceAlreadyExists", ex.ErrorCode);
        Assert.Equal(Errno.EEXIST, ex.Errno);
        Assert.Equal(e.Identity.Inode, NamespaceFixture.StatInode(e.Path));
        NamespaceStore.Delete(name);
    }

    [Fact]
    public void ConcurrentCreatorsOfOneNameExactlyOneWins()
    {
        var name = Fx.Name("race");
        int wins = 0, exists = 0;
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
        {
            start.Wait();
            try
            {
                using var home = NamespaceHandle.OpenCurrentThread();
                NamespaceStore.CreateOnDedicatedThread(name, NamespaceStore.PathOf(name), home);
                Interlocked.Increment(ref wins);
            }
            catch (NetnsException ex) when (ex.ErrorCode == "NamespaceAlreadyExists") { Interlocked.Increment(ref exists); }
        })).ToList();
        NamespaceStore.EnsureRunDir();
        threads.ForEach(t => t.Start());
        start.Set();
        threads.ForEach(t => t.Join());
        Assert.Equal(1, wins);
        Assert.Equal(15, exists);
        Assert.True(NamespaceFixture.IsNsfsMount(NamespaceStore.PathOf(name)));
        // exactly one mount at the path
        Assert.Equal(1, File.ReadLines("/proc/self/mountinfo").Count(l => l.Split(' ')[4] == NamespaceStore.PathOf(name)));
        NamespaceStore.Delete(name);
    }

    [Fact]
    public void CreatorsNeverFailWhileRemoversHammerTheSameName()
    {
        // Regression (issue 22, bug 4): a remover that found no mount at the name (umount2: EINVAL) unlinked whatever
        // was there, even a placeholder a creator had just linked and still held locked; the creator's mount then
        // failed with NamespaceCreateFailed (ENOENT). Creators on two threads, removers on four, one name, ~4 s: only
        // NamespaceAlreadyExists and NamespaceNotFound may happen, and the name ends mounted once or absent.
        var name = Fx.Name("hammer");
        var path = NamespaceStore.PathOf(name);
        NamespaceStore.EnsureRunDir();
        var unexpected = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int created = 0, removed = 0;
        var end = Environment.TickCount64 + 4000;
        var threads = new List<Thread>();
        for (int i = 0; i < 2; i++)
            threads.Add(new Thread(() =>
            {
                using var home = NamespaceHandle.OpenCurrentThread();
                while (Environment.TickCount64 < end)
                {
                    try { NamespaceStore.CreateOnDedicatedThread(name, path, home); Interlocked.Increment(ref created); }
                    catch (NetnsException ex) when (ex.ErrorCode == "NamespaceAlreadyExists") { }
                    catch (NetnsException ex) { unexpected.Enqueue($"create: {ex.ErrorCode}: {ex.Message}"); }
                }
            }));
        for (int i = 0; i < 4; i++)
            threads.Add(new Thread(() =>
            {
                while (Environment.TickCount64 < end)
                {
                    try { NamespaceStore.Delete(name); Interlocked.Increment(ref removed); }
                    catch (NetnsException ex) when (ex.ErrorCode == "NamespaceNotFound") { }
                    catch (NetnsException ex) { unexpected.Enqueue($"delete: {ex.ErrorCode}: {ex.Message}"); }
                }
            }));
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        try
        {
            Assert.True(created > 20 && removed > 20, $"the race ran: {created} created, {removed} removed");
            Assert.Empty(unexpected.Take(5));
            if (File.Exists(path))
            {
                Assert.True(NamespaceFixture.IsNsfsMount(path), "what is left at the name is a namespace, not a stale placeholder");
                Assert.Equal(1, File.ReadLines("/proc/self/mountinfo").Count(l => l.Split(' ')[4] == path));
            }
        }
        finally
        {
            try { NamespaceStore.Delete(name); } catch (NetnsException) { }
        }
    }

    [Fact]
    public void BulkCreatorReturnsResultsInOrderAndReportsErrorsPerName()
    {
        var names = Enumerable.Range(0, 40).Select(i => Fx.Name("bulk" + i)).ToList();
        names.Insert(10, "bad/name");
        names.Insert(20, names[5]); // duplicate
        using var creator = new NamespaceCreator(4);
        foreach (var n in names) creator.Submit(n);
        creator.Complete();
        var results = creator.TakeResults(wait: true).ToList();
        Assert.Equal(names, results.Select(r => r.Name));
        Assert.Equal("InvalidNamespaceName", results[10].Error!.ErrorCode);
        Assert.Equal("NamespaceAlreadyExists", results[20].Error!.ErrorCode);
        var listed = NamespaceFixture.IpNetnsList();
        foreach (var r in results.Where(r => r.Entry is not null))
        {
            Assert.Contains(r.Name, listed);
            Assert.Equal(NamespaceFixture.StatInode(r.Entry!.Value.Path), r.Entry!.Value.Identity.Inode);
        }
        Assert.Equal(40, results.Count(r => r.Entry is not null));
        Assert.Equal(40, results.Where(r => r.Entry is not null).Select(r => r.Entry!.Value.Identity.Inode).Distinct().Count());
        foreach (var r in results.Where(r => r.Entry is not null)) NamespaceStore.Delete(r.Name);
    }

    [Fact]
    public void AttachNamesTheNamespaceOfAProcess()
    {
        var name = Fx.Name("attach");
        using var p = System.Diagnostics.Process.Start("unshare", new[] { "-n", "sleep", "30" })!;
        try
        {
            // wait until the child has its own namespace
            ulong ino = 0;
            for (int i = 0; i < 200 && (ino == 0 || ino == NamespaceHandle.CurrentThreadIdentity().Inode); i++)
            {
                Thread.Sleep(10);
                ProcNs.TryReadNetInode($"/proc/{p.Id}/ns/net", out ino);
            }
            var e = NamespaceStore.Attach(name, p.Id);
            Assert.Equal(ino, e.Identity.Inode);
            Assert.Equal(name, NamespaceFixture.Ip("netns", "identify", p.Id.ToString()).Trim());
            Assert.Contains(p.Id, ProcScanner.ProcessesIn(ino));
            NamespaceStore.Delete(name);
        }
        finally { p.Kill(); p.WaitForExit(); }
    }

    [Fact]
    public void AttachToMissingProcessLeavesNothing()
    {
        var name = Fx.Name("nopid");
        var ex = Assert.Throws<NetnsException>(() => NamespaceStore.Attach(name, int.MaxValue - 1));
        Assert.Equal("ProcessNotFound", ex.ErrorCode);
        Assert.False(File.Exists(NamespaceStore.PathOf(name)));
    }

    [Fact]
    public void StaleEntryIsListedAsStaleAndRemovable()
    {
        var name = Fx.Name("stale");
        var path = NamespaceStore.PathOf(name);
        NamespaceStore.EnsureRunDir();
        File.WriteAllBytes(path, Array.Empty<byte>());
        var e = NamespaceStore.List().Single(x => x.Name == name);
        Assert.True(e.IsStale);
        Assert.Equal("NamespaceStale", Assert.Throws<NetnsException>(() => NamespaceHandle.Open(path)).ErrorCode);
        NamespaceStore.Delete(name);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void DeleteMissingIsNotFound()
    {
        var ex = Assert.Throws<NetnsException>(() => NamespaceStore.Delete(Fx.Name("missing")));
        Assert.Equal("NamespaceNotFound", ex.ErrorCode);
        Assert.Equal(Errno.ENOENT, ex.Errno);
    }

    [Fact]
    public void RunDirIsASharedMount()
    {
        NamespaceStore.EnsureRunDir();
        var line = File.ReadLines("/proc/self/mountinfo").First(l => l.Split(' ')[4] == NamespaceStore.RunDir);
        Assert.Contains("shared:", line);
    }

    [Fact]
    public void ProcScanFindsProcessesByThreadAndMatchesIpNetnsPids()
    {
        var name = Fx.Name("pids");
        var e = NamespaceStore.Create(name);
        using var p = System.Diagnostics.Process.Start("ip", new[] { "netns", "exec", name, "sleep", "30" })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (!ProcScanner.ProcessesIn(e.Identity.Inode).Contains(p.Id) && DateTime.UtcNow < deadline) Thread.Sleep(10);
            var ours = ProcScanner.ProcessesIn(e.Identity.Inode).ToHashSet();
            var ip = NamespaceFixture.Ip("netns", "pids", name).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
            Assert.Equal(ip, ours);
            Assert.Contains(p.Id, ours);
            Assert.Equal(ours, ProcScanner.ScanByInode()[e.Identity.Inode].ToHashSet());
        }
        finally { p.Kill(); p.WaitForExit(); }
        NamespaceStore.Delete(name);
    }

    [Theory]
    [InlineData("net:[4026531840]", true, 4026531840UL)]
    [InlineData("net:[]", false, 0UL)]
    [InlineData("mnt:[4026531840]", false, 0UL)]
    [InlineData("net:[12a]", false, 0UL)]
    [InlineData("net:[99999999999999999999999]", false, 0UL)]
    public void ParsesNsLinkText(string text, bool ok, ulong expected)
    {
        bool parsed = ProcNs.TryParseLink(System.Text.Encoding.ASCII.GetBytes(text), out ulong ino);
        Assert.Equal(ok, parsed);
        Assert.Equal(expected, ino);
    }

    [Fact]
    public void RemovesOnSeveralThreadsAndReportsInSubmissionOrder()
    {
        var names = Enumerable.Range(0, 40).Select(i => Fx.Name($"del{i}")).ToList();
        foreach (var n in names) NamespaceFixture.Ip("netns", "add", n);
        names.Insert(17, Fx.Name("del-missing"));
        var results = new List<DeleteResult>();
        using (var d = new NamespaceDeleter(4))
        {
            for (int i = 0; i < names.Count; i++)
            {
                d.Submit(i, names[i]);
                results.AddRange(d.TakeResults(false));
            }
            results.AddRange(d.TakeResults(true));
            Assert.Equal(0, d.Outstanding);
        }
        Assert.Equal(Enumerable.Range(0, names.Count), results.Select(r => r.Index));
        Assert.Equal(names, results.Select(r => r.Name));
        var failed = Assert.Single(results, r => r.Error is not null);
        Assert.Equal(17, failed.Index);
        Assert.Equal(ErrorIds.NamespaceNotFound, failed.Error!.ErrorCode);
        // The oracles: ip lists none of them, and no mount of them is left.
        var listed = NamespaceFixture.IpNetnsList();
        Assert.DoesNotContain(names, listed.Contains);
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(Fx.Name("del")));
    }

    [Fact]
    public void ListingIdsAreFoundWhenFirstReadForTheWholeListing()
    {
        var a = Fx.Name("lazyid-a");
        var b = Fx.Name("lazyid-b");
        NamespaceFixture.Ip("netns", "add", a);
        NamespaceFixture.Ip("netns", "add", b);
        try
        {
            var listed = NamespaceQuery.Describe(NamespaceStore.List().Where(e => e.Name == a || e.Name == b).ToList());
            // Assigned after the listing, before any Id is read: a listing that queried at once would say null.
            NamespaceFixture.Ip("netns", "set", a, "4711");
            Assert.Contains("(id: 4711)", NamespaceFixture.Ip("netns", "list").Split('\n').Single(l => l.StartsWith(a + " ", StringComparison.Ordinal)));
            Assert.Equal(4711, listed.Single(n => n.Name == a).Id);
            Assert.Null(listed.Single(n => n.Name == b).Id);
        }
        finally
        {
            NamespaceFixture.Run("ip", "netns", "delete", a);
            NamespaceFixture.Run("ip", "netns", "delete", b);
        }
    }

    [Fact]
    public void AWholeListingStatsAnEntryWhenAskedAndAgreesWithLsAndIp()
    {
        var a = Fx.Name("listing-a");
        var stale = Fx.Name("listing-stale");
        var staleFile = NamespaceStore.RunDir + "/" + stale;
        NamespaceFixture.Ip("netns", "add", a);
        File.WriteAllText(staleFile, "");
        try
        {
            var listed = NamespaceQuery.DescribeListing();
            var eager = NamespaceQuery.Describe(NamespaceStore.List());
            Assert.Equal(eager.Select(n => n.Name), listed.Select(n => n.Name));
            NamespaceFixture.Ip("netns", "set", a, "4712");
            var n = listed.Single(x => x.Name == a);
            // the oracles: stat -L for the inode of the mount, ip netns list for the nsid (set after the listing)
            Assert.Equal(NamespaceFixture.StatInode(NamespaceStore.RunDir + "/" + a), n.Inode);
            Assert.Contains("(id: 4712)", NamespaceFixture.Ip("netns", "list").Split('\n').Single(l => l.StartsWith(a + " ", StringComparison.Ordinal)));
            Assert.Equal(NamespaceHandle.NsfsDevice, n.Device);
            Assert.Equal(NamespaceStore.RunDir + "/" + a, n.Path);
            Assert.False(n.IsStale);
            Assert.False(n.IsHost);
            Assert.Equal(4712, n.Id);
            Assert.Equal(0, n.ProcessCount);
            var s = listed.Single(x => x.Name == stale);
            var e = eager.Single(x => x.Name == stale);
            Assert.True(s.IsStale);
            Assert.Equal(e.Inode, s.Inode);
            Assert.Equal(e.Device, s.Device);
            Assert.Null(s.Id);
            Assert.Equal(0, s.ProcessCount);
        }
        finally
        {
            NamespaceFixture.Run("ip", "netns", "delete", a);
            File.Delete(staleFile);
        }
    }
}
