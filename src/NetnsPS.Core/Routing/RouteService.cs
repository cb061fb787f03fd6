using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Routing;

/// <summary>Routes of namespaces (ip route), with kernel errors turned into stable codes.</summary>
public static class RouteService
{
    /// <summary>The main routing table (RT_TABLE_MAIN, 254), where routes go unless -Table says otherwise.</summary>
    public const uint MainTable = Rta.TABLE_MAIN;

    private static string ProtocolName(byte p) => p switch
    {
        0 => "unspec", 1 => "redirect", 2 => "kernel", 3 => "boot", 4 => "static", 16 => "dhcp", 186 => "bgp", 188 => "ospf",
        _ => p.ToString(),
    };

    public static NetNamespaceRoute ToObject(NamespaceContext ctx, RouteInfo r, IReadOnlyDictionary<int, string> names) => new()
    {
        Namespace = ctx.Name,
        DestinationPrefix = r.DestinationPrefix,
        NextHop = r.Gateway?.ToString(),
        InterfaceAlias = r.OutputInterface is int o ? (names.TryGetValue(o, out var n) ? n : o.ToString()) : null,
        InterfaceIndex = r.OutputInterface,
        RouteMetric = r.Metric,
        Table = r.Table,
        AddressFamily = (NetAddressFamily)r.Family,
        Protocol = ProtocolName(r.Protocol),
        Scope = (NetScope)r.Scope,
        Type = r.Type.ToString(),
        PreferredSource = r.PreferredSource?.ToString(),
    };

    /// <summary>The routes of both families in <paramref name="table"/>.</summary>
    public static List<NetNamespaceRoute> ListRoutes(NamespaceContext ctx, uint table) => ListRoutes(ctx, NetAddressFamily.Any, table);

    public static List<NetNamespaceRoute> ListRoutes(NamespaceContext ctx, NetAddressFamily family, uint table)
    {
        var names = Links.Names(ctx.Socket, ctx.DisplayName);
        return Routes.Dump(ctx.Socket, (byte)family, table, ctx.DisplayName).Select(r => ToObject(ctx, r, names)).ToList();
    }

    /// <summary>
    /// A route's -DestinationPrefix and -NextHop: the destination ("default" in the next hop's family, or IPv6 when the
    /// prefix has a colon) and the gateway (null for none, 0.0.0.0 or ::).
    /// </summary>
    public static (IPAddress Dst, int Len, IPAddress? Gateway) ParseRoute(string destinationPrefix, string? nextHop)
    {
        var gw = string.IsNullOrEmpty(nextHop) ? null : IpPrefix.ParseAddress(nextHop, "next hop");
        var family = gw is not null ? IpPrefix.Family(gw)
            : destinationPrefix.Contains(':') ? NetAddressFamily.IPv6 : NetAddressFamily.IPv4;
        var (dst, len) = IpPrefix.ParsePrefix(destinationPrefix, family);
        if (gw is not null && (gw.Equals(IPAddress.Any) || gw.Equals(IPAddress.IPv6Any))) gw = null;
        return (dst, len, gw);
    }

    private static readonly ErrnoMap AddErrors = new(ErrorIds.RouteAddFailed)
    {
        { ErrorIds.RouteAlreadyExists, Errno.EEXIST },
        { ErrorIds.RouteGatewayUnreachable, Errno.ENETUNREACH, Errno.EHOSTUNREACH },
        { ErrorIds.AdapterNotFound, Errno.ENODEV },
        { ErrorIds.InvalidRoute, Errno.EINVAL },
    };

    private static readonly ErrnoMap RemoveErrors = new(ErrorIds.RouteRemoveFailed)
    {
        { ErrorIds.RouteNotFound, Errno.ESRCH, Errno.ENOENT },
    };

    public static NetNamespaceRoute AddRoute(NamespaceContext ctx, IPAddress dst, int len, IPAddress? gateway, LinkInfo? link, uint? metric, uint table)
    {
        var text = $"{IpPrefix.Format(dst, len)}{(gateway is null ? "" : $" via {gateway}")}{(link is null ? "" : $" dev {link.Name}")}";
        if (gateway is null && link is null)
            throw new NetnsException(ErrorIds.InvalidRoute, Errno.EINVAL, $"Route {text} needs -NextHop or -InterfaceAlias.", text);
        try
        {
            ctx.Socket.Execute(Routes.AddRequest(dst, len, gateway, link?.Index, metric, table), $"add route {text}", AddErrors, text);
        }
        catch (NetlinkException ex)
        {
            // EINVAL is also the kernel's answer to a gateway it cannot reach directly ("Nexthop has invalid gateway").
            var code = ex.Errno == Errno.EINVAL && gateway is not null && (ex.Ack.Message?.Contains("gateway", StringComparison.OrdinalIgnoreCase) ?? false)
                ? ErrorIds.RouteGatewayUnreachable : ex.ErrorCode;
            throw new NetnsException(code, ex.Errno, $"Cannot add route {text} in {ctx.Description}: {ex.Ack.Describe()}", text, ex);
        }
        var names = Links.Names(ctx.Socket);
        var added = Routes.Dump(ctx.Socket, Af.Of(dst), table).FirstOrDefault(r =>
            r.DestinationLength == len && r.Destination.Equals(dst) && (metric is null || r.Metric == metric) &&
            (gateway is null || gateway.Equals(r.Gateway)) && (link is null || r.OutputInterface == link.Index));
        return added is null
            ? throw new NetnsException(ErrorIds.RouteAddFailed, Errno.EIO, $"Route {text} was accepted but is not in table {table}.", text)
            : ToObject(ctx, added, names);
    }

    public static void RemoveRoute(NamespaceContext ctx, IPAddress dst, int len, IPAddress? gateway, int? oif, uint? metric, uint table)
    {
        var text = $"{IpPrefix.Format(dst, len)}{(gateway is null ? "" : $" via {gateway}")}";
        try
        {
            ctx.Socket.Execute(Routes.DeleteRequest(dst, len, gateway, oif, metric, table), $"delete route {text}", RemoveErrors, text);
        }
        catch (NetlinkException ex)
        {
            throw ex.ErrorCode == ErrorIds.RouteNotFound
                ? new NetnsException(ex.ErrorCode, Errno.ENOENT, $"No route {text} in table {table} of {ctx.Description}: {ex.Ack.Describe()}", text, ex)
                : new NetnsException(ex.ErrorCode, ex.Errno, $"Cannot remove route {text} in {ctx.Description}: {ex.Ack.Describe()}", text, ex);
        }
    }
}
