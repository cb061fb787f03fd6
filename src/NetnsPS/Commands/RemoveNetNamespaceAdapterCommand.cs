using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Remove-NetNamespaceAdapter: ip link delete DEV (removing one veth end removes both).</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceAdapter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = LiteralNameSet)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceAdapterCommand : AdapterNamesCmdlet
{
    private bool _yesToAll, _noToAll;
    // veth ends that went away with their peer earlier in this invocation: "inode/name"
    private readonly HashSet<string> _goneWithPeer = new(StringComparer.Ordinal);

    /// <summary>Skip the extra confirmation asked before removing a host adapter that is not virtual.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing an adapter");

    protected override void ProcessRecordLocal()
    {
        NamespaceContext ctx;
        try { ctx = GetContext(Namespace); }
        catch (NetnsException ex) { WriteNetnsError(ex, Namespace); return; }
        {
            var names = Names;
            var wanted = names.Where(n => !_goneWithPeer.Contains($"{ctx.Identity.Inode}/{(Literal ? n : WildcardPattern.Unescape(n))}")).ToArray();
            foreach (var n in names.Except(wanted)) WriteVerbose($"{n} in {ctx.DisplayName} went with its peer.");
            var links = ResolveLinks(ctx, wanted, Literal);
            var removed = new HashSet<int>();
            foreach (var link in links)
            {
                if (link.Kind == "veth" && link.LinkNetnsId is null && link.LinkIndex is int peer && removed.Contains(peer))
                {
                    WriteVerbose($"{link.Name} went with its peer.");
                    continue;
                }
                var what = link.Kind == "veth" ? "Remove veth adapter (its peer is removed too)" : "Remove adapter";
                if (!ShouldProcess(ctx.Target(link.Name), what)) continue;
                if (ctx.IsHost && link.Kind is null && !Force &&
                    !ShouldContinue($"'{link.Name}' is a {AdapterService.KindText(link)} adapter of the host. Remove it?", "Remove-NetNamespaceAdapter", ref _yesToAll, ref _noToAll))
                    continue;
                try
                {
                    RememberPeer(ctx, link);
                    AdapterService.Remove(ctx, link);
                    removed.Add(link.Index);
                }
                catch (NetnsException ex) { WriteNetnsError(ex, link.Name); }
            }
        }
    }

    private void RememberPeer(NamespaceContext ctx, Core.Netlink.Rtnl.LinkInfo link)
    {
        if (link.Kind != "veth" || link.LinkIndex is not int peerIndex || peerIndex <= 0) return;
        var peerCtx = Sessions.ResolvePeerNamespace(ctx, link);
        if (peerCtx is null) return;
        var peer = AdapterService.Find(peerCtx, peerIndex);
        if (peer is not null) _goneWithPeer.Add($"{peerCtx.Identity.Inode}/{peer.Name}");
    }

}
