using System.Text.RegularExpressions;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using Xunit;

namespace NetnsPS.Core.Tests.Netlink;

/// <summary>NetlinkSocket as a listener: multicast groups, NETLINK_LISTEN_ALL_NSID and each message's nsid, overruns.</summary>
public sealed class NetlinkListenerTests : IClassFixture<NamespaceFixture>
{
    private readonly NamespaceFixture _fx;
    public NetlinkListenerTests(NamespaceFixture fx) => _fx = fx;

    /// <summary>The id `ip netns list` shows for <paramref name="name"/> ("NAME (id: N)"), or null.</summary>
    internal static int? IpNsid(string name)
    {
        var m = Regex.Match(NamespaceFixture.Ip("netns", "list"), $@"^{Regex.Escape(name)} \(id: (\d+)\)", RegexOptions.Multiline);
        return m.Success ? int.Parse(m.Groups[1].Value) : null;
    }

    /// <summary>Notifications for <paramref name="ms"/> ms, or until <paramref name="done"/> says so.</summary>
    private static List<NetlinkNotification> Collect(NetlinkSocket l, int ms, Func<List<NetlinkNotification>, bool> done, Action<bool>? overrun = null)
    {
        var all = new List<NetlinkNotification>();
        var until = DateTime.UtcNow.AddMilliseconds(ms);
        while (DateTime.UtcNow < until && !done(all))
        {
            all.AddRange(l.ReceiveNotifications(100, out bool o));
            overrun?.Invoke(o);
        }
        return all;
    }

    [Fact]
    public void ListenNsidReadsTheControlMessage()
    {
        // two cmsghdrs { u64 len; int level; int type; } + data, each aligned to 8: SOL_SOCKET/SO_TIMESTAMP first, then
        // SOL_NETLINK (270) / NETLINK_LISTEN_ALL_NSID (8) with the int 42
        byte[] control =
        {
            32, 0, 0, 0, 0, 0, 0, 0,   1, 0, 0, 0,   29, 0, 0, 0,   1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
            20, 0, 0, 0, 0, 0, 0, 0,   14, 1, 0, 0,   8, 0, 0, 0,   42, 0, 0, 0,   0, 0, 0, 0,
        };
        Assert.Equal(42, NetlinkSocket.ListenNsid(control));
        Assert.Null(NetlinkSocket.ListenNsid(control.AsSpan(0, 32)));
        Assert.Null(NetlinkSocket.ListenNsid(ReadOnlySpan<byte>.Empty));
        // a length past the buffer ends the walk
        var bad = (byte[])control.Clone();
        bad[32] = 200;
        Assert.Null(NetlinkSocket.ListenNsid(bad));
    }

    [Fact]
    public void HearsTheNamespacesThatHaveAnNsidEachWithItsNsid()
    {
        var a = NamespaceStore.Create(_fx.Name("lna")).Name;
        var b = NamespaceStore.Create(_fx.Name("lnb")).Name;
        try
        {
            NamespaceFixture.Ip("netns", "set", a, "auto");
            int nsid = IpNsid(a) ?? throw new InvalidOperationException("ip netns set auto gave no id");
            Assert.Null(IpNsid(b));
            using var l = NetlinkSocket.OpenListener(new[] { RtnlGroup.LINK }, allNamespaces: true, 1 << 20);
            NamespaceFixture.Ip("-n", b, "link", "set", "lo", "mtu", "1281");
            NamespaceFixture.Ip("-n", a, "link", "set", "lo", "mtu", "1280");
            var got = Collect(l, 5000, all => all.Any(n => n.Nsid == nsid && n.Message.Type == Rtm.NEWLINK && Links.Parse(n.Message.Payload).Mtu == 1280));
            var mine = got.Where(n => n.Nsid == nsid && n.Message.Type == Rtm.NEWLINK).Select(n => Links.Parse(n.Message.Payload)).ToList();
            Assert.Contains(mine, x => x.Name == "lo" && x.Mtu == 1280);
            // b has no id in the host: the kernel delivers none of its notifications (why the watcher gives ids)
            Assert.DoesNotContain(got, n => n.Message.Type == Rtm.NEWLINK && Links.Parse(n.Message.Payload) is { Name: "lo", Mtu: 1281 });
        }
        finally
        {
            NamespaceStore.Delete(a);
            NamespaceStore.Delete(b);
        }
    }

    [Fact]
    public void WithoutListenAllNsidOnlyTheOwnNamespaceIsHeard()
    {
        var a = NamespaceStore.Create(_fx.Name("lnc")).Name;
        try
        {
            NamespaceFixture.Ip("netns", "set", a, "auto");
            using var l = NetlinkSocket.OpenListener(new[] { RtnlGroup.LINK }, allNamespaces: false, 1 << 20);
            NamespaceFixture.Ip("-n", a, "link", "set", "lo", "mtu", "1282");
            var got = Collect(l, 700, _ => false);
            Assert.All(got, n => Assert.Null(n.Nsid));
            Assert.DoesNotContain(got, n => n.Message.Type == Rtm.NEWLINK && Links.Parse(n.Message.Payload) is { Name: "lo", Mtu: 1282 });
        }
        finally { NamespaceStore.Delete(a); }
    }

    [Fact]
    public void AnOverrunIsReported()
    {
        var a = NamespaceStore.Create(_fx.Name("lno")).Name;
        var batch = Path.Combine(Path.GetTempPath(), _fx.Name("mtu.batch"));
        try
        {
            NamespaceFixture.Ip("netns", "set", a, "auto");
            int nsid = IpNsid(a)!.Value;
            // the smallest receive buffer the kernel gives (a few KiB), and 200 notifications that nobody reads meanwhile
            using var l = NetlinkSocket.OpenListener(new[] { RtnlGroup.LINK }, allNamespaces: true, 1);
            File.WriteAllLines(batch, Enumerable.Range(0, 200).Select(i => $"link set lo mtu {1300 + i}"));
            NamespaceFixture.Ip("-n", a, "-b", batch);
            bool overrun = false;
            var got = Collect(l, 5000, _ => overrun, o => overrun |= o);
            Assert.True(overrun, "ENOBUFS was not reported");
            // what was queued before the drop is still delivered, with its nsid
            Assert.Contains(got, n => n.Nsid == nsid);
            Assert.True(got.Count(n => n.Nsid == nsid) < 200);
        }
        finally
        {
            File.Delete(batch);
            NamespaceStore.Delete(a);
        }
    }

    [Fact]
    public void AListenerExecutesNoRequestsAndARequestSocketReceivesNoNotifications()
    {
        using var l = NetlinkSocket.OpenListener(new[] { RtnlGroup.LINK }, allNamespaces: false, 1 << 16);
        Assert.Throws<InvalidOperationException>(() => l.Execute(Links.DumpRequest(), "RTM_GETLINK dump"));
        using var s = NetlinkSocket.Open();
        Assert.Throws<InvalidOperationException>(() => s.ReceiveNotifications(0, out _));
    }
}
