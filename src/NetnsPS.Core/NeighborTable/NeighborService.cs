using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.NeighborTable;

/// <summary>Neighbour (ARP / NDP) entries of namespaces: list, add, remove.</summary>
public static class NeighborService
{

    public static List<NetNamespaceNeighbor> List(NamespaceContext ctx, NetAddressFamily family = NetAddressFamily.Any)
    {
        var names = Links.Names(ctx.Socket, ctx.DisplayName);
        return Neighbors.Dump(ctx.Socket, (byte)family, ctx.DisplayName)
            .Select(n => Describe(ctx, n, names.TryGetValue(n.InterfaceIndex, out var s) ? s : $"if{n.InterfaceIndex}"))
            .ToList();
    }

    public static NetNamespaceNeighbor Describe(NamespaceContext ctx, NeighborInfo n, string ifName) => new()
    {
        Namespace = ctx.Name,
        InterfaceAlias = ifName,
        InterfaceIndex = n.InterfaceIndex,
        IPAddress = n.Address.ToString(),
        LinkLayerAddress = Links.FormatMac(n.LinkLayerAddress),
        State = Nda.StateName(n.State),
        AddressFamily = (NetAddressFamily)n.Family,
        IsRouter = n.IsRouter,
    };

    private static readonly ErrnoMap AddErrors = new(ErrorIds.NeighborAddFailed)
    {
        { ErrorIds.NeighborAlreadyExists, Errno.EEXIST },
        { ErrorIds.InvalidNeighborArgument, Errno.EINVAL, Errno.EAFNOSUPPORT },
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
    };

    private static readonly ErrnoMap RemoveErrors = new(ErrorIds.NeighborRemoveFailed)
    {
        { ErrorIds.NeighborNotFound, Errno.ENOENT },
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
    };

    /// <summary>
    /// Adds (or with <paramref name="replace"/> replaces) an entry in state <paramref name="stateName"/> (Permanent,
    /// Reachable, Stale, NoArp...).
    /// </summary>
    public static NetNamespaceNeighbor Add(NamespaceContext ctx, LinkInfo link, IPAddress address, byte[]? lladdr,
        string stateName, bool replace)
    {
        var state = Nda.ParseState(stateName);
        // On a loopback or point-to-point adapter the kernel keys every IPv4 neighbor as 0.0.0.0: the entry would not be
        // the one asked for (and Remove- could not find it by its address).
        if (Af.Of(address) == Af.INET && (link.Flags & (Ifla.IFF_LOOPBACK | Ifla.IFF_POINTOPOINT)) != 0)
            throw new NetnsException(ErrorIds.InvalidNeighborArgument, Errno.EINVAL,
                $"Cannot add neighbor {address} on '{link.Name}' in {ctx.Description}: '{link.Name}' is a {(link.IsLoopback ? "loopback" : "point-to-point")} adapter, where the kernel keeps one IPv4 neighbor entry for all addresses (0.0.0.0), not one for {address}.",
                address.ToString());
        try
        {
            ctx.Socket.Execute(Neighbors.AddRequest(link.Index, address, lladdr, state, replace), $"add neighbor {address}", AddErrors, address.ToString());
        }
        catch (NetlinkException ex)
        {
            throw new NetnsException(ex.ErrorCode, ex.Errno, $"Cannot add neighbor {address} on '{link.Name}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex);
        }
        var found = Neighbors.Dump(ctx.Socket, Af.Of(address), ctx.DisplayName)
            .FirstOrDefault(n => n.InterfaceIndex == link.Index && n.Address.Equals(address));
        return found is not null
            ? Describe(ctx, found, link.Name)
            : new NetNamespaceNeighbor
            {
                Namespace = ctx.Name, InterfaceAlias = link.Name, InterfaceIndex = link.Index, IPAddress = address.ToString(),
                LinkLayerAddress = Links.FormatMac(lladdr), State = Nda.StateName(state), AddressFamily = (NetAddressFamily)Af.Of(address),
            };
    }

    /// <summary>
    /// The entries for <paramref name="address"/> (on <paramref name="adapter"/>, when given): what
    /// Remove-NetNamespaceNeighbor removes. None is NeighborNotFound naming <paramref name="input"/>.
    /// </summary>
    public static List<NetNamespaceNeighbor> Find(NamespaceContext ctx, IPAddress address, string? adapter,
        string input)
    {
        var found = List(ctx, IpPrefix.Family(address))
            .Where(n => n.IPAddress == address.ToString() && (string.IsNullOrEmpty(adapter) || n.InterfaceAlias == adapter))
            .ToList();
        return found.Count > 0 ? found
            : throw new NetnsException(ErrorIds.NeighborNotFound, Errno.ENOENT,
                $"No neighbor entry for {address}{(string.IsNullOrEmpty(adapter) ? "" : $" on '{adapter}'")} in {ctx.DisplayName}.", input);
    }

    public static void Remove(NamespaceContext ctx, int index, string ifName, IPAddress address)
    {
        try
        {
            ctx.Socket.Execute(Neighbors.DeleteRequest(index, address), $"delete neighbor {address}", RemoveErrors, address.ToString());
        }
        catch (NetlinkException ex)
        {
            throw new NetnsException(ex.ErrorCode, ex.Errno, $"Cannot remove neighbor {address} on '{ifName}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex);
        }
    }
}
