using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Routing;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceRoute: ip -n NS route show [table T].</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceRoute")]
[OutputType(typeof(NetNamespaceRoute))]
public sealed class GetNetNamespaceRouteCommand : IPQueryCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] DestinationPrefix { get; set; } = Array.Empty<string>();

    /// <summary>Routing table id (254 = main, 255 = local); 0 for every table.</summary>
    [Parameter]
    public uint Table { get; set; } = RouteService.MainTable;

    protected override void Query(NamespaceContext ctx)
    {
        var ifFilter = NameFilter(InterfaceAlias);
        var dstFilter = NameFilter(DestinationPrefix.Select(d => d.Equals("default", StringComparison.OrdinalIgnoreCase) ? "*/0" : d).ToArray());
        foreach (var r in RouteService.ListRoutes(ctx, Family, Table))
            if ((ifFilter is null || (r.InterfaceAlias is not null && ifFilter(r.InterfaceAlias))) &&
                (dstFilter is null || dstFilter(r.DestinationPrefix)))
                WriteObject(r);
    }
}

/// <summary>New-NetNamespaceRoute: ip -n NS route add PREFIX [via GW] [dev IF] [metric M] [table T].</summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceRoute", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceRoute))]
public sealed class NewNetNamespaceRouteCommand : RouteCmdletBase
{
    protected override void BeginProcessingLocal() => RequireNetAdmin("Adding a route");

    protected override void ProcessRecordLocal()
    {
        try
        {
            var (ctx, dst, len, gw, link) = ResolveRoute();
            if (!ShouldProcess(ctx.Target(IpPrefix.Format(dst, len)), $"Add route{(gw is null ? "" : $" via {gw}")}{(link is null ? "" : $" dev {link.Name}")}")) return;
            WriteObject(RouteService.AddRoute(ctx, dst, len, gw, link, RouteMetric, Table));
        }
        catch (NetnsException ex) { WriteNetnsError(ex, DestinationPrefix); }
    }
}

/// <summary>Remove-NetNamespaceRoute: ip -n NS route del PREFIX [via GW] [dev IF] [metric M] [table T].</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceRoute", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceRouteCommand : RouteCmdletBase
{
    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing a route");

    protected override void ProcessRecordLocal()
    {
        try
        {
            var (ctx, dst, len, gw, link) = ResolveRoute();
            if (!ShouldProcess(ctx.Target(IpPrefix.Format(dst, len)), "Remove route")) return;
            RouteService.RemoveRoute(ctx, dst, len, gw, link?.Index, RouteMetric, Table);
        }
        catch (NetnsException ex) { WriteNetnsError(ex, DestinationPrefix); }
    }
}

/// <summary>Parameters shared by New- and Remove-NetNamespaceRoute, and their parsing.</summary>
public abstract class RouteCmdletBase : NamespaceTargetCmdlet
{
    /// <summary>Destination, e.g. 10.2.0.0/16, 0.0.0.0/0, ::/0 or "default".</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RouteCompleter))] // the routes there: what Remove- takes, and a start for New-
    [ValidateNotNullOrEmpty]
    public string DestinationPrefix { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Gateway")]
    public string? NextHop { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    public string? InterfaceAlias { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public uint? RouteMetric { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1u, uint.MaxValue)]
    public uint Table { get; set; } = RouteService.MainTable;

    /// <summary>Namespace, destination, gateway (null for none or 0.0.0.0/::) and adapter of the route asked for.</summary>
    protected (NamespaceContext Ctx, System.Net.IPAddress Dst, int Len, System.Net.IPAddress? Gw, Core.Netlink.Rtnl.LinkInfo? Link) ResolveRoute()
    {
        var (dst, len, gw) = RouteService.ParseRoute(DestinationPrefix, NextHop);
        var ctx = GetContext(Namespace);
        var link = string.IsNullOrEmpty(InterfaceAlias) ? null : AdapterService.Require(ctx, InterfaceAlias);
        return (ctx, dst, len, gw, link);
    }
}
