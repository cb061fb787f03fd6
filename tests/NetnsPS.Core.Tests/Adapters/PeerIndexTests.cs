using System.Text.Json;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Namespaces;
using Xunit;

namespace NetnsPS.Core.Tests.Adapters;

/// <summary>
/// Veth peers across many namespaces (issue 18): each peer's namespace is found through the index of veths by MAC
/// address (the peer read through IFLA_TARGET_NETNSID), about one RTM_GETNSID question per veth, instead of asking
/// namespace after namespace (O(N) questions per peer, O(N²) for Get-NetNamespaceAdapter -All). Oracle: ip -j link.
/// </summary>
public sealed class PeerIndexTests(NamespaceFixture fx) : NamespaceTests(fx)
{
    [Fact]
    public void EveryPeerOfManyNamespacesIsResolvedWithAboutOneQuestionPerVeth()
    {
        const int pairs = 100;
        var names = Enumerable.Range(0, 2 * pairs).Select(i => Fx.Name($"pi{i}")).ToArray();
        var batch = Path.GetTempFileName();
        try
        {
            // one ip batch: the namespaces, then a veth between namespace 2i and 2i+1 made directly in both
            File.WriteAllLines(batch, names.Select(n => $"netns add {n}")
                .Concat(Enumerable.Range(0, pairs).Select(i => $"link add a{i} netns {names[2 * i]} type veth peer name b{i} netns {names[2 * i + 1]}")));
            NamespaceFixture.Ip("-b", batch);
        }
        finally { File.Delete(batch); }

        using var sessions = new NamespaceSessions();
        var veths = new List<NetNamespaceAdapter>();
        foreach (var n in names)
            veths.AddRange(AdapterService.List(sessions, sessions.Get(n)).Where(a => a.Kind == "veth"));

        Assert.Equal(2 * pairs, veths.Count);
        for (int i = 0; i < pairs; i++)
        {
            string a = names[2 * i], b = names[2 * i + 1];
            var ab = veths.Single(v => v.Namespace == a);
            var ba = veths.Single(v => v.Namespace == b);
            Assert.Equal(("a" + i, b, "b" + i), (ab.Name, ab.PeerNamespace, ab.PeerName));
            Assert.Equal(("b" + i, a, "a" + i), (ba.Name, ba.PeerNamespace, ba.PeerName));
            // the oracle: ip's ifindex of each end is the other's PeerIndex
            Assert.Equal(IfIndex(b, "b" + i), ab.PeerIndex);
            Assert.Equal(IfIndex(a, "a" + i), ba.PeerIndex);
        }
        // Each veth's peer namespace is asked about once (both ends were indexed by MAC by then), after the first
        // namespaces, whose peers are first looked for among the few open ones; asking namespace after namespace needs
        // one question per namespace read before the peer is found (1,856 here without the index, with the machine's
        // other namespaces in the listing).
        int coldStart = (NamespaceSessions.MaxOpen + 1) * (NamespaceSessions.MaxOpen + 8);
        Assert.InRange(sessions.NsidQueries, 2 * pairs, 2 * pairs + coldStart);
        Assert.InRange(sessions.OpenCount, 0, NamespaceSessions.MaxOpen);
    }

    private static int IfIndex(string ns, string name)
        => JsonDocument.Parse(NamespaceFixture.Ip("-n", ns, "-j", "link", "show", "dev", name)).RootElement[0].GetProperty("ifindex").GetInt32();
}
