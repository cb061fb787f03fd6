using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetnsPS.Commands;
using Xunit;

namespace NetnsPS.Core.Tests.Cmdlets;

/// <summary>The cmdlets hosted in-process with Microsoft.PowerShell.SDK: objects, error records, pipeline binding.</summary>
public sealed class HostedCmdletTests : NamespaceTests, IDisposable
{
    private readonly Runspace _rs;

    public HostedCmdletTests(NamespaceFixture fx) : base(fx)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(NewNetNamespaceCommand).Assembly.Location);
        _rs = RunspaceFactory.CreateRunspace(iss);
        _rs.Open();
    }

    private (List<PSObject> Output, List<ErrorRecord> Errors) Invoke(string script, params (string, object)[] vars)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _rs;
        foreach (var (n, v) in vars) _rs.SessionStateProxy.SetVariable(n, v);
        ps.AddScript(script);
        var output = ps.Invoke().ToList();
        return (output, ps.Streams.Error.ToList());
    }

    [Fact]
    public void PipelineCreateGetRemoveRoundTrip()
    {
        var names = new[] { Fx.Name("h1"), Fx.Name("h2"), Fx.Name("h3") };
        var (created, errors) = Invoke("$names | New-NetNamespace", ("names", names));
        Assert.Empty(errors);
        Assert.Equal(names, created.Select(o => ((NetNamespace)o.BaseObject).Name));
        var listed = NamespaceFixture.IpNetnsList();
        Assert.All(names, n => Assert.Contains(n, listed));
        foreach (var o in created)
        {
            var ns = (NetNamespace)o.BaseObject;
            Assert.Equal(NamespaceFixture.StatInode(ns.Path), ns.Inode);
        }

        var (got, _) = Invoke($"Get-NetNamespace -Name '{Fx.Prefix}h*'");
        Assert.Equal(names, got.Select(o => ((NetNamespace)o.BaseObject).Name));

        var (_, rmErrors) = Invoke($"Get-NetNamespace -Name '{Fx.Prefix}h*' | Remove-NetNamespace");
        Assert.Empty(rmErrors);
        listed = NamespaceFixture.IpNetnsList();
        Assert.All(names, n => Assert.DoesNotContain(n, listed));
    }

    [Theory]
    [InlineData("New-NetNamespace -Name 'a/b'", "InvalidNamespaceName,NetnsPS.Commands.NewNetNamespaceCommand", ErrorCategory.InvalidArgument)]
    [InlineData("Get-NetNamespace -Name 'nnx-definitely-missing'", "NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand", ErrorCategory.ObjectNotFound)]
    [InlineData("Remove-NetNamespace -Name 'nnx-definitely-missing'", "NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand", ErrorCategory.ObjectNotFound)]
    [InlineData("Get-NetNamespace -ProcessId 2147483600", "ProcessNotFound,NetnsPS.Commands.GetNetNamespaceCommand", ErrorCategory.ObjectNotFound)]
    [InlineData("New-NetNamespace -Name 'nnx-attach-missing' -ProcessId 2147483600", "ProcessNotFound,NetnsPS.Commands.NewNetNamespaceCommand", ErrorCategory.ObjectNotFound)]
    public void BadInputGivesStableErrorIds(string script, string errorId, ErrorCategory category)
    {
        var (_, errors) = Invoke(script);
        var e = Assert.Single(errors);
        Assert.Equal(errorId, e.FullyQualifiedErrorId);
        Assert.Equal(category, e.CategoryInfo.Category);
        Assert.False(File.Exists("/run/netns/nnx-attach-missing"));
    }

    [Fact]
    public void AlreadyExistsIsResourceExistsWithKernelText()
    {
        var name = Fx.Name("exists");
        Invoke("New-NetNamespace $n", ("n", name));
        var (_, errors) = Invoke("New-NetNamespace $n", ("n", name));
        var e = Assert.Single(errors);
        Assert.Equal("NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
        Assert.Equal(name, e.TargetObject);
        Invoke("Remove-NetNamespace $n", ("n", name));
    }

    public void Dispose() => _rs.Dispose();
}
