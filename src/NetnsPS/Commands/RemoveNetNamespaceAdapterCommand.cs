using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Commands;

/// <summary>Remove-NetNamespaceAdapter: ip link delete DEV (removing one veth end removes both).</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceAdapter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceAdapterCommand : NamespaceTargetCmdlet
{
    private bool _yesToAll, _noToAll;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceAlias", "ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Skip the extra confirmation asked before removing a host adapter that is not virtual.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing() => RequireCapability(Core.Namespaces.Privileges.CAP_NET_ADMIN, "CAP_NET_ADMIN", "Removing an adapter");

    protected override void ProcessRecord()
    {
        NamespaceContext ctx;
        try { ctx = Sessions.Get(Namespace); }
        catch (NetnsException ex) { WriteNetnsError(ex, Namespace); return; }
        {
            var links = ResolveLinks(ctx, Name);
            var removed = new HashSet<int>();
            foreach (var link in links)
            {
                if (link.Kind == "veth" && link.LinkNetnsId is null && link.LinkIndex is int peer && removed.Contains(peer))
                {
                    WriteVerbose($"{link.Name} went with its peer.");
                    continue;
                }
                var what = link.Kind == "veth" ? "Remove veth adapter (its peer is removed too)" : "Remove adapter";
                if (!ShouldProcess($"{link.Name} ({ctx.DisplayName})", what)) continue;
                if (ctx.IsHost && link.Kind is null && !Force &&
                    !ShouldContinue($"'{link.Name}' is a {Links.DescribeKind(link)} adapter of the host. Remove it?", "Remove-NetNamespaceAdapter", ref _yesToAll, ref _noToAll))
                    continue;
                try { AdapterService.Remove(ctx, link); removed.Add(link.Index); }
                catch (NetnsException ex) { WriteNetnsError(ex, link.Name); }
            }
        }
    }
}
