using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Addressing;

/// <summary>Addresses of namespaces (ip addr), with kernel errors turned into stable codes.</summary>
public static class AddressService
{
    public static List<NetNamespaceAddress> ListAddresses(NamespaceContext ctx, NetAddressFamily family = NetAddressFamily.Any,
        int index = 0)
    {
        var names = Links.Names(ctx.Socket, ctx.DisplayName);
        return Addresses.Dump(ctx.Socket, (byte)family, index, ctx.DisplayName)
            .Select(a => ToObject(ctx, a, names.TryGetValue(a.InterfaceIndex, out var n) ? n : a.InterfaceIndex.ToString()))
            .ToList();
    }

    public static NetNamespaceAddress ToObject(NamespaceContext ctx, AddressInfo a, string ifName) => new()
    {
        Namespace = ctx.Name,
        InterfaceAlias = ifName,
        InterfaceIndex = a.InterfaceIndex,
        IPAddress = a.Address.ToString(),
        PrefixLength = a.PrefixLength,
        AddressFamily = (NetAddressFamily)a.Family,
        Scope = (NetScope)a.Scope,
        AddressState = (a.Flags & Ifa.F_DADFAILED) != 0 ? "Duplicate" : a.IsTentative ? "Tentative" : "Preferred",
        Flags = (NetAddressFlags)a.Flags,
    };

    private static readonly ErrnoMap AddErrors = new(ErrorIds.AddressAddFailed)
    {
        { ErrorIds.AddressAlreadyExists, Errno.EEXIST },
        { ErrorIds.InvalidIPAddress, Errno.EINVAL },
    };

    private static readonly ErrnoMap RemoveErrors = new(ErrorIds.AddressRemoveFailed)
    {
        { ErrorIds.AddressNotFound, Errno.EADDRNOTAVAIL, Errno.ENOENT, Errno.ENODEV },
    };

    public static NetNamespaceAddress AddAddress(NamespaceContext ctx, LinkInfo link, IPAddress address, int prefixLength, bool skipDad)
    {
        IpPrefix.ValidatePrefixLength(address, prefixLength);
        try
        {
            ctx.Socket.Execute(Addresses.AddRequest(link.Index, address, prefixLength, noDad: skipDad),
                $"add address {address}/{prefixLength} to {link.Name}", AddErrors, address.ToString());
        }
        catch (NetlinkException ex)
        {
            var what = ex.ErrorCode == ErrorIds.AddressAlreadyExists
                ? $"Address {address}/{prefixLength} already exists on '{link.Name}'"
                : $"Cannot add {address}/{prefixLength} to '{link.Name}'";
            throw new NetnsException(ex.ErrorCode, ex.Errno, $"{what} in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex);
        }
        var added = Addresses.Dump(ctx.Socket, Af.Of(address), link.Index, ctx.DisplayName)
            .FirstOrDefault(a => a.Address.Equals(address) && a.PrefixLength == prefixLength)
            ?? throw new NetnsException(ErrorIds.AddressAddFailed, Errno.EIO, $"{address}/{prefixLength} was accepted but is not on '{link.Name}'.", address.ToString());
        return ToObject(ctx, added, link.Name);
    }

    /// <summary>
    /// The entries of <paramref name="address"/> (with <paramref name="prefixLength"/>, on <paramref name="adapter"/>,
    /// when given): what Remove-NetNamespaceAddress removes. None is AddressNotFound naming <paramref name="input"/>.
    /// </summary>
    public static List<NetNamespaceAddress> FindAddresses(NamespaceContext ctx, IPAddress address, int? prefixLength,
        string? adapter, string input)
    {
        var found = ListAddresses(ctx, IpPrefix.Family(address))
            .Where(a => a.IPAddress == address.ToString() && (prefixLength is null || a.PrefixLength == prefixLength) &&
                        (string.IsNullOrEmpty(adapter) || a.InterfaceAlias == adapter))
            .ToList();
        return found.Count > 0 ? found
            : throw new NetnsException(ErrorIds.AddressNotFound, Errno.ENOENT,
                $"Address {input}{(string.IsNullOrEmpty(adapter) ? "" : $" on '{adapter}'")} not found in {ctx.DisplayName}.", input);
    }

    public static void RemoveAddress(NamespaceContext ctx, int index, string ifName, IPAddress address, int prefixLength)
    {
        try
        {
            ctx.Socket.Execute(Addresses.DeleteRequest(index, address, prefixLength),
                $"delete address {address}/{prefixLength} from {ifName}", RemoveErrors, address.ToString());
        }
        catch (NetlinkException ex)
        {
            throw ex.ErrorCode == ErrorIds.AddressNotFound
                ? new NetnsException(ex.ErrorCode, Errno.ENOENT,
                    $"Address {address}/{prefixLength} is not on '{ifName}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex)
                : new NetnsException(ex.ErrorCode, ex.Errno,
                    $"Cannot remove {address}/{prefixLength} from '{ifName}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex);
        }
    }
}
