using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using Xunit;

namespace NetnsPS.Core.Tests.Namespaces;

public sealed class DeleterTests : IClassFixture<NamespaceFixture>
{
    private readonly NamespaceFixture _fx;
    public DeleterTests(NamespaceFixture fx) => _fx = fx;

    [Fact]
    public void RemovesOnSeveralThreadsAndReportsInSubmissionOrder()
    {
        var names = Enumerable.Range(0, 40).Select(i => _fx.Name($"del{i}")).ToList();
        foreach (var n in names) NamespaceFixture.Ip("netns", "add", n);
        names.Insert(17, _fx.Name("del-missing"));
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
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(_fx.Name("del")));
    }
}
