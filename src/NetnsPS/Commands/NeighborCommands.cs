using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.NeighborTable;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceNeighbor: ip -n NS neigh show (ARP and NDP entries).</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceNeighbor")]
[OutputType(typeof(NetNamespaceNeighbor))]
public sealed class GetNetNamespaceNeighborCommand : InterfaceAddressQueryCmdlet
{
    /// <summary>Only entries in these states. Without it, NoArp and None entries are left out, as `ip neigh` does.</summary>
    [Parameter]
    [ValidateSet("Reachable", "Stale", "Delay", "Probe", "Incomplete", "Unreachable", "Permanent", "NoArp", "None", IgnoreCase = true)]
    public string[] State { get; set; } = Array.Empty<string>();

    protected override void Query(NamespaceContext ctx)
    {
        var filter = EntryFilter();
        foreach (var n in NeighborService.List(ctx, Family))
        {
            if (State.Length > 0 ? !State.Contains(n.State, StringComparer.OrdinalIgnoreCase) : n.State is "NoArp" or "None") continue;
            if (filter(n.InterfaceAlias, n.IPAddress)) WriteObject(n);
        }
    }
}

/// <summary>New-NetNamespaceNeighbor: ip -n NS neigh add ADDR lladdr MAC nud permanent dev IF.</summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceNeighbor", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceNeighbor))]
public sealed class NewNetNamespaceNeighborCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string IPAddress { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string LinkLayerAddress { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string InterfaceAlias { get; set; } = string.Empty;

    /// <summary>Permanent (default: never expires), Reachable, Stale or NoArp.</summary>
    [Parameter]
    [ValidateSet("Permanent", "Reachable", "Stale", "NoArp", IgnoreCase = true)]
    public string State { get; set; } = "Permanent";

    /// <summary>Replace an existing entry for the address (ip neigh replace) instead of failing with NeighborAlreadyExists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Adding a neighbor");

    protected override void ProcessRecordLocal()
    {
        try
        {
            var address = IpPrefix.ParseAddress(IPAddress);
            var mac = AdapterService.ParseMac(LinkLayerAddress);
            var ctx = GetContext(Namespace);
            var link = AdapterService.Require(ctx, InterfaceAlias);
            if (!ShouldProcess(ctx.Target(InterfaceAlias), $"Add neighbor {address} lladdr {AdapterService.FormatMac(mac)} ({State})")) return;
            WriteObject(NeighborService.Add(ctx, link, address, mac, State, Force));
        }
        catch (NetnsException ex) { WriteNetnsError(ex, IPAddress); }
    }
}

/// <summary>Remove-NetNamespaceNeighbor: ip -n NS neigh del ADDR dev IF.</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceNeighbor", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceNeighborCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string IPAddress { get; set; } = string.Empty;

    /// <summary>Adapter; when omitted, every adapter that has an entry for the address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    public string? InterfaceAlias { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing a neighbor");

    protected override void ProcessRecordLocal()
    {
        try
        {
            var address = IpPrefix.ParseAddress(IPAddress);
            var ctx = GetContext(Namespace);
            // A named adapter must exist: an unknown one is AdapterNotFound, not "no entry on it".
            if (!string.IsNullOrEmpty(InterfaceAlias)) AdapterService.Require(ctx, InterfaceAlias);
            foreach (var n in NeighborService.Find(ctx, address, InterfaceAlias, IPAddress))
            {
                if (!ShouldProcess(ctx.Target(n.InterfaceAlias), $"Remove neighbor {n.IPAddress}")) continue;
                NeighborService.Remove(ctx, n.InterfaceIndex, n.InterfaceAlias, address);
            }
        }
        catch (NetnsException ex) { WriteNetnsError(ex, IPAddress); }
    }
}
