using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceAdapter: ip -n NS link / ip link, with addresses and veth peers.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceAdapter")]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class GetNetNamespaceAdapterCommand : NetnsSessionCmdlet
{
    [Parameter(Position = 0)]
    [Alias("InterfaceAlias", "ifAlias")]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [NamespaceTransformation]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string[] Namespace { get; set; } = Array.Empty<string>();

    /// <summary>Include the caller's own (host) namespace together with -Namespace.</summary>
    [Parameter]
    public SwitchParameter HostNamespace { get; set; }

    protected override void ProcessRecord()
    {
        var names = Namespace.ToList();
        if (HostNamespace) names.Add(string.Empty);
        var filter = NameFilter(Name);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ctx in ResolveContexts(names))
        {
            try
            {
                foreach (var a in AdapterService.List(Sessions, ctx, filter))
                {
                    found.Add(a.Name);
                    WriteObject(a);
                }
            }
            catch (NetnsException ex) { WriteNetnsError(ex, ctx.DisplayName); }
        }
        foreach (var n in Name)
            if (!WildcardPattern.ContainsWildcardCharacters(n) && !found.Contains(n))
                WriteNetnsError(new NetnsException("AdapterNotFound", Errno.ENODEV, $"No adapter named '{n}' in the namespaces searched.", n));
    }
}
