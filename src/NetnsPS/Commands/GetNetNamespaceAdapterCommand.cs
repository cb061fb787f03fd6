using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceAdapter: ip -n NS link / ip link, with addresses and veth peers.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceAdapter")]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class GetNetNamespaceAdapterCommand : NamespaceQueryCmdlet
{
    [Parameter(Position = 0)]
    [Alias("InterfaceAlias", "ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Include the caller's own (host) namespace together with -Namespace.</summary>
    [Parameter]
    public SwitchParameter HostNamespace { get; set; }

    private readonly HashSet<string> _found = new(StringComparer.Ordinal);

    protected override IReadOnlyCollection<string> NamespaceNames
        => HostNamespace ? Namespace.Append(string.Empty).ToArray() : Namespace;

    protected override void Query(NamespaceContext ctx)
    {
        foreach (var a in AdapterService.List(Sessions, ctx, NameFilter(Name)))
        {
            _found.Add(a.Name);
            WriteObject(a);
        }
    }

    /// <summary>A literal -Name found in none of the namespaces read (from every pipeline input) is an error.</summary>
    protected override void EndProcessing()
    {
        foreach (var n in Name)
            if (!WildcardPattern.ContainsWildcardCharacters(n) && _found.Add(n))
                WriteNetnsError(new NetnsException("AdapterNotFound", Errno.ENODEV, $"No adapter named '{n}' in the namespaces searched.", n));
        base.EndProcessing();
    }
}
