using System.Text.Json;
using NetnsPS.Core.Labs;
using Xunit;

namespace NetnsPS.Core.Tests.Labs;

/// <summary>
/// The preflight a host of a spanning lab runs (LabPreflight.Check), in a namespace standing for the host's underlay:
/// what it finds (MTU, VNIs in use, taken names, unreachable peers) and that it makes nothing. Oracle: ip -j.
/// </summary>
public sealed class LabPreflightTests : IClassFixture<NamespaceFixture>
{
    private readonly NamespaceFixture _fx;
    public LabPreflightTests(NamespaceFixture fx) => _fx = fx;

    private static string[] Links(string ns) =>
        JsonDocument.Parse(NamespaceFixture.Ip("-n", ns, "-j", "link", "show")).RootElement.EnumerateArray()
            .Select(l => l.GetProperty("ifname").GetString()!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    [Fact]
    public void FindsMtuVnisTakenNamesAndUnreachablePeersAndMakesNothing()
    {
        string u = _fx.Name("ul"), prefix = _fx.Name("pf-");
        NamespaceFixture.Ip("netns", "add", u);
        NamespaceFixture.Ip("-n", u, "link", "set", "lo", "up");
        NamespaceFixture.Ip("-n", u, "link", "add", "ul0", "mtu", "1400", "type", "ifb");
        NamespaceFixture.Ip("-n", u, "link", "set", "ul0", "up");
        NamespaceFixture.Ip("-n", u, "addr", "add", "192.0.2.50/24", "dev", "ul0");
        NamespaceFixture.Ip("-n", u, "link", "add", "vx1", "type", "vxlan", "id", "4242", "dstport", "4789", "local", "192.0.2.50");
        NamespaceFixture.Ip("-n", u, "link", "add", "vx2", "type", "vxlan", "id", "4343", "dstport", "8472", "local", "192.0.2.50");
        NamespaceFixture.Ip("netns", "add", prefix + "b");
        var before = Links(u);
        // Only this test's names: other suites make and remove their own namespaces at the same time.
        HashSet<string> Mine() => NamespaceFixture.IpNetnsList().Where(n => n == u || n.StartsWith(prefix)).ToHashSet();
        var namesBefore = Mine();

        // 127.0.0.1:1 refuses (an answer: reachable); 192.0.2.51 is on ul0's subnet, where nothing answers.
        var r = LabPreflight.Check(prefix, new[] { "a", "b" }, "192.0.2.50", u, new[] { "127.0.0.1:1", "192.0.2.51:22" }, 4789, peerTimeoutSeconds: 0.5);

        Assert.Equal(1400, r.UnderlayMtu);
        Assert.Equal(new uint[] { 4242 }, r.UsedVnis);
        Assert.Contains(r.Problems, p => p == $"namespace '{prefix}b' already exists");
        Assert.DoesNotContain(r.Problems, p => p.Contains($"'{prefix}a'"));
        Assert.Contains(r.Problems, p => p.StartsWith("peer 192.0.2.51 is not reachable", StringComparison.Ordinal));
        Assert.DoesNotContain(r.Problems, p => p.Contains("127.0.0.1"));
        Assert.DoesNotContain(r.Problems, p => p.Contains("vxlan"));
        Assert.Equal(2, r.Problems.Length);                                                // as root: nothing else
        // Nothing made: the vxlan probe was refused by the kernel, no namespace appeared.
        Assert.Equal(before, Links(u));
        Assert.Equal(namesBefore, Mine());
    }

    [Fact]
    public void NamesAnUnderlayAddressNoAdapterHas()
    {
        string u = _fx.Name("ul2");
        NamespaceFixture.Ip("netns", "add", u);
        var r = LabPreflight.Check(_fx.Name("pg-"), new[] { "a" }, "192.0.2.99", u, Array.Empty<string>(), 4789);
        Assert.Contains(r.Problems, p => p.Contains("has the underlay address 192.0.2.99"));
        Assert.Equal(0, r.UnderlayMtu);
    }
}
