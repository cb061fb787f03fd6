using System.Text.Json;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Tests.Netlink;
using NetnsPS.Core.Watch;
using Xunit;

namespace NetnsPS.Core.Tests.Watch;

/// <summary>The adapter watcher: one listener in the host for every namespace, nsids given, overruns resynchronised.</summary>
public sealed class LinkWatcherTests : IClassFixture<NamespaceFixture>
{
    private readonly NamespaceFixture _fx;
    public LinkWatcherTests(NamespaceFixture fx) => _fx = fx;

    private static string Show(WatchItem<NetNamespaceAdapterEvent> i) =>
        i.Resync is not null ? "resync" : $"{i.Event!.Namespace} {i.Event.EventType} {i.Event.Name}";

    /// <summary>Reads until <paramref name="done"/> or 5 s passed.</summary>
    private static List<WatchItem<NetNamespaceAdapterEvent>> ReadUntil(LinkWatcher w, Func<List<WatchItem<NetNamespaceAdapterEvent>>, bool> done)
    {
        var got = new List<WatchItem<NetNamespaceAdapterEvent>>();
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!done(got) && DateTime.UtcNow < until) got.AddRange(w.Read(100));
        return got;
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    [Fact]
    public void AWatchedNamespaceGetsAnNsidAndItsChangesComeFromTheOneListener()
    {
        var a = NamespaceStore.Create(_fx.Name("wa")).Name;
        var b = NamespaceStore.Create(_fx.Name("wb")).Name;
        try
        {
            Assert.Null(NetlinkListenerTests.IpNsid(a));
            using var sessions = new NamespaceSessions();
            using var w = new LinkWatcher(sessions, new[] { sessions.Get(a), sessions.Get(b) });
            // the oracle: ip sees the ids the watcher gave
            Assert.NotNull(NetlinkListenerTests.IpNsid(a));
            Assert.NotNull(NetlinkListenerTests.IpNsid(b));
            NamespaceFixture.Ip("-n", a, "link", "add", "wx", "type", "veth", "peer", "name", "wy", "netns", b);
            var got = ReadUntil(w, g => g.Count(i => i.Event?.EventType == "Added") >= 2).Select(Show).ToList();
            Assert.Contains($"{a} Added wx", got);
            Assert.Contains($"{b} Added wy", got);
            Assert.DoesNotContain("resync", got);
        }
        finally
        {
            NamespaceStore.Delete(a);
            NamespaceStore.Delete(b);
        }
    }

    [Fact]
    public void AWatchedNamespaceThatEndsIsNoLongerWatchedEvenWhenItsNsidIsGivenAgain()
    {
        var a = NamespaceStore.Create(_fx.Name("we")).Name;
        var c = _fx.Name("wf");
        try
        {
            using var sessions = new NamespaceSessions();
            var ctx = sessions.Get(a);
            using var w = new LinkWatcher(sessions, new[] { ctx });
            int id = NetlinkListenerTests.IpNsid(a)!.Value;
            // a ends: its name goes, and the last descriptor on it closes (the kernel then releases its nsid: RTM_DELNSID)
            NamespaceStore.Delete(a);
            ctx.Close();
            var until = DateTime.UtcNow.AddSeconds(10);
            while (NamespaceFixture.Ip("netns", "list-id").Contains($"nsid {id} ") && DateTime.UtcNow < until) w.Read(50);
            Assert.DoesNotContain($"nsid {id} ", NamespaceFixture.Ip("netns", "list-id"));
            Assert.Empty(w.Read(200));
            // the id may now go to another namespace: its changes are not a's
            NamespaceStore.Create(c);
            NamespaceFixture.Ip("netns", "set", c, id.ToString());
            NamespaceFixture.Ip("-n", c, "link", "set", "lo", "mtu", "1300");
            Assert.Equal(id, NetlinkListenerTests.IpNsid(c));
            var got = new List<WatchItem<NetNamespaceAdapterEvent>>();
            until = DateTime.UtcNow.AddMilliseconds(700);
            while (DateTime.UtcNow < until) got.AddRange(w.Read(100));
            Assert.Empty(got.Select(Show));
        }
        finally
        {
            if (File.Exists(Path.Combine(NamespaceStore.RunDir, c))) NamespaceStore.Delete(c);
        }
    }

    [Fact]
    public void AnOverrunRereadsTheLinksAndReportsTheDifferenceOnce()
    {
        var a = NamespaceStore.Create(_fx.Name("wo")).Name;
        var batch = Path.Combine(Path.GetTempPath(), _fx.Name("wo.batch"));
        try
        {
            using var sessions = new NamespaceSessions();
            // the smallest receive buffer the kernel gives: 150 MTU changes that nobody reads overrun it, and the veth
            // pair made after them is only known through the resync
            using var w = new LinkWatcher(sessions, new[] { sessions.Get(a) }, receiveBuffer: 1);
            File.WriteAllLines(batch, Enumerable.Range(0, 150).Select(i => $"link set lo mtu {1300 + i}")
                .Append("link add wp type veth peer name wq"));
            NamespaceFixture.Ip("-n", a, "-b", batch);
            var items = ReadUntil(w, g => g.Any(i => i.Resync is not null));
            // and what was still queued after the drop (a repeat of what the resync reported is not written again)
            var until = DateTime.UtcNow.AddMilliseconds(800);
            while (DateTime.UtcNow < until) items.AddRange(w.Read(100));
            var shown = items.Select(Show).ToList();
            Assert.Equal(1, shown.Count(s => s == "resync"));
            Assert.Contains("ENOBUFS", items.First(i => i.Resync is not null).Resync);
            // both ends are reported as added, once, and after the notice
            int notice = shown.IndexOf("resync");
            Assert.Equal(1, shown.Count(s => s == $"{a} Added wp"));
            Assert.Equal(1, shown.Count(s => s == $"{a} Added wq"));
            Assert.True(shown.IndexOf($"{a} Added wp") > notice);
            // lo's last event has the MTU ip shows now (1449), whatever was dropped on the way
            var ip = JsonDocument.Parse(NamespaceFixture.Ip("-n", a, "-j", "link", "show", "lo")).RootElement[0];
            var lastLo = items.Last(i => i.Event?.Name == "lo").Event!;
            Assert.Equal(ip.GetProperty("mtu").GetInt32(), lastLo.Mtu);
            Assert.Equal(1449, lastLo.Mtu);
        }
        finally
        {
            File.Delete(batch);
            NamespaceStore.Delete(a);
        }
    }

    [Fact]
    public void DescriptorsStayBoundedWhateverTheNumberOfNamespaces()
    {
        var names = Enumerable.Range(0, 60).Select(i => _fx.Name($"wd{i}")).ToList();
        try
        {
            foreach (var n in names) NamespaceStore.Create(n);
            using var sessions = new NamespaceSessions();
            _ = sessions.Get("").Socket; // the host's context is the caller's, open before and after
            int before = OpenDescriptors();
            using var w = new LinkWatcher(sessions, names.Select(sessions.Get).ToList());
            int during = OpenDescriptors();
            // the listener, plus at most the sessions' bounded cache: never one per namespace (60 here)
            Assert.True(during - before <= NamespaceSessions.MaxOpen + 2, $"{during - before} descriptors for 60 namespaces");
            NamespaceFixture.Ip("-n", names[^1], "link", "set", "lo", "mtu", "1300");
            var got = ReadUntil(w, g => g.Any(i => i.Event?.Namespace == names[^1]));
            Assert.Contains(got, i => i.Event is { EventType: "Changed", Name: "lo", Mtu: 1300 } e && e.Namespace == names[^1]);
        }
        finally
        {
            foreach (var n in names) NamespaceStore.Delete(n);
        }
    }
}
