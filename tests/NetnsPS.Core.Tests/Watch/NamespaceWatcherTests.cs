using System.Text;
using NetnsPS.Core.Watch;
using Xunit;

namespace NetnsPS.Core.Tests.Watch;

/// <summary>
/// The /run/netns watcher on a directory of its own (inotify works on any directory, so these need no namespaces): the
/// events of real file changes, and the queue overflow path, fed an IN_Q_OVERFLOW record (the kernel's overflow needs
/// more than fs.inotify.max_queued_events changes while nothing reads, and that host setting is never lowered here;
/// Watch-NetNamespace.Tests.ps1 makes a real one in a private /run/netns).
/// </summary>
public sealed class NamespaceWatcherTests : IDisposable
{
    private const uint IN_CREATE = 0x100, IN_DELETE = 0x200, IN_Q_OVERFLOW = 0x4000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nnx-watch-" + Guid.NewGuid().ToString("N")[..8]);

    public NamespaceWatcherTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private void Touch(string name) => File.WriteAllBytes(Path.Combine(_dir, name), Array.Empty<byte>());

    private void Remove(string name) => File.Delete(Path.Combine(_dir, name));

    /// <summary>struct inotify_event { int wd; u32 mask; u32 cookie; u32 len; char name[len]; }, the name NUL-padded to 16.</summary>
    private static byte[] Record(int wd, uint mask, string name = "")
    {
        int len = name.Length == 0 ? 0 : (Encoding.UTF8.GetByteCount(name) / 16 + 1) * 16;
        var b = new byte[16 + len];
        BitConverter.GetBytes(wd).CopyTo(b, 0);
        BitConverter.GetBytes(mask).CopyTo(b, 4);
        BitConverter.GetBytes(len).CopyTo(b, 12);
        Encoding.UTF8.GetBytes(name).CopyTo(b, 16);
        return b;
    }

    private static string Show(WatchItem<NetNamespaceEvent> i) => i.Resync is not null ? "resync" : $"{i.Event!.Event} {i.Event.Name}";

    /// <summary>Reads until <paramref name="want"/> items came or 5 s passed.</summary>
    private static List<string> ReadAll(NamespaceWatcher w, int want)
    {
        var got = new List<string>();
        var until = DateTime.UtcNow.AddSeconds(5);
        while (got.Count < want && DateTime.UtcNow < until) got.AddRange(w.Read(100).Select(Show));
        return got;
    }

    [Fact]
    public void ReportsChangesInOrder()
    {
        Touch("old");
        using var w = new NamespaceWatcher(_dir);
        Touch("a");
        Touch("b");
        Remove("a");
        Remove("old");
        Assert.Equal(new[] { "Added a", "Added b", "Removed a", "Removed old" }, ReadAll(w, 4));
        Assert.Empty(w.Read(50));
    }

    [Fact]
    public void AQueueOverflowRereadsTheDirectoryAndReportsTheDifferenceOnce()
    {
        Touch("keep");
        Touch("gone");
        using var w = new NamespaceWatcher(_dir);
        Touch("first");
        // Changes whose events the kernel queues (as if they came after the overflow point)...
        Remove("gone");
        Touch("new");
        Touch("brief");
        Remove("brief");
        // ...and the overflow record, after the event of "first" (its record, as the kernel's came before the overflow).
        var items = new List<WatchItem<NetNamespaceEvent>>();
        w.Take(Record(1, IN_CREATE, "first").Concat(Record(-1, IN_Q_OVERFLOW)).ToArray(), DateTime.Now, items);
        Assert.Equal(new[] { "Added first", "resync", "Removed gone", "Added new" }, items.Select(Show));
        Assert.Contains("overflowed", items[1].Resync);
        Assert.Contains("max_queued_events", items[1].Resync);
        // The queued events: those already reported (first, gone, new) are not repeated; the add and remove the resync could
        // not see are.
        Assert.Equal(new[] { "Added brief", "Removed brief" }, ReadAll(w, 2));
        // After the resync, later changes come as before.
        Remove("keep");
        Touch("later");
        Assert.Equal(new[] { "Removed keep", "Added later" }, ReadAll(w, 2));
        Assert.Empty(w.Read(50));
    }

    [Fact]
    public void AnOverflowWithNothingChangedIsStillReported()
    {
        Touch("x");
        using var w = new NamespaceWatcher(_dir);
        var items = new List<WatchItem<NetNamespaceEvent>>();
        w.Take(Record(-1, IN_Q_OVERFLOW), DateTime.Now, items);
        Assert.Equal(new[] { "resync" }, items.Select(Show));
        Assert.Contains("the 0 Removed and 0 Added event(s)", items[0].Resync);
    }

    [Fact]
    public void DirectoriesAndTruncatedRecordsAreSkipped()
    {
        using var w = new NamespaceWatcher(_dir);
        var items = new List<WatchItem<NetNamespaceEvent>>();
        const uint IN_ISDIR = 0x40000000;
        var data = Record(1, IN_CREATE | IN_ISDIR, "sub").Concat(Record(1, IN_DELETE, "f")).Concat(new byte[] { 1, 0, 0, 0, 0, 2 }).ToArray();
        w.Take(data, DateTime.Now, items);
        Assert.Equal(new[] { "Removed f" }, items.Select(Show));
    }
}
